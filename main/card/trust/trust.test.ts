import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempStore } from '../../../test/support/store';
import { validateCardCertificate, validateCardCertificateAsync, type Anchor } from './chain';
import { testCardCertificate, testRoot, type TestCertificate } from './testing';
import { TrustError, TrustStore } from './trust-store';

/** J-LIS's public roots; read from the shared fixtures, never copied into the repository. */
const ROOTS_DIR = join(import.meta.dirname, '../../../../shared/fixtures/jpki-roots');
const jlisRoot = (file: string): string => readFileSync(join(ROOTS_DIR, file), 'utf8');

describe('the trust store', () => {
  it('holds J-LIS’s published roots with serial and validity, each once', () => {
    const store = new TrustStore(tempStore(), () => new Date('2026-11-22T00:00:00Z'));
    for (const file of [
      'auth_ca_2015.pem',
      'auth_ca_2023.pem',
      'sign_ca_2015.pem',
      'sign_ca_2023.pem',
    ]) {
      expect(store.add(jlisRoot(file), { source: 'administrator', test: false }).added).toBe(true);
    }
    expect(store.add(jlisRoot('auth_ca_2023.pem'), { source: 'central', test: false }).added).toBe(
      false,
    );

    const auth = store.list().filter((a) => a.subject.includes('user authentication'));
    expect(
      auth.map(({ serial, notBefore, notAfter, source, test }) => ({
        serial,
        notBefore,
        notAfter,
        source,
        test,
      })),
    ).toEqual([
      {
        serial: '01',
        notBefore: '2015-10-20T03:08:13.000Z',
        notAfter: '2025-10-19T14:59:59.000Z',
        source: 'administrator',
        test: false,
      },
      {
        serial: '06D18006',
        notBefore: '2023-07-16T01:01:04.000Z',
        notAfter: '2033-07-15T14:59:59.000Z',
        source: 'administrator',
        test: false,
      },
    ]);
    expect(auth[0]?.subject).toBe(
      'C=JP, O=JPKI, OU=JPKI for user authentication, OU=Japan Agency for Local Authority Information Systems',
    );
    expect(store.list()).toHaveLength(4);
  });

  it('refuses what is not a root certificate, saying why', async () => {
    const store = new TrustStore(tempStore());
    expect(() => store.add('not a certificate', { source: 'administrator', test: false })).toThrow(
      TrustError,
    );
    const root = await testRoot({ notBefore: '2020-01-01', notAfter: '2030-01-01' });
    const leaf = await testCardCertificate(root, {
      notBefore: '2021-01-01',
      notAfter: '2026-01-01',
    });
    expect(() => store.add(leaf.der, { source: 'administrator', test: true })).toThrow(
      expect.objectContaining({ code: 'TRUST_NOT_A_ROOT' }),
    );
    expect(store.list()).toEqual([]);
  });

  it('imports the central delivery all or nothing', async () => {
    const store = new TrustStore(tempStore());
    const root = await testRoot({ notBefore: '2020-01-01', notAfter: '2030-01-01' });
    const good = Buffer.from(
      jlisRoot('auth_ca_2023.pem').replace(/-----[A-Z ]+-----|\s/g, ''),
      'base64',
    );
    expect(() =>
      store.importFromCentral([{ der: good }, { der: Uint8Array.from([0x30, 0x00]) }]),
    ).toThrow(TrustError);
    expect(store.list()).toEqual([]);
    expect(store.importFromCentral([{ der: good }, { der: root.der, test: true }])).toEqual({
      added: 2,
      unchanged: 0,
    });
    expect(store.importFromCentral([{ der: good }])).toEqual({ added: 0, unchanged: 1 });
    expect(store.list().map((a) => [a.source, a.test])).toEqual([
      ['central', false],
      ['central', true],
    ]);
  });
});

describe('validating a card certificate at a given time', () => {
  // Two generations with ONE name, like JPKI's 2015 and 2023 roots, and a forger's root with
  // the same name again.
  let old: TestCertificate;
  let current: TestCertificate;
  let forger: TestCertificate;
  let anchors: Anchor[];
  const anchor = (root: TestCertificate, test = false): Anchor => ({
    certificate: root.certificate,
    test,
    fingerprint: '',
  });

  beforeAll(async () => {
    [old, current, forger] = await Promise.all([
      testRoot({ notBefore: '2015-10-20', notAfter: '2025-10-19' }),
      testRoot({ notBefore: '2023-07-16', notAfter: '2033-07-15' }),
      testRoot({ notBefore: '2015-10-20', notAfter: '2033-07-15' }),
    ]);
    anchors = [anchor(current), anchor(old)];
  }, 30_000);

  const production = (at: string) => ({ at: new Date(at), mode: 'production' as const });

  it('accepts a certificate issued under the expired 2015-style root, within its own validity', async () => {
    const card = await testCardCertificate(old, {
      notBefore: '2022-04-01',
      notAfter: '2027-04-01',
    });
    const result = validateCardCertificate(card.certificate, anchors, production('2026-11-22'));
    expect(result).toMatchObject({ valid: true });
    expect(result.valid && result.anchor.certificate).toBe(old.certificate);
  });

  it('finds the issuer among same-named roots by its signature', async () => {
    const card = await testCardCertificate(current, {
      notBefore: '2024-01-10',
      notAfter: '2029-01-10',
    });
    const result = validateCardCertificate(card.certificate, anchors, production('2026-11-22'));
    expect(result.valid && result.anchor.certificate).toBe(current.certificate);
  });

  it('refuses a forged certificate that carries the right issuer name', async () => {
    const card = await testCardCertificate(forger, {
      notBefore: '2024-01-10',
      notAfter: '2029-01-10',
    });
    expect(validateCardCertificate(card.certificate, anchors, production('2026-11-22'))).toEqual({
      valid: false,
      problem: 'bad-signature',
    });
  });

  it('refuses a certificate from an unknown CA, even when the card also carries that CA', async () => {
    const card = await testCardCertificate(forger, {
      notBefore: '2024-01-10',
      notAfter: '2029-01-10',
      issuerName: 'C=JP, O=Forged CA',
    });
    expect(validateCardCertificate(card.certificate, anchors, production('2026-11-22'))).toEqual({
      valid: false,
      problem: 'unknown-issuer',
    });
  });

  it('judges at the time given, not the clock: before, within and after the validity', async () => {
    const card = await testCardCertificate(old, {
      notBefore: '2022-04-01',
      notAfter: '2027-04-01',
    });
    expect(
      validateCardCertificate(card.certificate, anchors, production('2022-03-31')),
    ).toMatchObject({ problem: 'not-yet-valid' });
    expect(
      validateCardCertificate(card.certificate, anchors, production('2023-01-01')),
    ).toMatchObject({ valid: true });
    expect(
      validateCardCertificate(card.certificate, anchors, production('2027-04-02')),
    ).toMatchObject({ problem: 'expired' });
  });

  it('refuses a certificate issued after its root had expired', async () => {
    const card = await testCardCertificate(old, {
      notBefore: '2025-11-01',
      notAfter: '2030-11-01',
    });
    expect(
      validateCardCertificate(card.certificate, anchors, production('2026-11-22')),
    ).toMatchObject({
      problem: 'issued-outside-anchor-validity',
    });
  });

  it('accepts a test root only in training mode', async () => {
    const card = await testCardCertificate(forger, {
      notBefore: '2024-01-10',
      notAfter: '2029-01-10',
    });
    const withTest = [...anchors, anchor(forger, true)];
    expect(
      validateCardCertificate(card.certificate, withTest, production('2026-11-22')),
    ).toMatchObject({
      problem: 'test-anchor-in-production',
    });
    expect(
      validateCardCertificate(card.certificate, withTest, {
        at: new Date('2026-11-22'),
        mode: 'training',
      }),
    ).toMatchObject({ valid: true });
  });

  it('refuses a CA certificate presented as the card’s own', async () => {
    const card = await testCardCertificate(current, {
      notBefore: '2024-01-10',
      notAfter: '2029-01-10',
      ca: true,
    });
    expect(
      validateCardCertificate(card.certificate, anchors, production('2026-11-22')),
    ).toMatchObject({ problem: 'is-a-ca' });
  });

  it('decides the same off the main thread, a tampered signature or signed part included', async () => {
    const issued = await Promise.all([
      testCardCertificate(old, { notBefore: '2022-04-01', notAfter: '2027-04-01' }),
      testCardCertificate(current, { notBefore: '2024-01-10', notAfter: '2029-01-10' }),
      testCardCertificate(forger, { notBefore: '2024-01-10', notAfter: '2029-01-10' }),
    ]);
    const tampered = (certificate: X509Certificate, at: number): X509Certificate => {
      const der = Buffer.from(certificate.raw);
      der[at] = (der[at] as number) ^ 0x01;
      return new X509Certificate(der);
    };
    const valid = issued[1]?.certificate as X509Certificate;
    const certificates = [
      ...issued.map((c) => c.certificate),
      // The last byte of the signature, and the serial's first byte inside the signed part
      // (30 82 LL LL | 30 82 LL LL | A0 03 02 01 02 | 02 LL serial).
      tampered(valid, valid.raw.length - 1),
      tampered(valid, 15),
    ];
    const verdicts = await Promise.all(
      certificates.map(async (certificate) => {
        const sync = validateCardCertificate(certificate, anchors, production('2026-11-22'));
        const async = await validateCardCertificateAsync(
          certificate,
          anchors,
          production('2026-11-22'),
        );
        expect(async).toEqual(sync);
        return sync.valid ? 'valid' : sync.problem;
      }),
    );
    expect(verdicts).toEqual(['valid', 'valid', 'bad-signature', 'bad-signature', 'bad-signature']);
  });
});
