// A PKCS#10 certificate request (RFC 2986) for the terminal's TLS key, DER-encoded by hand:
// an ECDSA P-256 key, subject CN = terminal ID, no attributes, signed with ecdsa-with-SHA256.
// Small enough to write out rather than load a certificate library into the main process.

import { createSign, generateKeyPairSync } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const SEQUENCE = 0x30;
const SET = 0x31;
/** 2.5.4.3 commonName */
const OID_CN = Buffer.from('0603550403', 'hex');
/** 1.2.840.10045.4.3.2 ecdsa-with-SHA256 */
const OID_ECDSA_SHA256 = Buffer.from('06082a8648ce3d040302', 'hex');

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A new P-256 key (PKCS#8 PEM) and a CSR for it with CN = `commonName`. */
export function newTlsKeyAndCsr(commonName: string): { keyPem: string; csrPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const subject = tlv(
    SEQUENCE,
    tlv(SET, tlv(SEQUENCE, OID_CN, tlv(0x0c, Buffer.from(commonName, 'utf8')))),
  );
  const info = tlv(
    SEQUENCE,
    Buffer.from([0x02, 0x01, 0x00]),
    subject,
    spki,
    Buffer.from([0xa0, 0x00]),
  );
  const signature = createSign('SHA256').update(info).sign({ key: privateKey, dsaEncoding: 'der' });
  const csr = tlv(
    SEQUENCE,
    info,
    tlv(SEQUENCE, OID_ECDSA_SHA256),
    tlv(0x03, Buffer.from([0x00]), signature),
  );
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8' });
  return {
    keyPem: typeof keyPem === 'string' ? keyPem : keyPem.toString('utf8'),
    csrPem: pem('CERTIFICATE REQUEST', csr),
  };
}
