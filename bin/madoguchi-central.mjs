#!/usr/bin/env node
// The `madoguchi-central` command (the reference central service). Built to dist/central by
// `npm run build` (and by `npm ci`, through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/central/madoguchi-central.mjs', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write(
    'madoguchi-central: not built yet. Run "npm run build" in the Madoguchi folder.\n',
  );
  process.exit(1);
}
await import(entry);
