// A terminal in its own process, for the kill -9 scenarios: opens the store in DATA_DIR with
// its key file and syncs once, printing "acked SEQ" after each applied batch so the test can
// kill it mid-run at a chosen moment. Bundled by the test with esbuild (like scripts/bench.mjs).

import { join } from 'node:path';
import { openStore } from '../../db/open';
import { keyFileProvider } from '../../main/config/key-file';
import { createLogger } from '../../main/log/logger';
import { SyncEngine } from '../../main/sync/engine';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: terminal-child DATA_DIR\n');
  process.exit(2);
}
const key = await keyFileProvider(dataDir, process.env).existingKey();
if (!key) {
  process.stderr.write('no store key\n');
  process.exit(2);
}
const db = openStore({ path: join(dataDir, 'store.db'), key });
const engine = new SyncEngine({
  db,
  log: createLogger({ sink: () => undefined, level: 'error' }),
  onBatch: (ack) => process.stdout.write(`acked ${ack.acked_through_seq}\n`),
});
const report = await engine.run('demand');
process.stdout.write(`done ${JSON.stringify(report.outcome)}\n`);
engine.close();
db.close();
