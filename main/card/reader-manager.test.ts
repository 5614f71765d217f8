import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../log/logger';
import type { ReaderPort } from './reader-port';
import { ReaderManager } from './reader-manager';
import { createSmartcardPort } from './smartcard-port';

/** A smartcard port whose native module is missing, counting how often the manager tries it. */
function portWithoutBinding(onAttempt: (attempt: number) => void): ReaderPort {
  const inner = createSmartcardPort(() =>
    Promise.reject(new Error("Cannot find module 'smartcard'")),
  );
  let attempts = 0;
  return {
    open: () => {
      onAttempt((attempts += 1));
      return inner.open();
    },
  };
}

describe('the reader manager without a usable PC/SC binding', () => {
  it('shows the service as unavailable, logs why once, and keeps retrying instead of crashing', async () => {
    const { log, records } = createMemoryLogger();
    let thirdAttempt!: () => void;
    const retried = new Promise<void>((resolve) => (thirdAttempt = resolve));
    const manager = new ReaderManager({
      port: portWithoutBinding((attempt) => attempt === 3 && thirdAttempt()),
      log,
      retryMs: 1,
    });
    const changes: unknown[] = [];
    manager.onChange((snapshot) => changes.push(snapshot));

    manager.start();
    await retried;
    await manager.stop();

    expect(manager.snapshot()).toEqual({ service: 'unavailable', readers: [] });
    expect(changes).toEqual([]);
    const warnings = records.filter((record) => record.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      scope: 'madoguchi/card',
      code: 'READER_SERVICE_UNAVAILABLE',
      detail: expect.stringContaining("Cannot find module 'smartcard'"),
    });
  });

  it('stops at once, even in the middle of a long pause between retries', async () => {
    const { log } = createMemoryLogger();
    let attempted!: () => void;
    const firstAttempt = new Promise<void>((resolve) => (attempted = resolve));
    const manager = new ReaderManager({
      port: portWithoutBinding(() => attempted()),
      log,
      retryMs: 3_600_000,
    });

    manager.start();
    await firstAttempt;
    await manager.stop();

    expect(manager.snapshot().service).toBe('unavailable');
  });
});
