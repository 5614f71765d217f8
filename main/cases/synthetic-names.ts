// Synthetic people for `madoguchi db seed` and the store benchmarks: a seeded PRNG and small
// built-in lists of common Japanese names with their readings, foreign names with their
// katakana, and the 47 prefectures with their capitals. Nothing here describes a real
// person, but seeded data is still handled as personal data: never logged, never printed.

/** mulberry32: a tiny, fast 32-bit PRNG. Deterministic; not for anything secret. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed for item `index` of a run seeded with `seed` (splitmix-style mixing). */
export function mixSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** One key of `weights`, chosen in proportion to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}

/** The entries and total of a weights table, computed once per table. */
const weightTables = new WeakMap<object, { keys: string[]; weights: number[]; total: number }>();

function weightTable(weights: Readonly<Record<string, number>>) {
  let table = weightTables.get(weights);
  if (!table) {
    const entries = Object.entries(weights);
    table = {
      keys: entries.map(([key]) => key),
      weights: entries.map(([, w]) => w),
      total: entries.reduce((sum, [, w]) => sum + w, 0),
    };
    weightTables.set(weights, table);
  }
  return table;
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (items) => {
      const item = items[int(items.length)];
      if (item === undefined) throw new RangeError('pick from an empty list');
      return item;
    },
    weighted: <K extends string>(weights: Readonly<Record<K, number>>): K => {
      const { keys, weights: w, total } = weightTable(weights);
      if (keys.length === 0) throw new RangeError('no weights');
      let r = next() * total;
      for (let i = 0; i < keys.length; i += 1) {
        r -= w[i] ?? 0;
        if (r < 0) return keys[i] as K;
      }
      return keys[keys.length - 1] as K;
    },
  };
}

/** [kanji, katakana reading, Hepburn romanization]. */
type Reading = readonly [string, string, string];

export const SURNAMES: readonly Reading[] = [
  ['佐藤', 'サトウ', 'SATO'],
  ['鈴木', 'スズキ', 'SUZUKI'],
  ['高橋', 'タカハシ', 'TAKAHASHI'],
  ['田中', 'タナカ', 'TANAKA'],
  ['伊藤', 'イトウ', 'ITO'],
  ['渡辺', 'ワタナベ', 'WATANABE'],
  ['山本', 'ヤマモト', 'YAMAMOTO'],
  ['中村', 'ナカムラ', 'NAKAMURA'],
  ['小林', 'コバヤシ', 'KOBAYASHI'],
  ['加藤', 'カトウ', 'KATO'],
  ['吉田', 'ヨシダ', 'YOSHIDA'],
  ['山田', 'ヤマダ', 'YAMADA'],
  ['佐々木', 'ササキ', 'SASAKI'],
  ['山口', 'ヤマグチ', 'YAMAGUCHI'],
  ['松本', 'マツモト', 'MATSUMOTO'],
  ['井上', 'イノウエ', 'INOUE'],
  ['木村', 'キムラ', 'KIMURA'],
  ['林', 'ハヤシ', 'HAYASHI'],
  ['斎藤', 'サイトウ', 'SAITO'],
  ['清水', 'シミズ', 'SHIMIZU'],
  ['山崎', 'ヤマザキ', 'YAMAZAKI'],
  ['森', 'モリ', 'MORI'],
  ['池田', 'イケダ', 'IKEDA'],
  ['橋本', 'ハシモト', 'HASHIMOTO'],
  ['阿部', 'アベ', 'ABE'],
  ['石川', 'イシカワ', 'ISHIKAWA'],
  ['前田', 'マエダ', 'MAEDA'],
  ['藤田', 'フジタ', 'FUJITA'],
  ['後藤', 'ゴトウ', 'GOTO'],
  ['岡田', 'オカダ', 'OKADA'],
  ['長谷川', 'ハセガワ', 'HASEGAWA'],
  ['村上', 'ムラカミ', 'MURAKAMI'],
  ['近藤', 'コンドウ', 'KONDO'],
  ['石井', 'イシイ', 'ISHII'],
  ['坂本', 'サカモト', 'SAKAMOTO'],
  ['遠藤', 'エンドウ', 'ENDO'],
  ['青木', 'アオキ', 'AOKI'],
  ['藤井', 'フジイ', 'FUJII'],
  ['西村', 'ニシムラ', 'NISHIMURA'],
  ['比嘉', 'ヒガ', 'HIGA'],
];

export const GIVEN_NAMES_FEMALE: readonly Reading[] = [
  ['花子', 'ハナコ', 'HANAKO'],
  ['陽菜', 'ヒナ', 'HINA'],
  ['結衣', 'ユイ', 'YUI'],
  ['美咲', 'ミサキ', 'MISAKI'],
  ['さくら', 'サクラ', 'SAKURA'],
  ['愛', 'アイ', 'AI'],
  ['恵子', 'ケイコ', 'KEIKO'],
  ['洋子', 'ヨウコ', 'YOKO'],
  ['幸子', 'サチコ', 'SACHIKO'],
  ['由美', 'ユミ', 'YUMI'],
  ['真由美', 'マユミ', 'MAYUMI'],
  ['智子', 'トモコ', 'TOMOKO'],
  ['葵', 'アオイ', 'AOI'],
  ['芽依', 'メイ', 'MEI'],
  ['明美', 'アケミ', 'AKEMI'],
  ['和子', 'カズコ', 'KAZUKO'],
  ['凛', 'リン', 'RIN'],
  ['千尋', 'チヒロ', 'CHIHIRO'],
  ['直美', 'ナオミ', 'NAOMI'],
  ['久美子', 'クミコ', 'KUMIKO'],
];

export const GIVEN_NAMES_MALE: readonly Reading[] = [
  ['太郎', 'タロウ', 'TARO'],
  ['翔太', 'ショウタ', 'SHOTA'],
  ['大翔', 'ヒロト', 'HIROTO'],
  ['蓮', 'レン', 'REN'],
  ['健太', 'ケンタ', 'KENTA'],
  ['誠', 'マコト', 'MAKOTO'],
  ['浩', 'ヒロシ', 'HIROSHI'],
  ['茂', 'シゲル', 'SHIGERU'],
  ['隆', 'タカシ', 'TAKASHI'],
  ['大輔', 'ダイスケ', 'DAISUKE'],
  ['拓也', 'タクヤ', 'TAKUYA'],
  ['直樹', 'ナオキ', 'NAOKI'],
  ['悠真', 'ユウマ', 'YUMA'],
  ['湊', 'ミナト', 'MINATO'],
  ['一郎', 'イチロウ', 'ICHIRO'],
  ['健一', 'ケンイチ', 'KENICHI'],
  ['正男', 'マサオ', 'MASAO'],
  ['陸', 'リク', 'RIKU'],
  ['修', 'オサム', 'OSAMU'],
  ['和也', 'カズヤ', 'KAZUYA'],
];

/** [Latin as in the passport, katakana]. Foreign residents are registered by these. */
type ForeignName = readonly [string, string];

export const FOREIGN_SURNAMES: readonly ForeignName[] = [
  ['SMITH', 'スミス'],
  ['NGUYEN', 'グエン'],
  ['TRAN', 'チャン'],
  ['SANTOS', 'サントス'],
  ['SILVA', 'シルバ'],
  ['GARCIA', 'ガルシア'],
  ['KIM', 'キム'],
  ['PARK', 'パク'],
  ['MULLER', 'ミュラー'],
  ['MARTIN', 'マルタン'],
  ['REYES', 'レイエス'],
  ['SHARMA', 'シャルマ'],
];

export const FOREIGN_GIVEN_NAMES: Readonly<Record<'male' | 'female', readonly ForeignName[]>> = {
  male: [
    ['JOHN', 'ジョン'],
    ['MINH', 'ミン'],
    ['CARLOS', 'カルロス'],
    ['DAVID', 'デイビッド'],
    ['RAJ', 'ラジ'],
    ['LUCAS', 'ルーカス'],
  ],
  female: [
    ['MARIA', 'マリア'],
    ['ANNA', 'アンナ'],
    ['LAN', 'ラン'],
    ['SOFIA', 'ソフィア'],
    ['PRIYA', 'プリヤ'],
    ['EMMA', 'エマ'],
  ],
};

/** The 47 prefectures (JIS X 0401 order) with their capitals. */
export const PREFECTURES: readonly (readonly [string, string])[] = [
  ['北海道', '札幌市中央区'],
  ['青森県', '青森市'],
  ['岩手県', '盛岡市'],
  ['宮城県', '仙台市青葉区'],
  ['秋田県', '秋田市'],
  ['山形県', '山形市'],
  ['福島県', '福島市'],
  ['茨城県', '水戸市'],
  ['栃木県', '宇都宮市'],
  ['群馬県', '前橋市'],
  ['埼玉県', 'さいたま市浦和区'],
  ['千葉県', '千葉市中央区'],
  ['東京都', '千代田区'],
  ['神奈川県', '横浜市中区'],
  ['新潟県', '新潟市中央区'],
  ['富山県', '富山市'],
  ['石川県', '金沢市'],
  ['福井県', '福井市'],
  ['山梨県', '甲府市'],
  ['長野県', '長野市'],
  ['岐阜県', '岐阜市'],
  ['静岡県', '静岡市葵区'],
  ['愛知県', '名古屋市中区'],
  ['三重県', '津市'],
  ['滋賀県', '大津市'],
  ['京都府', '京都市中京区'],
  ['大阪府', '大阪市北区'],
  ['兵庫県', '神戸市中央区'],
  ['奈良県', '奈良市'],
  ['和歌山県', '和歌山市'],
  ['鳥取県', '鳥取市'],
  ['島根県', '松江市'],
  ['岡山県', '岡山市北区'],
  ['広島県', '広島市中区'],
  ['山口県', '山口市'],
  ['徳島県', '徳島市'],
  ['香川県', '高松市'],
  ['愛媛県', '松山市'],
  ['高知県', '高知市'],
  ['福岡県', '福岡市中央区'],
  ['佐賀県', '佐賀市'],
  ['長崎県', '長崎市'],
  ['熊本県', '熊本市中央区'],
  ['大分県', '大分市'],
  ['宮崎県', '宮崎市'],
  ['鹿児島県', '鹿児島市'],
  ['沖縄県', '那覇市'],
];

const TOWNS = ['本町', '中央', '栄町', '緑町', '旭町', '桜町', '幸町', '東町', '西町', '港町'];

/** Where overseas applicants live (国外転出者: the address abroad, as entered in Japanese). */
export const OVERSEAS_ADDRESSES: readonly string[] = [
  'アメリカ合衆国カリフォルニア州ロサンゼルス市',
  'アメリカ合衆国ニューヨーク州ニューヨーク市',
  '中華人民共和国上海市',
  'オーストラリア連邦ニューサウスウェールズ州シドニー市',
  'タイ王国バンコク都',
  'カナダ国ブリティッシュコロンビア州バンクーバー市',
  '英国ロンドン市',
  'ドイツ連邦共和国デュッセルドルフ市',
  'シンガポール共和国',
  'ブラジル連邦共和国サンパウロ州サンパウロ市',
];

/** The ideographic space (U+3000) between family and given name, as registers print them. */
const SPACE = '\u3000';

export interface SyntheticName {
  nameKanji: string;
  nameKana: string;
  nameLatin: string;
  alias?: string;
}

export function japaneseName(rng: Rng, sex: 'male' | 'female'): SyntheticName {
  const [sk, skana, slatin] = rng.pick(SURNAMES);
  const [gk, gkana, glatin] = rng.pick(sex === 'male' ? GIVEN_NAMES_MALE : GIVEN_NAMES_FEMALE);
  return {
    nameKanji: `${sk}${SPACE}${gk}`,
    nameKana: `${skana}${SPACE}${gkana}`,
    nameLatin: `${slatin} ${glatin}`,
  };
}

/**
 * A foreign resident: registered by the Latin name, with its katakana as the reading; some
 * also register a Japanese 通称 (alias).
 */
export function foreignName(rng: Rng, sex: 'male' | 'female'): SyntheticName {
  const [sl, skana] = rng.pick(FOREIGN_SURNAMES);
  const [gl, gkana] = rng.pick(FOREIGN_GIVEN_NAMES[sex]);
  const latin = `${sl} ${gl}`;
  const name: SyntheticName = {
    nameKanji: latin,
    nameKana: `${skana}${SPACE}${gkana}`,
    nameLatin: latin,
  };
  if (rng.next() < 0.2) name.alias = `${rng.pick(SURNAMES)[0]}${SPACE}${gkana}`;
  return name;
}

/** A domestic address: prefecture, capital, town and a 丁目-番-号 block number. */
export function domesticAddress(rng: Rng): { address: string; prefectureIndex: number } {
  const prefectureIndex = rng.int(PREFECTURES.length);
  const [prefecture, city] = PREFECTURES[prefectureIndex] ?? ['東京都', '千代田区'];
  const town = rng.pick(TOWNS);
  const block = `${1 + rng.int(5)}丁目${1 + rng.int(30)}番${1 + rng.int(20)}号`;
  return { address: `${prefecture}${city}${town}${block}`, prefectureIndex };
}
