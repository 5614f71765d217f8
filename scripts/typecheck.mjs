// Typechecks each process's project on its own, so that a renderer file using Node types, or
// a main file using the DOM, fails here (one shared program would hide that).
import { spawnSync } from 'node:child_process';

const projects = ['domain', 'node', 'electron', 'web', 'e2e'];
let ok = true;
for (const project of projects) {
  const run = spawnSync('npx', ['tsc', '-p', `tsconfig.${project}.json`], { stdio: 'inherit' });
  if (run.status !== 0) {
    ok = false;
    process.stderr.write(`typecheck: tsconfig.${project}.json failed\n`);
  }
}
process.exit(ok ? 0 : 1);
