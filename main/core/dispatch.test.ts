import { describe, expect, it, vi } from 'vitest';
import type { Permission } from '../../preload/contract';
import { createMemoryLogger } from '../log/logger';
import { createDispatcher, originOf, type Handlers } from './dispatch';
import { AppError } from './errors';

const APP = 'app://counter/index.html';

function dispatcher(
  overrides: Partial<Handlers> = {},
  authorize: (p: Permission) => void = () => undefined,
) {
  const signIn = vi.fn(async (input: { staffId: string; password: string }) => ({
    staffId: input.staffId,
    displayName: 'A',
    role: 'clerk' as const,
    signedInAt: '2026-11-21T00:00:00Z',
  }));
  const handlers = { 'auth.signIn': signIn, ...overrides } as unknown as Handlers;
  const { log, records } = createMemoryLogger();
  const dispatch = createDispatcher({
    handlers,
    trustedOrigins: ['app://counter'],
    authorize,
    log,
  });
  return { dispatch, signIn, records };
}

describe('the IPC dispatcher', () => {
  it('passes valid input from the app to the service and returns its value', async () => {
    const { dispatch, signIn } = dispatcher();
    const result = await dispatch('auth.signIn', { staffId: 'c01', password: 'x' }, APP);
    expect(result).toMatchObject({ ok: true, value: { staffId: 'c01' } });
    expect(signIn).toHaveBeenCalledOnce();
  });

  it.each([
    ['a wrong type', { staffId: 42, password: 'x' }],
    ['a missing field', { staffId: 'c01' }],
    ['an extra field', { staffId: 'c01', password: 'x', role: 'administrator' }],
    ['an oversized string', { staffId: 'c'.repeat(10_000), password: 'x' }],
    ['not an object at all', 'c01'],
  ])('refuses %s with VALIDATION_FAILED and never calls the service', async (_label, input) => {
    const { dispatch, signIn } = dispatcher();
    const result = await dispatch('auth.signIn', input, APP);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(signIn).not.toHaveBeenCalled();
  });

  it('names the failing field but never echoes the rejected value', async () => {
    const { dispatch, records } = dispatcher();
    const result = await dispatch('auth.signIn', { staffId: '123456789018', password: 7 }, APP);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.details).toEqual([{ path: 'password', reason: 'invalid_type' }]);
    expect(JSON.stringify(result)).not.toContain('123456789018');
    expect(JSON.stringify(records)).not.toContain('123456789018');
  });

  it.each([
    'https://evil.example/',
    'app://other/index.html',
    'file:///etc/passwd',
    'not a url',
    '',
  ])('refuses a call from %j with FORBIDDEN_ORIGIN', async (sender) => {
    const { dispatch, signIn } = dispatcher();
    const result = await dispatch('auth.signIn', { staffId: 'c01', password: 'x' }, sender);
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_ORIGIN' } });
    expect(signIn).not.toHaveBeenCalled();
  });

  it('refuses a call that is not in the contract', async () => {
    const { dispatch } = dispatcher();
    expect(await dispatch('__proto__', {}, APP)).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    });
    expect(await dispatch('db.exec', {}, APP)).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    });
  });

  it('checks the permission before the service runs', async () => {
    const snapshot = vi.fn(() => ({ service: 'running' as const, readers: [] }));
    const { dispatch } = dispatcher({ 'reader.snapshot': snapshot }, (permission) => {
      if (permission !== 'public') throw new AppError('NOT_SIGNED_IN', 'Sign in first.');
    });
    expect(await dispatch('reader.snapshot', {}, APP)).toMatchObject({
      ok: false,
      error: { code: 'NOT_SIGNED_IN' },
    });
    expect(snapshot).not.toHaveBeenCalled();
  });

  it('turns an unexpected failure into INTERNAL without leaking its message', async () => {
    const { dispatch, records } = dispatcher({
      'auth.signIn': () => {
        throw new Error('SQLITE_FULL while writing 123456789018');
      },
    });
    const result = await dispatch('auth.signIn', { staffId: 'c01', password: 'x' }, APP);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(result)).not.toContain('SQLITE_FULL');
    expect(records.some((r) => r.level === 'error')).toBe(true);
    expect(JSON.stringify(records)).not.toContain('123456789018');
  });

  it('compares app:// origins by scheme and host (URL.origin is "null" for them)', () => {
    expect(originOf('app://counter/index.html#/home')).toBe('app://counter');
    expect(originOf('http://127.0.0.1:5173/x')).toBe('http://127.0.0.1:5173');
    expect(originOf('::')).toBeNull();
  });
});
