import { describe, expect, it } from 'vitest';
import { EnrollmentResponseSchema, paths, PROTOCOL_VERSION } from '../sync/protocol';
import { TestTerminal } from '../sync/testing';
import { revokeTerminal } from './admin';
import { createEnrollmentCode } from './enroll';
import { createCentralKeys, createTlsCsr, issueTerminalCertificate } from './pki';
import { enrollTestTerminal, httpsJson, testCentral } from './testing';

async function enrollmentBody(code: string, terminal = new TestTerminal()) {
  const csr = await createTlsCsr(terminal.terminalId);
  return {
    terminal,
    csr,
    body: {
      protocol: PROTOCOL_VERSION,
      code,
      terminal_id: terminal.terminalId,
      signing_public_key: terminal.signingPublicKey.toString('base64'),
      encryption_public_key: terminal.encryptionPublicKey.toString('base64'),
      csr_pem: csr.csrPem,
    },
  };
}

describe('enrollment', () => {
  it('gives a terminal its certificate, office and the keys to pin, once per code', async () => {
    const central = await testCentral();
    const { code } = createEnrollmentCode(central.store, central.files, {
      officeId: 'EMB-001',
      mission: true,
    });
    const { body, terminal } = await enrollmentBody(code);
    const first = await httpsJson(`${central.url}${paths.enroll()}`, {
      body,
      tls: { ca: central.caCertPem },
    });
    expect(first.status).toBe(200);
    const enrollment = EnrollmentResponseSchema.parse(first.body);
    expect(enrollment).toMatchObject({
      terminal_id: terminal.terminalId,
      office_id: 'EMB-001',
      mission: true,
      expected_seq: 1,
      central_signing_public_key: central.signingPublicKey.toString('base64'),
    });
    expect(enrollment.ca_certificate_pem).toBe(central.caCertPem);

    const again = await httpsJson<{ error: { code: string } }>(`${central.url}${paths.enroll()}`, {
      body: (await enrollmentBody(code)).body,
      tls: { ca: central.caCertPem },
    });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('enrollment_code_invalid');
  });

  it('refuses an expired or unknown code', async () => {
    const central = await testCentral();
    const { code } = createEnrollmentCode(central.store, central.files, {
      officeId: '131016',
      mission: false,
      now: new Date(Date.now() - 2 * 86_400_000),
    });
    const expired = await httpsJson<{ error: { code: string; message: string } }>(
      `${central.url}${paths.enroll()}`,
      { body: (await enrollmentBody(code)).body, tls: { ca: central.caCertPem } },
    );
    expect(expired.status).toBe(410);
    expect(expired.body.error.message).toMatch(/expired/);
    const unknown = await httpsJson<{ error: { code: string } }>(
      `${central.url}${paths.enroll()}`,
      {
        body: (await enrollmentBody('AAAA-BBBB-CCCC-DDDD')).body,
        tls: { ca: central.caCertPem },
      },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('enrollment_code_invalid');
  });
});

describe('mutual TLS', () => {
  it('serves an enrolled terminal and refuses a request without a client certificate', async () => {
    const central = await testCentral();
    const enrolled = await enrollTestTerminal(central);
    const ok = await enrolled.get(paths.terminalState(enrolled.terminal.terminalId));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ expected_seq: 1, status: 'active' });

    const anonymous = await httpsJson<{ error: { code: string } }>(
      `${central.url}${paths.stream('revocations', null)}`,
      { tls: { ca: central.caCertPem } },
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthenticated');
  });

  it('refuses a certificate from another CA, even one naming an enrolled terminal', async () => {
    const central = await testCentral();
    const enrolled = await enrollTestTerminal(central);
    const otherCa = await createCentralKeys('Impostor');
    const csr = await createTlsCsr(enrolled.terminal.terminalId);
    const forged = await issueTerminalCertificate(
      otherCa.ca,
      csr.csrPem,
      enrolled.terminal.terminalId,
      '131016',
    );
    const result = await httpsJson<{ error: { code: string } }>(
      `${central.url}${paths.terminalState(enrolled.terminal.terminalId)}`,
      { tls: { ca: central.caCertPem, cert: forged.certPem, key: csr.keyPem } },
    );
    expect(result.status).toBe(401);
    expect(result.body.error.code).toBe('unauthenticated');
  });

  it('refuses a terminal revoked centrally although its certificate is valid', async () => {
    const central = await testCentral();
    const enrolled = await enrollTestTerminal(central);
    revokeTerminal(central.store, enrolled.terminal.terminalId);
    enrolled.terminal.append({ type: 'receive', caseRef: 'A-1', payload: {} });
    const upload = await enrolled.upload(enrolled.terminal.batch(1));
    expect(upload.status).toBe(403);
    expect(upload.body).toMatchObject({ error: { code: 'terminal_revoked' } });
    expect(central.store.stats().events).toBe(0);
  });

  it('refuses a terminal uploading under another terminal path', async () => {
    const central = await testCentral();
    const a = await enrollTestTerminal(central);
    const b = await enrollTestTerminal(central);
    b.terminal.append({ type: 'receive', caseRef: 'A-1', payload: {} });
    const batch = b.terminal.batch(1);
    const result = await httpsJson(`${central.url}${paths.batch(b.terminal.terminalId, 1, 1)}`, {
      method: 'PUT',
      body: batch,
      tls: a.tls,
    });
    expect(result.status).toBe(403);
    expect(result.body).toMatchObject({ error: { code: 'terminal_mismatch' } });
  });
});
