// Certificates for trust tests: roots and card certificates with chosen names, keys and
// validity, so a test can build exactly the generation overlap JPKI has (several roots, one
// name) or a forgery (same name, another key). Test code only.

import './reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto, X509Certificate } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};

export const TEST_ROOT_NAME =
  'C=JP, O=JPKI-TEST, OU=JPKI for user authentication, OU=Madoguchi trust tests';

export interface TestCertificate {
  readonly der: Uint8Array;
  readonly certificate: X509Certificate;
  readonly keys: CryptoKeyPair;
}

let serial = 1;

function keyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

function wrap(cert: x509.X509Certificate, keys: CryptoKeyPair): TestCertificate {
  const der = new Uint8Array(cert.rawData);
  return { der, certificate: new X509Certificate(der), keys };
}

export async function testRoot(options: {
  name?: string;
  notBefore: string;
  notAfter: string;
  ca?: boolean;
}): Promise<TestCertificate> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(8, '0'),
    name: options.name ?? TEST_ROOT_NAME,
    notBefore: new Date(options.notBefore),
    notAfter: new Date(options.notAfter),
    signingAlgorithm: RSA,
    keys,
    extensions: [new x509.BasicConstraintsExtension(options.ca ?? true, undefined, true)],
  });
  return wrap(cert, keys);
}

export async function testCardCertificate(
  issuer: TestCertificate,
  options: { notBefore: string; notAfter: string; issuerName?: string; ca?: boolean },
): Promise<TestCertificate> {
  const keys = await keyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(8, '0'),
    subject: 'C=JP, CN=997794E9AGCIEG13221003A',
    issuer: options.issuerName ?? issuer.certificate.subject.split('\n').join(', '),
    notBefore: new Date(options.notBefore),
    notAfter: new Date(options.notAfter),
    signingAlgorithm: RSA,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: options.ca ? [new x509.BasicConstraintsExtension(true, undefined, true)] : [],
  });
  return wrap(cert, keys);
}
