// Starts the real pcscd with vpcd readers, for tests and benchmarks that must go through the
// daemon and driver a counter uses (docs/reference pcsc-test-harness.md). Only inside the
// namespace made by test/harness/pcsc-namespace.sh: there /run/pcscd is a private tmpfs, so a
// test can never stop, confuse or be confused by the machine's own pcscd.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** pcscd 1.9.9 always serves this path; it ignores PCSCLITE_CSOCK_NAME. */
export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const DEFAULT_BASE_PORT = 40001;
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 10;
/** Enough of pcscd's output to diagnose a failure without growing without bound. */
const MAX_OUTPUT_CHARS = 64_000;

export type StopSignal = 'SIGTERM' | 'SIGKILL';

export interface PcscdOptions {
  /** Each pair is one vpcd instance: two readers on two consecutive TCP ports. Default 1. */
  readerPairs?: number;
  /** TCP port of the first reader. Default 40001 (vpcd's 0x9C41). */
  basePort?: number;
}

export interface VirtualReader {
  /** The reader name pcscd gives it, e.g. "Virtual PCD 00 01". */
  name: string;
  /** Where a virtual card connects to be "inserted" into this reader. */
  port: number;
}

export interface PcscdHandle {
  /** vpcd ports in reader order. */
  readonly ports: number[];
  readonly readers: VirtualReader[];
  /** Everything pcscd printed (stdout and stderr) since the first start, for diagnosis. */
  output(): string;
  /** Starts pcscd again after stop(), as when IT starts the service. */
  start(): Promise<void>;
  /** SIGTERM is an orderly service stop; SIGKILL a crash (it leaves a stale socket file). */
  stop(signal?: StopSignal): Promise<void>;
  /** stop(signal), then start() with the same configuration. */
  restart(signal?: StopSignal): Promise<void>;
}

export async function startPcscd(options: PcscdOptions = {}): Promise<PcscdHandle> {
  if (process.env['MADOGUCHI_PCSC_NAMESPACE'] !== '1' || !(await privatePcscdDir())) {
    throw new Error(
      'startPcscd refuses to run outside the private PC/SC namespace: run the tests with ' +
        '`bash test/harness/pcsc-namespace.sh npx vitest run --project pcsc`',
    );
  }
  const pairs = options.readerPairs ?? 1;
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  if (!Number.isInteger(pairs) || pairs < 1 || basePort < 1 || basePort + 2 * pairs > 0xffff) {
    throw new RangeError(`bad pcscd options: readerPairs ${pairs}, basePort ${basePort}`);
  }

  const readers = virtualReaders(pairs, basePort);
  const conf = readerConf(pairs, basePort);
  let output = '';
  const capture = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS);
  };
  let child: ChildProcess | undefined;
  let confDir: string | undefined;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };

  const start = async (): Promise<void> => {
    if (child) throw new Error('pcscd is already running');
    confDir = await mkdtemp(join(tmpdir(), 'madoguchi-pcscd-'));
    await writeFile(join(confDir, 'vpcd'), conf);
    process.once('exit', killOnExit);
    // setpriv: if the test process dies without cleaning up, the kernel kills pcscd too.
    const started = spawn('setpriv', ['--pdeathsig', 'KILL', 'pcscd', '-f', '-c', confDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout?.on('data', capture);
    started.stderr?.on('data', capture);
    // Later errors (a failed kill) must not crash the test process: keep them for diagnosis.
    started.on('error', (error) => capture(Buffer.from(`\n${String(error)}\n`)));
    try {
      await spawned(started);
      await waitUntilReady(started, readers, () => output);
    } catch (error) {
      await stop('SIGKILL');
      throw error;
    }
  };

  const stop = async (signal: StopSignal = 'SIGTERM'): Promise<void> => {
    if (child) await terminate(child, signal);
    child = undefined;
    process.removeListener('exit', killOnExit);
    if (confDir) await rm(confDir, { recursive: true, force: true });
    confDir = undefined;
  };

  await start();
  return {
    ports: readers.map((reader) => reader.port),
    readers,
    output: () => output,
    start,
    stop,
    restart: async (signal) => {
      await stop(signal);
      await start();
    },
  };
}

/**
 * The variable could have been exported by hand on the host; the namespace's own tmpfs on
 * /run/pcscd cannot. (/proc/self/mountinfo: field 5 is the mount point, after " - " the type.)
 */
async function privatePcscdDir(): Promise<boolean> {
  const mounts = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return mounts.split('\n').some((line) => {
    const [fields = '', fsType = ''] = line.split(' - ');
    return fields.split(' ')[4] === '/run/pcscd' && fsType.startsWith('tmpfs ');
  });
}

/**
 * All pairs in ONE file: pcscd reads a directory in readdir order, so separate files would
 * make the reader order depend on the filesystem. pcscd 1.9.9 numbers serial readers "00" even
 * when two share a FRIENDLYNAME, hence a distinct name for every pair after the first.
 */
function readerConf(pairs: number, basePort: number): string {
  return Array.from({ length: pairs }, (_, pair) => {
    const port = `0x${(basePort + 2 * pair).toString(16).toUpperCase()}`;
    return [
      `FRIENDLYNAME "${friendlyName(pair)}"`,
      `DEVICENAME   /dev/null:${port}`,
      `LIBPATH      ${VPCD_DRIVER}`,
      `CHANNELID    ${port}`,
      '',
    ].join('\n');
  }).join('\n');
}

function friendlyName(pair: number): string {
  return pair === 0 ? 'Virtual PCD' : `Virtual PCD ${pair + 1}`;
}

function virtualReaders(pairs: number, basePort: number): VirtualReader[] {
  return Array.from({ length: pairs * 2 }, (_, index) => ({
    name: `${friendlyName(Math.floor(index / 2))} 00 0${index % 2}`,
    port: basePort + index,
  }));
}

/**
 * pcscd creates its readers (and vpcd opens its listening ports) before it serves the socket;
 * we still check both. The ports are checked in /proc/net/tcp rather than by connecting,
 * because a connection to a vpcd port IS a card insertion.
 */
async function waitUntilReady(
  child: ChildProcess,
  readers: VirtualReader[],
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (hasEnded(child)) {
      throw new Error(
        `pcscd did not start (${child.exitCode ?? child.signalCode ?? 'no process'}):\n${output()}`,
      );
    }
    if ((await socketAccepts(PCSCD_SOCKET)) && (await allListening(readers.map((r) => r.port)))) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`pcscd not ready after ${READY_TIMEOUT_MS} ms:\n${output()}`);
    }
    await delay(POLL_MS);
  }
}

function socketAccepts(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const TCP_LISTEN = '0A';

async function allListening(ports: number[]): Promise<boolean> {
  const table = await readFile('/proc/net/tcp', 'utf8');
  const listening = new Set<number>();
  for (const line of table.split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (state !== TCP_LISTEN || !local) continue;
    listening.add(Number.parseInt(local.split(':')[1] ?? '', 16));
  }
  return ports.every((port) => listening.has(port));
}

/** Rejects with the reason when the program cannot be started at all (e.g. not installed). */
function spawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
}

/** Exited, killed, or never started (spawn failed: no pid). */
function hasEnded(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

async function terminate(child: ChildProcess, signal: StopSignal = 'SIGTERM'): Promise<void> {
  if (hasEnded(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
