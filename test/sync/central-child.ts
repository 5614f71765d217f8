// Central in its own process, for the kill -9 scenario: serves DATA_DIR on a free port and
// prints "listening URL". Bundled by the test with esbuild (like scripts/bench.mjs).

import '../../main/card/trust/reflect-metadata';
import { startCentral } from '../../central/server';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: central-child DATA_DIR\n');
  process.exit(2);
}
const central = await startCentral({ dataDir, port: 0, name: 'Test Central' });
process.stdout.write(`listening ${central.url}\n`);
