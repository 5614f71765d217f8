// Documents that restate the code must not drift from it.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatTransitionTable } from '../domain/case-lifecycle';

describe('docs', () => {
  it('docs/card-lifecycle.md shows the lifecycle table the code enforces', () => {
    const page = readFileSync('docs/card-lifecycle.md', 'utf8');
    const table = /```text\n([\s\S]*?)\n```/.exec(page)?.[1];
    expect(table, 'paste this table into docs/card-lifecycle.md').toBe(formatTransitionTable());
  });

  it.each(['docs/security.md', 'docs/compliance.md'])(
    '%s names only files that exist, so its evidence cannot silently vanish',
    (doc) => {
      const page = readFileSync(doc, 'utf8');
      const cited = [...page.matchAll(/`([\w./-]+\.(?:ts|mjs|yml|md))`/g)].map(
        (m) => m[1] as string,
      );
      expect(cited.length).toBeGreaterThan(20);
      expect(cited.filter((path) => !existsSync(path))).toEqual([]);
    },
  );
});
