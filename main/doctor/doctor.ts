// `madoguchi doctor`: what an IT administrator checks first when a counter misbehaves.
// Every check reads; none creates or changes anything (no data directory, key or store).

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { latestVersion } from '../../db/migrations';
import { openStore, schemaVersion } from '../../db/open';
import { STORE_FILE } from '../config/data-dir';
import type { KeyProvider } from '../config/key-file';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: 'data-dir' | 'store' | 'pcscd' | 'central';
  title: string;
  status: CheckStatus;
  detail: string;
  /** Machine-readable facts for --json (never personal data). */
  facts?: Record<string, unknown>;
}

export interface PcscCheck {
  ok: boolean;
  service: 'running' | 'unavailable';
  readers: { name: string; cardPresent: boolean }[];
  detail: string;
}

export interface DoctorOptions {
  dataDir: string;
  keyProvider: KeyProvider;
  /** The central service URL from --central, the environment or the store's settings. */
  centralUrl: string | null;
  checkPcsc: (timeoutMs: number) => Promise<PcscCheck>;
  timeoutMs?: number;
}

export interface DoctorReport {
  ok: boolean;
  checks: CheckResult[];
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const storeCheck = await checkStore(options);
  const checks: CheckResult[] = [
    checkDataDir(options.dataDir),
    storeCheck.result,
    await checkPcscd(options.checkPcsc, timeoutMs),
    await checkCentral(options.centralUrl ?? storeCheck.centralUrl, timeoutMs),
  ];
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

function checkDataDir(dir: string): CheckResult {
  const base = { id: 'data-dir', title: 'Data directory' } as const;
  if (!existsSync(dir)) {
    return {
      ...base,
      status: 'warn',
      detail: `${dir} does not exist yet; Madoguchi creates it on first start.`,
      facts: { path: dir },
    };
  }
  const stat = statSync(dir);
  if (!stat.isDirectory())
    return { ...base, status: 'fail', detail: `${dir} is not a directory.`, facts: { path: dir } };
  try {
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch {
    return {
      ...base,
      status: 'fail',
      detail: `${dir} is not writable by this user.`,
      facts: { path: dir },
    };
  }
  const mode = stat.mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    return {
      ...base,
      status: 'warn',
      detail: `${dir} is accessible to other users (mode ${mode.toString(8)}); run chmod 700.`,
      facts: { path: dir, mode: mode.toString(8) },
    };
  }
  return { ...base, status: 'ok', detail: `${dir} is writable and private.`, facts: { path: dir } };
}

async function checkStore(
  options: DoctorOptions,
): Promise<{ result: CheckResult; centralUrl: string | null }> {
  const base = { id: 'store', title: 'Case store' } as const;
  const path = join(options.dataDir, STORE_FILE);
  if (!existsSync(path)) {
    return {
      result: {
        ...base,
        status: 'warn',
        detail: 'No case store yet; it is created on first start.',
        facts: { path },
      },
      centralUrl: null,
    };
  }
  let key: Buffer | null;
  try {
    key = await options.keyProvider.existingKey();
  } catch (error) {
    return {
      result: { ...base, status: 'fail', detail: messageOf(error), facts: { path } },
      centralUrl: null,
    };
  }
  if (!key) {
    return {
      result: {
        ...base,
        status: 'fail',
        detail: `The store exists but its key (${options.keyProvider.source}) is missing.`,
        facts: { path },
      },
      centralUrl: null,
    };
  }
  try {
    const db = openStore({ path, key, readonly: true });
    try {
      const version = schemaVersion(db);
      const check = db.pragma('quick_check', { simple: true });
      const central = db
        .prepare("SELECT value FROM terminal_setting WHERE key = 'central_url'")
        .get() as { value: string } | undefined;
      const facts = {
        path,
        schemaVersion: version,
        appSchemaVersion: latestVersion(),
        quickCheck: check,
      };
      if (check !== 'ok') {
        return {
          result: {
            ...base,
            status: 'fail',
            detail: `Integrity check failed: ${String(check)}`,
            facts,
          },
          centralUrl: null,
        };
      }
      if (version > latestVersion()) {
        return {
          result: {
            ...base,
            status: 'fail',
            detail: `Written by a newer Madoguchi (schema ${version}); install the newer version.`,
            facts,
          },
          centralUrl: central?.value ?? null,
        };
      }
      const pending = version < latestVersion() ? ' (will be upgraded on next start)' : '';
      return {
        result: {
          ...base,
          status: 'ok',
          detail: `Opens with ${options.keyProvider.source}; schema ${version}${pending}; integrity ok.`,
          facts,
        },
        centralUrl: central?.value ?? null,
      };
    } finally {
      db.close();
    }
  } catch (error) {
    return {
      result: { ...base, status: 'fail', detail: messageOf(error), facts: { path } },
      centralUrl: null,
    };
  } finally {
    key.fill(0);
  }
}

async function checkPcscd(
  check: DoctorOptions['checkPcsc'],
  timeoutMs: number,
): Promise<CheckResult> {
  const base = { id: 'pcscd', title: 'Smart-card service (PC/SC)' } as const;
  const result = await check(timeoutMs);
  const facts = { service: result.service, readers: result.readers };
  if (!result.ok || result.service !== 'running')
    return { ...base, status: 'fail', detail: result.detail, facts };
  if (result.readers.length === 0) {
    return {
      ...base,
      status: 'warn',
      detail: 'pcscd is running but no card reader is connected.',
      facts,
    };
  }
  const names = result.readers
    .map((r) => `${r.name}${r.cardPresent ? ' (card present)' : ''}`)
    .join(', ');
  return { ...base, status: 'ok', detail: `${result.readers.length} reader(s): ${names}`, facts };
}

async function checkCentral(url: string | null, timeoutMs: number): Promise<CheckResult> {
  const base = { id: 'central', title: 'Central service' } as const;
  if (!url) {
    return {
      ...base,
      status: 'skip',
      detail: 'Not configured yet (set when the terminal is enrolled).',
    };
  }
  let health: URL;
  try {
    health = new URL('health', url.endsWith('/') ? url : `${url}/`);
  } catch {
    return { ...base, status: 'fail', detail: `Not a valid URL: ${url}`, facts: { url } };
  }
  if (health.protocol !== 'https:' && health.protocol !== 'http:') {
    return {
      ...base,
      status: 'fail',
      detail: `Unsupported scheme ${health.protocol} (use https).`,
      facts: { url },
    };
  }
  const started = performance.now();
  try {
    const response = await fetch(health, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const ms = Math.round(performance.now() - started);
    const facts = { url, httpStatus: response.status, ms };
    await response.body?.cancel();
    if (!response.ok)
      return {
        ...base,
        status: 'fail',
        detail: `${health.href} answered HTTP ${response.status}.`,
        facts,
      };
    return { ...base, status: 'ok', detail: `${health.href} answered in ${ms} ms.`, facts };
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : causeOf(error);
    return {
      ...base,
      status: 'fail',
      detail: `${health.href} is unreachable: ${reason}. Counter work continues offline.`,
      facts: { url },
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function causeOf(error: unknown): string {
  if (error instanceof Error && error.cause instanceof Error) {
    const code = (error.cause as NodeJS.ErrnoException).code;
    return code ?? error.cause.message;
  }
  return messageOf(error);
}
