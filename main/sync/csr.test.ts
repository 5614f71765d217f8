import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newTlsKeyAndCsr } from './csr';

describe('the enrolment certificate request', () => {
  it('is a PKCS#10 request OpenSSL verifies, for the key the terminal keeps', () => {
    const { keyPem, csrPem } = newTlsKeyAndCsr('0190abcd-terminal');
    const openssl = spawnSync('openssl', ['req', '-verify', '-noout', '-subject', '-pubkey'], {
      input: csrPem,
      encoding: 'utf8',
    });
    expect(openssl.status, openssl.stderr).toBe(0);
    expect(openssl.stdout).toMatch(/CN\s*=\s*0190abcd-terminal/);
    const fromCsr = openssl.stdout.slice(openssl.stdout.indexOf('-----BEGIN PUBLIC KEY'));
    expect(createPublicKey(fromCsr).export({ format: 'jwk' })).toEqual(
      createPublicKey(createPrivateKey(keyPem)).export({ format: 'jwk' }),
    );
  });
});
