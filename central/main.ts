// Entry of the built central CLI (dist/central/madoguchi-central.mjs, started by
// bin/madoguchi-central.mjs).
import { runCentralCli } from './cli';

const code = await runCentralCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
});
process.exitCode = code;
