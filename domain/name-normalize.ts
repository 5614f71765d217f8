// Names as a clerk types them, folded to one searchable form. The same function runs on the
// stored name (person.*_norm, written by the case store and backfilled by migration 0030) and
// on what the clerk types, so every decision below only widens what is found; the clerk
// always sees the name as registered.
//
// Decisions (conservative: fold what is written differently for the same sound or glyph,
// never what the register tells apart):
// - Kana: NFKC (half-width ｶﾀｶﾅ → full-width, ﾀﾞ → ダ), hiragana → katakana, spaces and
//   middle dots removed. Small kana (ッ/ツ, ャ/ヤ) and voiced marks (ダ/タ) are KEPT: they tell
//   registered names apart. The long-vowel mark ー is KEPT (オー and オウ are different
//   spellings in the register); hyphen and dash look-alikes typed for it become ー.
// - Latin: NFKC, diacritics stripped (Ō → O), upper-case, punctuation to space, spaces
//   collapsed. Hepburn long vowels are folded: OO, OU (and longer runs) → O, UU → U, so
//   ŌNO, OHNO's cousins ONO/OONO/OUNO meet. OH is NOT folded: it is also a consonant in
//   foreign names (JOHN, OHARA).
// - Kanji: NFKC, spaces and middle dots removed, and a small table of 異体字 that registers
//   and forms use interchangeably (髙→高, 﨑→崎, ...). The stored name keeps its own glyph.

/** Whitespace of any width, and the middle dots that separate names (・ ･ ·). */
const SEPARATORS = /[\s\u00B7\u30FB\uFF65]+/gu;

/** Hyphen and dash look-alikes typed where a kana name has the long-vowel mark. */
const DASHES = /[-\u2010-\u2015\u2212\uFF0D\uFF70]/gu;

function hiraganaToKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096\u309D\u309E]/gu, (c) =>
    String.fromCodePoint((c.codePointAt(0) ?? 0) + 0x60),
  );
}

/**
 * Katakana search form: 'やまだ たろう', 'ﾔﾏﾀﾞ ﾀﾛｳ' and 'ヤマダ・タロウ' all become 'ヤマダタロウ'.
 */
export function normalizeKana(s: string): string {
  // The spacing voiced marks (゛゜) decompose under NFKC to a space and a combining mark;
  // turning them into the combining marks first lets NFKC compose タ゛ into ダ.
  const marks = s.replace(/\u309B/gu, '\u3099').replace(/\u309C/gu, '\u309A');
  return hiraganaToKatakana(marks.normalize('NFKC'))
    .replace(SEPARATORS, '')
    .replace(DASHES, 'ー')
    .normalize('NFC');
}

/** Letters that carry no combining mark to strip but have a plain Latin reading. */
const LATIN_LETTERS: Readonly<Record<string, string>> = {
  Ø: 'O',
  Ł: 'L',
  Đ: 'D',
  Æ: 'AE',
  Œ: 'OE',
  Þ: 'TH',
};

/** Hepburn long vowels: runs after O of O/U become O, runs of U become U. */
function foldLongVowels(s: string): string {
  return s.replace(/O[OU]+/gu, 'O').replace(/UU+/gu, 'U');
}

/** Latin search form: 'Ōno  Tarō', 'OONO TARO' and 'ｏｕｎｏ ｔａｒｏｕ' (full-width) all become 'ONO TARO'. */
export function normalizeLatin(s: string): string {
  const plain = s
    .normalize('NFKC')
    .toUpperCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ØŁĐÆŒÞ]/gu, (c) => LATIN_LETTERS[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  let folded = plain;
  for (let next = foldLongVowels(folded); next !== folded; next = foldLongVowels(folded)) {
    folded = next;
  }
  return folded;
}

/**
 * 異体字 that appear in registered names and are typed with their common form. Only pairs
 * a clerk would accept as "the same name" for finding a case; the register's own glyph is
 * what the case shows and what the card prints.
 */
export const KANJI_VARIANTS: Readonly<Record<string, string>> = {
  髙: '高',
  﨑: '崎',
  嵜: '崎',
  邊: '辺',
  邉: '辺',
  齋: '斎',
  濵: '浜',
  濱: '浜',
  瀨: '瀬',
  德: '徳',
  廣: '広',
  櫻: '桜',
  澤: '沢',
  '𠮷': '吉',
  國: '国',
  眞: '真',
  冨: '富',
};

const VARIANT_PATTERN = new RegExp(`[${Object.keys(KANJI_VARIANTS).join('')}]`, 'gu');

/** Kanji search form: '髙橋 一郎' (any width of space) and '高橋一郎' both become '高橋一郎'. */
export function normalizeKanji(s: string): string {
  return s
    .normalize('NFKC')
    .replace(VARIANT_PATTERN, (c) => KANJI_VARIANTS[c] ?? c)
    .replace(SEPARATORS, '');
}

/** True when the text, once normalized, is kana only (what a kana prefix search takes). */
export function isKanaQuery(s: string): boolean {
  const kana = normalizeKana(s);
  return kana.length > 0 && /^[\u30A1-\u30FA\u30FC-\u30FE]+$/u.test(kana);
}

/** True when the text is Latin letters (any width, any diacritics) and separators only. */
export function isLatinQuery(s: string): boolean {
  const latin = normalizeLatin(s);
  return latin.length > 0 && /^[A-Z ]+$/u.test(latin);
}
