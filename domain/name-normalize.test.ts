import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isKanaQuery,
  isLatinQuery,
  normalizeKana,
  normalizeKanji,
  normalizeLatin,
} from './name-normalize';

const HIRAGANA = [
  ...'あいうえおかがきぎくぐさざしじたただちぢつづってとどなにぬねのはばぱひふへほまみむめもゃやゅゆょよらりるれろわをんー',
];
const HALF_WIDTH = [...'ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｯｬｭｮﾞﾟｰ '];

const hiraganaName = fc
  .array(fc.constantFrom(...HIRAGANA, ' ', '　', '・'), { minLength: 1, maxLength: 12 })
  .map((cs) => cs.join(''));
const latinName = fc
  .array(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzōūé', ' ', '-', "'"), {
    minLength: 1,
    maxLength: 16,
  })
  .map((cs) => cs.join(''));

/** Full-width forms of ASCII (what a Japanese IME types). */
function fullWidth(s: string): string {
  return s.replace(/[!-~]/gu, (c) => String.fromCodePoint((c.codePointAt(0) ?? 0) + 0xfee0));
}

function katakana(s: string): string {
  return s.replace(/[\u3041-\u3096]/gu, (c) =>
    String.fromCodePoint((c.codePointAt(0) ?? 0) + 0x60),
  );
}

describe('kana as a clerk types it', () => {
  it.each([
    ['やまだ たろう', 'ヤマダタロウ'],
    ['ﾔﾏﾀﾞ ﾀﾛｳ', 'ヤマダタロウ'],
    ['ヤマダ・タロウ', 'ヤマダタロウ'],
    ['ﾔﾏﾀﾞ･ﾀﾛｳ', 'ヤマダタロウ'],
    ['タ゛イスケ', 'ダイスケ'],
    ['さとー', 'サトー'],
    ['サト-', 'サトー'],
    ['ﾊﾟｰｸ', 'パーク'],
  ])('%s is searched as %s', (typed, expected) => {
    expect(normalizeKana(typed)).toBe(expected);
  });

  it('keeps small kana, voiced marks and the long-vowel mark, which tell registered names apart', () => {
    expect(normalizeKana('ハットリ')).not.toBe(normalizeKana('ハツトリ'));
    expect(normalizeKana('ダイ')).not.toBe(normalizeKana('タイ'));
    expect(normalizeKana('オーノ')).not.toBe(normalizeKana('オウノ'));
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(normalizeKana(normalizeKana(s))).toBe(normalizeKana(s));
      }),
    );
  });

  it('does not care whether the clerk typed hiragana or katakana', () => {
    fc.assert(
      fc.property(hiraganaName, (s) => {
        expect(normalizeKana(katakana(s))).toBe(normalizeKana(s));
      }),
    );
  });

  it('does not care whether the clerk typed half-width or full-width katakana', () => {
    const halfWidth = fc
      .array(fc.constantFrom(...HALF_WIDTH), { minLength: 1, maxLength: 12 })
      .map((cs) => cs.join(''));
    fc.assert(
      fc.property(halfWidth, (s) => {
        expect(normalizeKana(s.normalize('NFKC'))).toBe(normalizeKana(s));
      }),
    );
  });

  it('recognises a kana query and nothing else', () => {
    expect(isKanaQuery('ﾔﾏﾀﾞ')).toBe(true);
    expect(isKanaQuery('やまだ たろう')).toBe(true);
    expect(isKanaQuery('山田')).toBe(false);
    expect(isKanaQuery('YAMADA')).toBe(false);
    expect(isKanaQuery(' ')).toBe(false);
  });
});

describe('Latin letters as a clerk types them', () => {
  it.each([
    ['Ōno Tarō', 'ONO TARO'],
    ['oono  tarou', 'ONO TARO'],
    ['ＯＵＮＯ　ＴＡＲＯＵ', 'ONO TARO'],
    ['Yamada, Taro', 'YAMADA TARO'],
    ['Yūki', 'YUKI'],
    ['yuuki', 'YUKI'],
    ['Müller-Lüdenscheidt', 'MULLER LUDENSCHEIDT'],
    ['Øster', 'OSTER'],
  ])('%s is searched as %s', (typed, expected) => {
    expect(normalizeLatin(typed)).toBe(expected);
  });

  it('does not fold OH, a consonant in foreign names', () => {
    expect(normalizeLatin('John')).toBe('JOHN');
    expect(normalizeLatin('Ohno')).toBe('OHNO');
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(normalizeLatin(normalizeLatin(s))).toBe(normalizeLatin(s));
      }),
    );
  });

  it('does not care about width or case', () => {
    fc.assert(
      fc.property(latinName, (s) => {
        expect(normalizeLatin(fullWidth(s))).toBe(normalizeLatin(s));
        expect(normalizeLatin(s.toUpperCase())).toBe(normalizeLatin(s));
      }),
    );
  });

  it('recognises a Latin query and nothing else', () => {
    expect(isLatinQuery('yamada taro')).toBe(true);
    expect(isLatinQuery('ｙａｍａｄａ')).toBe(true);
    expect(isLatinQuery('A-123')).toBe(false);
    expect(isLatinQuery('山田')).toBe(false);
  });
});

describe('kanji as a clerk types them', () => {
  it.each([
    ['髙橋　一郎', '高橋一郎'],
    ['山﨑 花子', '山崎花子'],
    ['渡邉', '渡辺'],
    ['齋藤', '斎藤'],
  ])('%s is searched as %s', (typed, expected) => {
    expect(normalizeKanji(typed)).toBe(expected);
  });

  it('is idempotent and width-insensitive', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(normalizeKanji(normalizeKanji(s))).toBe(normalizeKanji(s));
      }),
    );
    fc.assert(
      fc.property(latinName, (s) => {
        expect(normalizeKanji(fullWidth(s))).toBe(normalizeKanji(s));
      }),
    );
  });
});
