// A test JPKI: two self-signed roots shaped like J-LIS's (one for user authentication, one
// for digital signature; shared/fixtures/jpki-roots/) but named O=JPKI-TEST with an OU that
// says whose they are, so nobody can take them for real ones, and the certificates they issue
// to each virtual card. RSA-2048 and sha256WithRSAEncryption throughout (reference §5.9).
//
// RSA-2048 key generation costs 50-500 ms on a busy machine, so keys come from a KeySource:
// processKeys keeps them for the life of the process (tests), directoryKeys keeps them on disk
// (`madoguchi card simulate`, so every run is the same card under the same CA). Certificates
// are deterministic (serials derived from the keys, dates from the profile, PKCS#1 v1.5
// signatures), so the same keys and profile always give byte-identical certificates.

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  webcrypto,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CivilDate } from '../../../domain/japanese-era';
import { civilDate, type CardProfile } from './profile';
import { oidBytes, tlv, utf8 } from './tlv';
import { x509 } from './x509';

const generateRsa = promisify(generateKeyPair);
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** Where RSA-2048 private keys come from, by name ("auth-root", "cards/SERIAL/auth", ...). */
export type KeySource = (name: string) => Promise<KeyObject>;

async function newRsaKey(): Promise<KeyObject> {
  const { privateKey } = await generateRsa('rsa', { modulusLength: 2048, publicExponent: 65537 });
  return privateKey;
}

const processKeyCache = new Map<string, Promise<KeyObject>>();

/** Keys generated once per process and name. For tests: a test file pays for each key once. */
export const processKeys: KeySource = (name) => {
  let key = processKeyCache.get(name);
  if (!key) {
    key = newRsaKey();
    processKeyCache.set(name, key);
  }
  return key;
};

/** Keys kept as PKCS#8 PEM files (mode 0600) under `dir`, generated on first use. */
export function directoryKeys(dir: string): KeySource {
  const pending = new Map<string, Promise<KeyObject>>();
  const load = async (name: string): Promise<KeyObject> => {
    if (!/^[A-Za-z0-9/_-]+$/.test(name) || name.includes('..')) {
      throw new RangeError(`bad key name ${name}`);
    }
    const path = join(dir, `${name}.key.pem`);
    try {
      return createPrivateKey(await readFile(path, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const key = await newRsaKey();
    await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
    await writeFile(path, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    return key;
  };
  return (name) => {
    let key = pending.get(name);
    if (!key) {
      key = load(name);
      pending.set(name, key);
    }
    return key;
  };
}

// --- Names ------------------------------------------------------------------------------

const TEST_OU = 'Madoguchi test hierarchy (not J-LIS)';
export const TEST_AUTH_ROOT_NAME = `C=JP, O=JPKI-TEST, OU=JPKI for user authentication, OU=${TEST_OU}`;
export const TEST_SIGN_ROOT_NAME = `C=JP, O=JPKI-TEST, OU=JPKI for digital signature, OU=${TEST_OU}`;

/** Certificate policies of JPKI end-entity certificates (reference §5.9, second-hand). */
const POLICY_SIGNATURE = '1.2.392.200149.8.5.1.1';
const POLICY_AUTHENTICATION = '1.2.392.200149.8.5.1.3';
/** subjectAltName otherName types of the signature certificate (reference §5.9). */
const SAN_NAME = '1.2.392.200149.8.5.5.1';
const SAN_SEX = '1.2.392.200149.8.5.5.3';
const SAN_BIRTH_DATE = '1.2.392.200149.8.5.5.4';
const SAN_ADDRESS = '1.2.392.200149.8.5.5.5';

const ROOT_NOT_BEFORE = new Date('2016-01-01T00:00:00Z');
const ROOT_NOT_AFTER = new Date('2045-12-31T14:59:59Z');

export interface TestJpki {
  /** Which hierarchy: "test" is the one test trust stores hold; any other is unknown to them. */
  readonly id: string;
  readonly authRoot: x509.X509Certificate;
  readonly signRoot: x509.X509Certificate;
  readonly authRootKey: KeyObject;
  readonly signRootKey: KeyObject;
  /**
   * The key the TEXT and VISUAL APs sign their records with (reference §5.4, §5.5). J-LIS's
   * record-signing keys are not public; ours lives with the test CA.
   */
  readonly recordKey: KeyObject;
}

interface RsaKeyPair {
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
}

async function cryptoKeys(key: KeyObject): Promise<RsaKeyPair> {
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    key.export({ type: 'pkcs8', format: 'der' }),
    RSA,
    true,
    ['sign'],
  );
  const publicKey = await webcrypto.subtle.importKey(
    'spki',
    createPublicKey(key).export({ type: 'spki', format: 'der' }),
    RSA,
    true,
    ['verify'],
  );
  return { privateKey, publicKey };
}

/** A positive serial number, `bytes` long, that depends only on the inputs. */
function derivedSerial(bytes: number, ...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  const digest = hash.digest();
  digest[0] = ((digest[0] ?? 0) & 0x7f) | 0x01;
  return digest.subarray(0, bytes).toString('hex');
}

function spki(key: KeyObject): Buffer {
  return createPublicKey(key).export({ type: 'spki', format: 'der' });
}

async function selfSignedRoot(name: string, key: KeyObject): Promise<x509.X509Certificate> {
  const keys = await cryptoKeys(key);
  return x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: derivedSerial(4, 'root', spki(key)),
    name,
    notBefore: ROOT_NOT_BEFORE,
    notAfter: ROOT_NOT_AFTER,
    signingAlgorithm: RSA,
    keys,
    extensions: [
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      new x509.BasicConstraintsExtension(true, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
}

/**
 * A test JPKI from `keys`. `id` names the hierarchy and prefixes its key names, so
 * createTestJpki(keys, 'unknown') is a second CA with the SAME names and other keys: exactly
 * what a forged card would carry, and what a trust store must refuse.
 */
export async function createTestJpki(keys: KeySource, id = 'test'): Promise<TestJpki> {
  const [authRootKey, signRootKey, recordKey] = await Promise.all([
    keys(`${id}/auth-root`),
    keys(`${id}/sign-root`),
    keys(`${id}/record`),
  ]);
  const [authRoot, signRoot] = await Promise.all([
    selfSignedRoot(TEST_AUTH_ROOT_NAME, authRootKey),
    selfSignedRoot(TEST_SIGN_ROOT_NAME, signRootKey),
  ]);
  return { id, authRoot, signRoot, authRootKey, signRootKey, recordKey };
}

const sharedJpki = new Map<string, Promise<TestJpki>>();

/** The process-wide test JPKI ("test") or another unknown one, built once per process. */
export function processTestJpki(id = 'test'): Promise<TestJpki> {
  let jpki = sharedJpki.get(id);
  if (!jpki) {
    jpki = createTestJpki(processKeys, id);
    sharedJpki.set(id, jpki);
  }
  return jpki;
}

// --- Per-card certificates ----------------------------------------------------------------

/** What the JPKI AP of one card holds. */
export interface CardCredentials {
  /** DER certificates as the EFs hold them. */
  readonly authCertificate: Uint8Array;
  readonly authCaCertificate: Uint8Array;
  readonly signCertificate: Uint8Array;
  readonly signCaCertificate: Uint8Array;
  /** The private keys in the card's key IEFs 0017 / 001A. */
  readonly authKey: KeyObject;
  readonly signKey: KeyObject;
  readonly recordKey: KeyObject;
}

function utcDate(date: CivilDate, endOfDay = false): Date {
  // JPKI certificates end at 23:59:59 Japan time (14:59:59Z), like the roots.
  return endOfDay
    ? new Date(Date.UTC(date.year, date.month - 1, date.day, 14, 59, 59))
    : new Date(Date.UTC(date.year, date.month - 1, date.day, 0, 0, 0));
}

/** The card's issue date: as the profile says, else 10 years before expiry. */
export function issuedDate(profile: CardProfile): CivilDate {
  if (profile.issuedDate) return civilDate(profile.issuedDate);
  const expiry = civilDate(profile.expiryDate);
  return { year: expiry.year - 10, month: expiry.month, day: Math.min(expiry.day, 28) };
}

/**
 * The JPKI certificates run to the holder's 5th birthday after issuance (公的個人認証法施行規則;
 * the card itself runs 10 years), never past the card's expiry.
 */
function certificateEnd(profile: CardProfile): CivilDate {
  const issued = issuedDate(profile);
  const birth = civilDate(profile.birthDate);
  const birthdayIn = (year: number): CivilDate => ({
    year,
    month: birth.month,
    // 29 February in a common year: the birthday counts as 28 February.
    day: birth.month === 2 && birth.day === 29 && !isLeap(year) ? 28 : birth.day,
  });
  const firstAfter = compare(birthdayIn(issued.year), issued) > 0 ? issued.year : issued.year + 1;
  const fifth = birthdayIn(firstAfter + 4);
  const expiry = civilDate(profile.expiryDate);
  return compare(fifth, expiry) < 0 ? fifth : expiry;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function compare(a: CivilDate, b: CivilDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * The opaque subject CN of a JPKI certificate (reference §5.9: e.g. 997794E9AGCIEG13221003A).
 * Ours: derived from the card serial and the key, 23 characters, capital letters and digits.
 */
function subjectId(profile: CardProfile, kind: string, key: KeyObject): string {
  const digest = createHash('sha256').update(kind).update(profile.cardSerial).update(spki(key));
  return digest.digest('hex').toUpperCase().slice(0, 23);
}

function otherName(oid: string, value: string): Uint8Array {
  return tlv(0xa0, [tlv(0x06, oidBytes(oid)), tlv(0xa0, tlv(0x0c, utf8(value)))]);
}

const SEX_CODE = { male: '1', female: '2', 'not-applicable': '9' } as const;

function signatureSubjectAltName(profile: CardProfile): x509.Extension {
  const names = tlv(0x30, [
    otherName(SAN_NAME, profile.name),
    otherName(SAN_SEX, SEX_CODE[profile.sex]),
    otherName(SAN_BIRTH_DATE, profile.birthDate.replaceAll('-', '')),
    otherName(SAN_ADDRESS, profile.address),
  ]);
  // A fresh ArrayBuffer-backed copy: BufferSource excludes shared buffers under newer DOM types.
  return new x509.Extension('2.5.29.17', false, new Uint8Array(names));
}

async function endEntity(options: {
  profile: CardProfile;
  kind: 'auth' | 'sign';
  root: x509.X509Certificate;
  rootKey: KeyObject;
  subjectKey: KeyObject;
}): Promise<x509.X509Certificate> {
  const { profile, kind, root, rootKey, subjectKey } = options;
  const signing = await cryptoKeys(rootKey);
  const subjectKeys = await cryptoKeys(subjectKey);
  const cn = subjectId(profile, kind, subjectKey);
  const subject =
    kind === 'auth'
      ? `C=JP, CN=${cn}`
      : `C=JP, L=Municipality ${profile.municipalityCode}, CN=${cn}`;
  const usages =
    kind === 'auth'
      ? x509.KeyUsageFlags.digitalSignature
      : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;
  return x509.X509CertificateGenerator.create({
    serialNumber: derivedSerial(6, kind, profile.cardSerial, spki(subjectKey), spki(rootKey)),
    subject,
    issuer: root.subject,
    notBefore: utcDate(issuedDate(profile)),
    notAfter: utcDate(certificateEnd(profile), true),
    signingAlgorithm: RSA,
    publicKey: subjectKeys.publicKey,
    signingKey: signing.privateKey,
    extensions: [
      new x509.KeyUsagesExtension(usages, true),
      new x509.CertificatePolicyExtension([
        kind === 'auth' ? POLICY_AUTHENTICATION : POLICY_SIGNATURE,
      ]),
      ...(kind === 'sign' ? [signatureSubjectAltName(profile)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(signing.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(subjectKeys.publicKey),
    ],
  });
}

/**
 * Issues the card's two certificates under `jpki` (the profile's `jpki.issuer` picks which
 * hierarchy the caller passes). Keys are named after the card serial, so a card keeps its keys.
 * With `jpki.authKeyMatchesCertificate: false` the certificate certifies one key and the card
 * signs with another.
 */
export async function issueCardCredentials(
  profile: CardProfile,
  jpki: TestJpki,
  keys: KeySource,
): Promise<CardCredentials> {
  const prefix = `cards/${profile.cardSerial}`;
  const [authKey, signKey] = await Promise.all([keys(`${prefix}/auth`), keys(`${prefix}/sign`)]);
  const cardAuthKey = profile.jpki.authKeyMatchesCertificate
    ? authKey
    : await keys(`${prefix}/auth-impostor`);
  const [auth, sign] = await Promise.all([
    endEntity({
      profile,
      kind: 'auth',
      root: jpki.authRoot,
      rootKey: jpki.authRootKey,
      subjectKey: authKey,
    }),
    endEntity({
      profile,
      kind: 'sign',
      root: jpki.signRoot,
      rootKey: jpki.signRootKey,
      subjectKey: signKey,
    }),
  ]);
  return {
    authCertificate: new Uint8Array(auth.rawData),
    authCaCertificate: new Uint8Array(jpki.authRoot.rawData),
    signCertificate: new Uint8Array(sign.rawData),
    signCaCertificate: new Uint8Array(jpki.signRoot.rawData),
    authKey: cardAuthKey,
    signKey,
    recordKey: jpki.recordKey,
  };
}
