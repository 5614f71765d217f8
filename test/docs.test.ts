// Documents that restate the code must not drift from it.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatTransitionTable } from '../domain/case-lifecycle';

describe('docs', () => {
  it('docs/card-lifecycle.md shows the lifecycle table the code enforces', () => {
    const page = readFileSync('docs/card-lifecycle.md', 'utf8');
    const table = /```text\n([\s\S]*?)\n```/.exec(page)?.[1];
    expect(table, 'paste this table into docs/card-lifecycle.md').toBe(formatTransitionTable());
  });
});
