// Entry of the built CLI (dist/cli/madoguchi.mjs, started by bin/madoguchi.mjs).
import { runCli } from './madoguchi';

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
});
process.exitCode = code;
