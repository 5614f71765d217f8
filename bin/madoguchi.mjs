#!/usr/bin/env node
// The `madoguchi` command. The CLI is built to dist/cli by `npm run build` (and by `npm ci`,
// through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli/madoguchi.mjs', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    'madoguchi: the CLI is not built yet. Run "npm run build" in the Madoguchi folder.\n',
  );
  process.exit(1);
}
await import(entry);
