// Native modules for Node and for Electron: who builds what, and when.
//
// better-sqlite3-multiple-ciphers is a V8-ABI addon: ONE node_modules copy can hold the build
// for Node (what the unit, pcsc and e2e tests load) or the build for Electron's ABI, never
// both. @electron/rebuild has no output directory; it recompiles in place and wipes the Node
// build. So this script never does that on its own:
//
// - postinstall (no argument): changes nothing and prints one line. `npm ci` leaves the Node
//   build npm just made, so the tests run everywhere, including machines that cannot reach
//   Electron's header server.
// - packaging: electron-builder rebuilds for Electron itself (`npmRebuild: true`,
//   `buildDependenciesFromSource: true` in electron-builder.yml), per target arch, right before
//   it packs. That is the only build that ships. It is done in CI or a fresh clone; afterwards a
//   development tree needs `--node` again.
// - `--electron` (or MADOGUCHI_ELECTRON_REBUILD=1 during install): opt-in for `npm start` on a
//   developer machine with the Electron binary. Skipped, exit 0, with one line, when
//   MADOGUCHI_SKIP_ELECTRON_REBUILD=1 or CI=true is set, or when Electron's headers can be
//   neither found in ~/.electron-gyp nor downloaded.
// - `--node`: puts the Node build back (npm rebuild: prebuilt download, else node-gyp).
//
// smartcard is N-API: its binary is ABI-stable across Node and Electron, so it is never rebuilt
// here (electron-builder still compiles it per target when packaging).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const V8_ABI_MODULES = ['better-sqlite3-multiple-ciphers'];
const say = (line) => process.stdout.write(`rebuild-natives: ${line}\n`);

const wantsElectron =
  process.argv.includes('--electron') || process.env.MADOGUCHI_ELECTRON_REBUILD === '1';

if (process.argv.includes('--node')) {
  const result = spawnSync('npm', ['rebuild', ...V8_ABI_MODULES], {
    cwd: ROOT,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  process.exit(result.status ?? 1);
} else if (!wantsElectron) {
  say(
    `native modules stay built for Node ${process.version} (tests). Electron builds are made by ` +
      '`npm run package`; for `npm start` run `node scripts/rebuild-natives.mjs --electron`.',
  );
} else if (process.env.MADOGUCHI_SKIP_ELECTRON_REBUILD === '1' || process.env.CI === 'true') {
  say('Electron rebuild skipped (MADOGUCHI_SKIP_ELECTRON_REBUILD=1 or CI=true).');
} else {
  await rebuildForElectron();
}

async function rebuildForElectron() {
  const electronPackage = join(ROOT, 'node_modules', 'electron', 'package.json');
  if (!existsSync(electronPackage)) {
    say('Electron rebuild skipped: electron is not installed (production install?).');
    return;
  }
  const { version } = JSON.parse(readFileSync(electronPackage, 'utf8'));
  if (!(await headersAvailable(version))) {
    say(
      `Electron rebuild skipped: Electron ${version} headers are not cached and cannot be downloaded (offline?). The Node build is untouched.`,
    );
    return;
  }
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({
    buildPath: ROOT,
    electronVersion: version,
    onlyModules: V8_ABI_MODULES,
    force: true,
    buildFromSource: true,
  });
  say(
    `${V8_ABI_MODULES.join(', ')} rebuilt for Electron ${version}. Before running tests: node scripts/rebuild-natives.mjs --node`,
  );
}

/** Cached by an earlier node-gyp run, or reachable on Electron's header server. */
async function headersAvailable(version) {
  if (existsSync(join(homedir(), '.electron-gyp', version, 'include', 'node', 'node.h')))
    return true;
  try {
    const response = await fetch(
      `https://www.electronjs.org/headers/v${version}/node-v${version}-headers.tar.gz`,
      { method: 'HEAD', signal: AbortSignal.timeout(10_000) },
    );
    return response.ok;
  } catch {
    return false;
  }
}
