// kill -9 of a real terminal process mid-batch, and of a real central process mid-ingest.
// Afterwards the survivor and the restarted process converge: every event exactly once at
// central, no gap, chains valid, states agree.

import '../../main/card/trust/reflect-metadata';
import { join } from 'node:path';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCentralFiles, initCentral, openCentralStore } from '../../central/data-dir';
import { tempDir } from '../support/temp-dir';
import { bundle, startChild } from './children';
import {
  checkInvariants,
  counterApplications,
  createWorld,
  enrolledTerminal,
  syncUntilDone,
} from './world';

let terminalScript = '';
let centralScript = '';

// Inside the repository, so the bundles resolve the native modules from node_modules.
mkdirSync('dist', { recursive: true });
const out = mkdtempSync(join('dist', 'test-sync-children-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

beforeAll(async () => {
  terminalScript = await bundle('test/sync/terminal-child.ts', out);
  centralScript = await bundle('test/sync/central-child.ts', out);
}, 60_000);

describe('kill -9', () => {
  it.each([1, 3])(
    'of the terminal after %i acknowledged batch(es): it resumes where central stands',
    async (afterBatches) => {
      const world = await createWorld({ terminals: 2 });
      const [a, b] = world.terminals;
      if (!a || !b) throw new Error('two terminals');
      counterApplications(a, 1_500);
      counterApplications(b, 20);
      a.db.close();
      const child = startChild(terminalScript, [a.dataDir]);
      for (let i = 0; i < afterBatches; i += 1) await child.line(/^acked \d+/);
      await child.kill9();
      a.reopen();
      const stood = a.db.prepare('SELECT acked_through_seq FROM sync_state').pluck().get();
      expect(stood).toBeGreaterThanOrEqual(200 * afterBatches);
      expect(stood).toBeLessThan(1_500);
      await syncUntilDone(a);
      await syncUntilDone(b);
      await checkInvariants(world);
    },
    90_000,
  );

  it('of central mid-ingest: the restarted central and the terminal converge', async () => {
    const root = tempDir('madoguchi-sync-');
    const centralDir = join(root, 'central');
    await initCentral(centralDir, 'Test Central');
    let central = startChild(centralScript, [centralDir]);
    let url = (await central.line(/^listening /)).slice('listening '.length);
    const store = openCentralStore(centralDir);
    try {
      const files = loadCentralFiles(centralDir);
      const a = await enrolledTerminal({ url, store, files }, join(root, 'terminal-1'), {
        requestMs: 5_000,
      });
      const b = await enrolledTerminal({ url, store, files }, join(root, 'terminal-2'), {
        requestMs: 5_000,
      });
      counterApplications(a, 2_000);
      counterApplications(b, 300);
      // Both upload; central dies while batches are in flight.
      const running = Promise.all([a.sync(), b.sync()]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await central.kill9();
      const reports = await running;
      expect(reports.some((r) => !r.outcome.ok)).toBe(true);
      central = startChild(centralScript, [centralDir]);
      url = (await central.line(/^listening /)).slice('listening '.length);
      a.setCentralUrl(url);
      b.setCentralUrl(url);
      await Promise.all([syncUntilDone(a), syncUntilDone(b)]);
      await checkInvariants({ terminals: [a, b], central: { store }, centralDir });
    } finally {
      store.close();
      await central.kill9();
    }
  }, 120_000);
});
