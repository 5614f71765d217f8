// A short soak (soak.ts): two terminals, one real central, SOAK_HANDOVERS (default 100)
// handovers with card reads, loss reports and sync runs. Memory and open handles stay flat
// within generous bounds, and central holds every event of both terminals exactly once.
// The full day (2,000 handovers, with slopes and p99s) is bench/soak.ts.

import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dir';
import { runSoak } from './soak';

const HANDOVERS = Number(process.env['SOAK_HANDOVERS'] ?? 100);
const MB = 1024 * 1024;

describe('a compressed counter day at two terminals', () => {
  it(
    `stays flat over ${HANDOVERS} handovers and central holds every event once`,
    { timeout: 5 * 60_000 },
    async () => {
      const result = await runSoak({ handovers: HANDOVERS, root: tempDir('madoguchi-soak-') });
      expect(result.problems).toEqual([]);
      expect(result.steps['commit']?.count).toBe(HANDOVERS);
      expect(result.syncs).toBeGreaterThan(0);
      expect(result.losses).toBeGreaterThan(0);
      // Generous: a leak of a card, a statement or a connection per handover goes far past.
      expect(result.growth.heapUsed).toBeLessThan(16 * MB);
      expect(result.growth.rss).toBeLessThan(64 * MB);
      expect(result.growth.handles).toBeLessThanOrEqual(2);
    },
  );
});
