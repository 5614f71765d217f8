// The central service's PKI: a CA that issues the TLS server certificate and every terminal's
// client certificate (mutual TLS, docs/sync-protocol.md §1-2), plus the Ed25519 key that signs
// receipts and revocation lists and the X25519 key export files are encrypted to.
// ECDSA P-256 for everything TLS touches (every TLS stack speaks it); @peculiar/x509 builds
// the certificates over Node's WebCrypto.

import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  webcrypto,
  type KeyObject,
} from 'node:crypto';
// @peculiar/x509 made ready for Node (Reflect metadata, Web Crypto provider) in one place.
import { x509 } from '../main/card/virtual/x509';

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PemKeyPair {
  certPem: string;
  keyPem: string;
}

export interface CentralKeys {
  ca: PemKeyPair;
  server: PemKeyPair;
  /** Ed25519, PKCS#8 PEM. */
  signingKeyPem: string;
  /** X25519, PKCS#8 PEM. */
  encryptionKeyPem: string;
}

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPairLike = { privateKey: CryptoKey; publicKey: CryptoKey };

async function newEcKeys(): Promise<CryptoKeyPairLike> {
  return (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPairLike;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importEcPrivate(pem: string): Promise<CryptoKey> {
  return webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decode(pem)[0] as ArrayBuffer,
    EC,
    true,
    ['sign'],
  );
}

function randomSerial(): string {
  // 16 random bytes, top bit clear: a positive INTEGER, as RFC 5280 §4.1.2.2 wants.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] as number) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

/** Creates the CA, the server certificate and the signing and encryption keys. */
export async function createCentralKeys(
  name: string,
  now: Date = new Date(),
): Promise<CentralKeys> {
  const caKeys = await newEcKeys();
  const caName = `CN=${escapeDn(name)} Sync CA, O=Madoguchi`;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: caName,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 20 * 365 * DAY_MS),
    keys: caKeys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const serverKeys = await newEcKeys();
  const serverCert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${escapeDn(name)} sync server, O=Madoguchi`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 5 * 365 * DAY_MS),
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const signing = generateKeyPairSync('ed25519');
  const encryption = generateKeyPairSync('x25519');
  return {
    ca: { certPem: caCert.toString('pem'), keyPem: await keyPem(caKeys.privateKey) },
    server: { certPem: serverCert.toString('pem'), keyPem: await keyPem(serverKeys.privateKey) },
    signingKeyPem: signing.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    encryptionKeyPem: encryption.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

function escapeDn(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
}

/** The CA pin in enrollment codes: first 16 bytes of SHA-256 over the CA certificate's DER. */
export function caPin(caCertPem: string): string {
  const der = Buffer.from(x509.PemConverter.decode(caCertPem)[0] as ArrayBuffer);
  return createHash('sha256').update(der).digest('hex').slice(0, 32);
}

export class CsrError extends Error {
  readonly code = 'ENROLLMENT_CSR_INVALID';
}

export interface IssuedCertificate {
  certPem: string;
  serial: string;
}

/**
 * Issues a terminal's TLS client certificate from its CSR. The CSR's own signature must hold
 * (the terminal has the key); its subject is replaced: CN = terminal ID, OU = office.
 */
export async function issueTerminalCertificate(
  ca: PemKeyPair,
  csrPem: string,
  terminalId: string,
  officeId: string,
  now: Date = new Date(),
): Promise<IssuedCertificate> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw new CsrError('The certificate request (CSR) is not a readable PKCS#10 request.');
  }
  if (!(await csr.verify())) {
    throw new CsrError('The certificate request (CSR) is not signed by its own key.');
  }
  const caCert = new x509.X509Certificate(ca.certPem);
  const serial = randomSerial();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: `CN=${escapeDn(terminalId)}, OU=${escapeDn(officeId)}, O=Madoguchi terminal`,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 3 * 365 * DAY_MS),
    publicKey: csr.publicKey,
    signingKey: await importEcPrivate(ca.keyPem),
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), serial };
}

/** A CSR for an ECDSA P-256 key: what a terminal sends at enrollment (tests and the client). */
export async function createTlsCsr(
  commonName: string,
): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await newEcKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${escapeDn(commonName)}`,
    keys,
    signingAlgorithm: SIGNING,
  });
  return { csrPem: csr.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

export function privateKeyFromPem(pem: string): KeyObject {
  return createPrivateKey(pem);
}
