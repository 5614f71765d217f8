import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../preload/contract';
import en from './en.json';
import ja from './ja.json';

type Catalog = { [key: string]: string | Catalog };

/** Every leaf of a catalog as "a.b.c" -> text. */
function flatten(catalog: Catalog, prefix = ''): Map<string, string> {
  const leaves = new Map<string, string>();
  for (const [key, value] of Object.entries(catalog)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') leaves.set(path, value);
    else for (const [leaf, text] of flatten(value, path)) leaves.set(leaf, text);
  }
  return leaves;
}

const catalogs = { ja: flatten(ja), en: flatten(en) };

describe('the Japanese and English catalogs', () => {
  it('have exactly the same keys, so switching language never shows a raw key', () => {
    expect([...catalogs.en.keys()].sort()).toEqual([...catalogs.ja.keys()].sort());
  });

  it('have no empty text', () => {
    for (const [language, leaves] of Object.entries(catalogs)) {
      for (const [key, text] of leaves) {
        expect(text.trim(), `${language}: ${key}`).not.toBe('');
      }
    }
  });

  it.each(ERROR_CODES)('tell the clerk what %s means in both languages', (code) => {
    expect(catalogs.ja.get(`errors.${code}`)).toMatch(/\S/);
    expect(catalogs.en.get(`errors.${code}`)).toMatch(/\S/);
  });

  it('use the same interpolation variables in both languages', () => {
    const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
    for (const [key, text] of catalogs.ja) {
      expect(variables(catalogs.en.get(key) ?? ''), key).toEqual(variables(text));
    }
  });

  it('write the Japanese catalog in Japanese', () => {
    // A key copied over from en.json and never translated is the usual slip.
    const untranslated = [...catalogs.ja].filter(
      ([key, text]) => text === catalogs.en.get(key) && !key.startsWith('app.name'),
    );
    expect(untranslated).toEqual([]);
  });
});
