// The My Number Card client: every card operation the counter needs, over a CardChannel only
// (PC/SC or the in-process virtual card alike). Each response is status-checked and each
// record parsed strictly, so a pulled, broken or hostile card ends in a CardError with a code
// the clerk can act on, never in a crash or a wrong record.
//
// Secrets (PINs, passwords, collation numbers) come in as bytes and are zeroed once sent,
// whatever happens; they are never logged (apdu.ts masks VERIFY data).

import { createHash, X509Certificate, constants, verify as verifySignature } from 'node:crypto';
import type { CardSecret } from '../../../domain/pin-rules';
import type { CardChannel } from '../channel';
import { CardError } from '../errors';
import {
  ISSUANCE_SW,
  resetSecretCommand,
  SECRET_LOCATIONS,
  selectApplication as selectSecretApplication,
  setSecretCommand,
} from '../issuance-profile';
import {
  ApduTransport,
  computeSignature,
  concat,
  EXTENDED_LE_MAX,
  readBinary,
  selectApplication,
  selectFile,
  SHORT_LE_MAX,
  SW_OK,
  swText,
  verify,
  verifyStatus,
  type ApduLog,
  type Response,
} from './apdu';
import {
  AIDS,
  APPLICATION_LABELS,
  FILES,
  PINS,
  type Application,
  type FileRef,
  type PinId,
} from './card-map';
import {
  parseBasicFour,
  parseCardFace,
  parseMyNumberRecord,
  type BasicFour,
  type CardFace,
} from './records';
import { publicKeyOf } from '../trust/chain';
import { announcedSize, invalid } from './tlv';

export type Secret = Uint8Array;

/** Tries left (0 = blocked), or a state without a count. */
export type PinStatus = number | 'not-set' | 'verified';

/** SHA-256 DigestInfo prefix (PKCS#1 v2.2, §9.2 note 1; reference §5.8). */
const SHA256_DIGEST_INFO = Uint8Array.from([
  0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
  0x00, 0x04, 0x20,
]);

export type CertificateKind = 'auth' | 'authCa' | 'sign' | 'signCa';

const CERTIFICATE_FILES: Readonly<Record<CertificateKind, FileRef>> = {
  auth: FILES.authCertificate,
  authCa: FILES.authCa,
  sign: FILES.signCertificate,
  signCa: FILES.signCa,
};

export interface CardCertificate {
  readonly der: Uint8Array;
  readonly certificate: X509Certificate;
}

export interface MyNumberCardOptions {
  /** APDU debug log (off by default); lines are masked by apdu.ts. */
  log?: ApduLog;
}

export class MyNumberCard {
  private readonly transport: ApduTransport;
  private current: Application | undefined;
  /** Starts as the channel says; drops to short APDUs if the card refuses an extended one. */
  private extended: boolean;

  constructor(
    readonly channel: CardChannel,
    options: MyNumberCardOptions = {},
  ) {
    this.transport = new ApduTransport(channel, options.log);
    this.extended = channel.extendedLength;
  }

  /** APDUs exchanged so far. */
  get apduCount(): number {
    return this.transport.count;
  }

  /** SELECT the application unless it is the current one (which would drop verified PINs). */
  async select(app: Application): Promise<void> {
    if (this.current === app) return;
    this.current = undefined;
    const response = await this.transport.send(selectApplication(AIDS[app]));
    if (response.sw === 0x6a82) {
      throw new CardError(
        'UNKNOWN_CARD',
        `SW 6A82 to SELECT of the ${APPLICATION_LABELS[app]} application`,
      );
    }
    expectOk(response, `SELECT of the ${APPLICATION_LABELS[app]} application`);
    this.current = app;
  }

  /** Ends every verified PIN of the application (re-selecting it resets its security state). */
  async logout(app: Application): Promise<void> {
    this.current = undefined;
    await this.select(app);
  }

  /**
   * Tries left on a PIN, read with an empty VERIFY that spends none. 0 = blocked.
   * 'not-set': a new card whose PIN the applicant has yet to set (our issuance profile).
   * 'verified': the card answered 9000 (ISO 7816-4 allows it after a VERIFY) without a count.
   */
  async triesLeft(pin: PinId): Promise<PinStatus> {
    const ref = PINS[pin];
    await this.select(ref.app);
    const response = await this.transport.send(verifyStatus(ref.fid));
    if (response.sw >> 4 === 0x63c) return response.sw & 0x0f;
    if (response.sw === 0x6984 || response.sw === 0x6983) return 0;
    if (response.sw === ISSUANCE_SW.NOT_SET) return 'not-set';
    if (response.sw === SW_OK) return 'verified';
    throw refused(response, `PIN status of the ${ref.label}`);
  }

  /**
   * VERIFY a PIN. Zeroes `secret` afterwards in every case. WRONG_PIN carries the tries left;
   * PIN_BLOCKED when the counter is (now) at zero. Never retries by itself.
   */
  async verify(pin: PinId, secret: Secret): Promise<void> {
    const ref = PINS[pin];
    let command: Uint8Array | undefined;
    try {
      await this.select(ref.app);
      if (secret.length === 0 || secret.length > 0xff) {
        throw new CardError('WRONG_PIN', `${ref.label} of ${secret.length} bytes not sent`);
      }
      command = verify(ref.fid, secret);
      const response = await this.transport.send(command);
      if (response.sw === SW_OK) return;
      if (response.sw >> 4 === 0x63c) {
        const triesLeft = response.sw & 0x0f;
        throw triesLeft === 0
          ? new CardError('PIN_BLOCKED', `${ref.label} blocked by this attempt`, { triesLeft })
          : new CardError('WRONG_PIN', `wrong ${ref.label}`, { triesLeft });
      }
      if (response.sw === 0x6984 || response.sw === 0x6983) {
        throw new CardError('PIN_BLOCKED', `${ref.label} is blocked (SW ${swText(response.sw)})`, {
          triesLeft: 0,
        });
      }
      if (response.sw === ISSUANCE_SW.NOT_SET) {
        throw new CardError('PIN_NOT_SET', `${ref.label} not set yet`);
      }
      throw refused(response, `VERIFY of the ${ref.label}`);
    } finally {
      secret.fill(0);
      command?.fill(0);
    }
  }

  /**
   * The whole content of an EF, as long as the TLV header at its start says (EFs carry filler
   * after the object). Read with the SFI form, so no SELECT of the EF: one APDU per 256 bytes
   * with short APDUs, one for the whole file with extended length.
   */
  async readFile(file: FileRef): Promise<Uint8Array> {
    await this.select(file.app);
    const what = `READ BINARY of the ${file.label}`;
    let first = await this.transport.send(
      readBinary({ sfi: file.fid, offset: 0, le: this.maxLe(), extended: this.extended }),
    );
    if (this.extended && (first.sw === 0x6700 || first.sw >> 8 === 0x6c)) {
      // The card or reader refused extended length after all: short APDUs from here on.
      this.extended = false;
      first = await this.transport.send(
        readBinary({ sfi: file.fid, offset: 0, le: SHORT_LE_MAX, extended: false }),
      );
    }
    expectRead(first, what);
    if (first.data.length === 0) throw invalid(`${file.label} is empty`);
    if (isFiller(first.data)) throw invalid(`${file.label} holds no object (filler only)`);
    const size = announcedSize(first.data);
    const parts = [first.data];
    let have = first.data.length;
    while (have < size) {
      const le = Math.min(size - have, this.maxLe());
      const next = await this.transport.send(
        readBinary({ offset: have, le, extended: this.extended }),
      );
      expectRead(next, what);
      if (next.data.length === 0) throw invalid(`${file.label} ends before its announced size`);
      parts.push(next.data);
      have += next.data.length;
    }
    return concat(parts).slice(0, size);
  }

  /** One of the four JPKI certificates. The signature certificate needs the signature password. */
  async readCertificate(kind: CertificateKind, signPassword?: Secret): Promise<CardCertificate> {
    if (kind === 'sign') {
      if (!signPassword)
        throw new CardError('PIN_REQUIRED', 'signature certificate without password');
      await this.verify('jpkiSign', signPassword);
    }
    const file = CERTIFICATE_FILES[kind];
    const der = await this.readFile(file);
    return { der, certificate: parseCertificate(der, file.label) };
  }

  /** TEXT AP: the My Number and the basic four, after the card-information PIN. */
  async readPersonalRecords(textPin: Secret): Promise<{ myNumber: string; basicFour: BasicFour }> {
    await this.verify('textPin', textPin);
    const myNumber = parseMyNumberRecord(await this.readFile(FILES.myNumber));
    const basicFour = parseBasicFour(await this.readFile(FILES.basicFour));
    return { myNumber, basicFour };
  }

  /** VISUAL AP: the card face (photo included), opened with 照合番号B (14 digits). */
  async readCardFace(collationNumberB: Secret): Promise<CardFace> {
    await this.verify('visualCollationB', collationNumberB);
    return parseCardFace(await this.readFile(FILES.cardFace));
  }

  /**
   * Has the card sign SHA-256(challenge) with its user-authentication key and returns the raw
   * signature (RSA PKCS#1 v1.5). Needs the user-authentication PIN.
   */
  async signWithAuthKey(authPin: Secret, challenge: Uint8Array): Promise<Uint8Array> {
    await this.verify('jpkiAuth', authPin);
    expectOk(
      await this.transport.send(selectFile(FILES.authKey.fid)),
      'SELECT of the authentication key',
    );
    const digest = createHash('sha256').update(challenge).digest();
    const response = await this.transport.send(
      computeSignature(concat([SHA256_DIGEST_INFO, digest])),
    );
    if (response.sw === 0x6982)
      throw new CardError('PIN_REQUIRED', 'signature without verified PIN');
    expectOk(response, 'COMPUTE DIGITAL SIGNATURE');
    return response.data;
  }

  /**
   * Proves the card holds the private key of `certificate`: it signs a fresh random challenge,
   * which must verify under the certificate's public key. CARD_KEY_MISMATCH otherwise.
   */
  async proveAuthKey(
    authPin: Secret,
    certificate: X509Certificate,
    challenge: Uint8Array,
  ): Promise<void> {
    const signature = await this.signWithAuthKey(authPin, challenge);
    await checkAuthSignature(certificate, challenge, signature);
  }

  /**
   * Sets a secret on a new card with its per-card initialization secret (our issuance
   * profile, docs/card-issuance-profile.md). Zeroes both secrets afterwards.
   */
  setSecret(secret: CardSecret, initializationSecret: Secret, value: Secret): Promise<void> {
    return this.manageSecret(secret, initializationSecret, value, setSecretCommand);
  }

  /** Resets a (blocked) secret to a new value with the card's reset secret. Zeroes both. */
  resetSecret(secret: CardSecret, resetSecret: Secret, value: Secret): Promise<void> {
    return this.manageSecret(secret, resetSecret, value, resetSecretCommand);
  }

  private async manageSecret(
    secret: CardSecret,
    authority: Secret,
    value: Secret,
    build: (secret: CardSecret, authority: Uint8Array, value: Uint8Array) => Uint8Array,
  ): Promise<void> {
    let command: Uint8Array | undefined;
    try {
      // The resident-registry secret lives in an application the rest of the client never
      // uses: select it directly and forget which application is current.
      this.current = undefined;
      const selected = await this.transport.send(selectSecretApplication(SECRET_LOCATIONS[secret]));
      if (selected.sw === 0x6a82)
        throw new CardError('UNKNOWN_CARD', `SW 6A82 to SELECT for ${secret}`);
      expectOk(selected, `SELECT for ${secret}`);
      try {
        command = build(secret, authority, value);
      } catch (error) {
        throw new CardError('PIN_FORMAT_INVALID', `${secret}: ${String(error)}`, { cause: error });
      }
      const response = await this.transport.send(command);
      if (response.sw === SW_OK) return;
      const detail = `SW ${swText(response.sw)} setting ${secret}`;
      if (response.sw >> 4 === 0x63c) {
        throw new CardError('ISSUANCE_SECRET_REJECTED', detail, { triesLeft: response.sw & 0x0f });
      }
      if (response.sw === 0x6984 || response.sw === 0x6983) {
        throw new CardError('ISSUANCE_SECRET_REJECTED', detail, { triesLeft: 0 });
      }
      if (response.sw === ISSUANCE_SW.BAD_NEW_VALUE)
        throw new CardError('PIN_FORMAT_INVALID', detail);
      if (response.sw === ISSUANCE_SW.WRONG_STATE) {
        throw new CardError(build === setSecretCommand ? 'PIN_ALREADY_SET' : 'PIN_NOT_SET', detail);
      }
      throw refused(response, `${build === setSecretCommand ? 'setting' : 'resetting'} ${secret}`);
    } finally {
      authority.fill(0);
      value.fill(0);
      command?.fill(0);
    }
  }

  private maxLe(): number {
    return this.extended ? EXTENDED_LE_MAX : SHORT_LE_MAX;
  }
}

/**
 * Resolves if `signature` is the certificate key's RSA PKCS#1 v1.5 SHA-256 signature of
 * `challenge`; rejects with CARD_KEY_MISMATCH otherwise. The RSA check runs on libuv's thread
 * pool, so the card's next APDUs can go out while it runs (identify.ts).
 */
export async function checkAuthSignature(
  certificate: X509Certificate,
  challenge: Uint8Array,
  signature: Uint8Array,
): Promise<void> {
  const key = publicKeyOf(certificate);
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || bits === undefined) {
    throw new CardError('CERTIFICATE_UNTRUSTED', 'authentication certificate key is not RSA');
  }
  if (signature.length !== Math.ceil(bits / 8)) {
    throw new CardError(
      'CARD_KEY_MISMATCH',
      `signature of ${signature.length} bytes for a ${bits}-bit key`,
    );
  }
  const ok = await new Promise<boolean>((resolve) =>
    verifySignature(
      'sha256',
      challenge,
      { key, padding: constants.RSA_PKCS1_PADDING },
      signature,
      (error, verified) => resolve(!error && verified),
    ),
  );
  if (!ok) throw new CardError('CARD_KEY_MISMATCH', 'challenge signature does not verify');
}

/**
 * Parsed certificates by the SHA-256 of their DER. Node's X509Certificate constructor costs
 * about 1 ms (OpenSSL 3 decoders), a third of a whole identification; a card is identified
 * several times during one handover and its certificates never change. A parsed certificate
 * is immutable, so sharing it is safe; the cache is small and holds public data only.
 */
const parsedCertificates = new Map<string, X509Certificate>();
const PARSED_CERTIFICATES_MAX = 16;

export function parseCertificate(der: Uint8Array, label: string): X509Certificate {
  if (der[0] !== 0x30) throw invalid(`${label} is not a DER certificate`);
  const digest = createHash('sha256').update(der).digest('hex');
  const cached = parsedCertificates.get(digest);
  if (cached) return cached;
  try {
    const certificate = new X509Certificate(der);
    if (parsedCertificates.size >= PARSED_CERTIFICATES_MAX) {
      const oldest = parsedCertificates.keys().next().value;
      if (oldest !== undefined) parsedCertificates.delete(oldest);
    }
    parsedCertificates.set(digest, certificate);
    return certificate;
  } catch (error) {
    throw new CardError('CARD_DATA_INVALID', `${label} does not parse: ${String(error)}`, {
      cause: error,
    });
  }
}

/** An unwritten EF reads as FF.. or 00.. (reference §5.1: filler). */
function isFiller(data: Uint8Array): boolean {
  const first = data[0];
  return (first === 0xff || first === 0x00) && data[1] === first;
}

function expectOk(response: Response, what: string): void {
  if (response.sw !== SW_OK) throw refused(response, what);
}

/** READ BINARY: 9000, or 6282 (end of file reached before Le, SOL tolerates it). */
function expectRead(response: Response, what: string): void {
  if (response.sw === SW_OK || response.sw === 0x6282) return;
  throw refused(response, what);
}

export function refused(response: Response, what: string): CardError {
  const detail = `SW ${swText(response.sw)} to ${what}`;
  if (response.sw === 0x6982) return new CardError('PIN_REQUIRED', detail);
  if (response.sw === 0x6a82 || response.sw === 0x6d00 || response.sw === 0x6e00) {
    return new CardError('UNKNOWN_CARD', detail);
  }
  if (response.sw === 0x6b00) return invalid(detail);
  return new CardError('CARD_COMMAND_REFUSED', detail);
}
