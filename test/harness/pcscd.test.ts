import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPcscd } from './pcscd';

describe('the pcscd harness', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('refuses to start outside the private namespace, so a test never touches the machine’s pcscd', async () => {
    vi.stubEnv('MADOGUCHI_PCSC_NAMESPACE', '');
    await expect(startPcscd()).rejects.toThrow(/pcsc-namespace\.sh/);
  });
});
