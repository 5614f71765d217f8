// The virtual My Number Card: one APDU in, one response out, as the chip behaves according to
// shared/reference/mynumber-card-protocol.md (§ numbers below refer to it) plus our issuance
// profile (docs/card-issuance-profile.md). It runs in-process (training mode, tests) and
// behind vpcd (vpcd-connector.ts, `madoguchi card simulate`).
//
// Like a chip it never throws and never answers without a status word: a malformed APDU gets
// the ISO status word for what is wrong with it. Secrets are kept as the card keeps them (the
// value that was set, to compare against); the APDU buffer holding a submitted secret is
// zeroed as soon as the command is done.

import {
  constants,
  privateEncrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { birthDateKey, collationNumberB } from '../../../domain/japanese-era';
import { decodeCommand, response, SW, triesLeftSw, type CommandApdu } from './apdu';
import { buildCardFiles } from './files';
import {
  CARD_SECRET_KEYS,
  COLLATION_MAX_TRIES,
  MANAGEMENT_MAX_TRIES,
  MAX_TRIES,
  civilDate,
  type CardProfile,
  type CardSecretKey,
} from './profile';
import { ascii } from './tlv';
import type { CardCredentials } from './test-jpki';
import { ISSUANCE_SECRET_LENGTH } from '../issuance-profile';

/** Application identifiers (§1). */
export const AIDS = {
  jpki: 'd392f000260100000001',
  text: 'd3921000310001010408',
  visual: 'd3921000310001010402',
  residentRegistry: 'd3921000310001010401',
  common: 'd3921000310001010100',
  /** GlobalPlatform ISD: selecting it returns to the power-on state (§1, single source). */
  issuerSecurityDomain: 'a0000001510000',
} as const;

/** Real ATRs (§6). jpki-legacy is the one OpenSC's jpki driver matches without APDUs. */
export const ATRS = {
  'jpki-legacy': '3be000ff8131fe4514',
  'mynumber-contact-a': '3bda13ff8131fb468012392f31c173c601c03b',
  'mynumber-contact-b': '3bc5ff8131fb458073c6010000',
} as const;

/** Everything the card can check a secret against. */
export type KeyRef =
  | CardSecretKey
  | 'collationA'
  | 'collationB'
  | 'birthDateKey'
  /** TEXT AP IEF 0012: blocked on every card examined (§2.2). */
  | 'textBlocked';

type Access = 'free' | readonly KeyRef[];

type FileEntry =
  | { kind: 'binary'; data: Uint8Array; read: Access }
  | { kind: 'records'; records: readonly Uint8Array[]; read: Access }
  | { kind: 'pin'; key: KeyRef }
  | { kind: 'signing-key'; key: KeyObject; unlockedBy: CardSecretKey }
  /** Selectable, but nothing a terminal may read (key references, unknown EFs). */
  | { kind: 'opaque' };

interface Application {
  readonly name: keyof typeof AIDS;
  readonly files: ReadonlyMap<number, FileEntry>;
}

interface SecretSlot {
  /** The reference data as stored; null while not set (a new card, docs/card-issuance-profile.md). */
  value: Uint8Array | null;
  triesLeft: number;
  readonly maxTries: number;
}

/** What a test or the training UI may see of the card's state: never a secret's value. */
export interface CardSecretStatus {
  readonly set: boolean;
  readonly triesLeft: number;
}

/** The largest input COMPUTE DIGITAL SIGNATURE pads into one RSA-2048 block (§5.8). */
const MAX_SIGNING_INPUT = 245;

export class VirtualMyNumberCard {
  readonly atr: Uint8Array;
  private readonly applications: ReadonlyMap<string, Application>;
  private readonly slots: Record<KeyRef, SecretSlot>;
  private readonly management: { initialization: SecretSlot; reset: SecretSlot };
  private current: Application | null = null;
  private currentFile: number | null = null;
  private readonly verified = new Set<KeyRef>();

  constructor(profile: CardProfile, credentials: CardCredentials) {
    this.atr = atrOf(profile.atr);
    this.slots = secretSlots(profile);
    this.management = {
      initialization: {
        value: Buffer.from(profile.issuance.initializationSecret, 'hex'),
        triesLeft: profile.issuance.initializationTriesLeft,
        maxTries: MANAGEMENT_MAX_TRIES,
      },
      reset: {
        value: Buffer.from(profile.issuance.resetSecret, 'hex'),
        triesLeft: profile.issuance.resetTriesLeft,
        maxTries: MANAGEMENT_MAX_TRIES,
      },
    };
    this.applications = buildApplications(profile, credentials);
  }

  /** Power cycle: the security status and the current DF/EF are gone (§3.3). */
  reset(): void {
    this.current = null;
    this.currentFile = null;
    this.verified.clear();
  }

  /** Set and tries left of each of the four secrets, for tests and the training screens. */
  secretStatus(): Readonly<Record<CardSecretKey, CardSecretStatus>> {
    const status = {} as Record<CardSecretKey, CardSecretStatus>;
    for (const key of CARD_SECRET_KEYS) {
      const slot = this.slots[key];
      status[key] = { set: slot.value !== null, triesLeft: slot.triesLeft };
    }
    return status;
  }

  /** One command APDU in, the response APDU (data, SW1, SW2) out. Never throws. */
  process(command: Uint8Array): Uint8Array {
    // The card's own APDU buffer: the caller's bytes are not kept, and ours are wiped after.
    const buffer = Uint8Array.from(command);
    try {
      const apdu = decodeCommand(buffer);
      if (!apdu) return response(SW.WRONG_LENGTH);
      return this.dispatch(apdu);
    } catch {
      // A bug in the simulator, not card behaviour: a real chip would answer 6F00 too.
      return response(SW.NO_PRECISE_DIAGNOSIS);
    } finally {
      buffer.fill(0);
    }
  }

  private dispatch(apdu: CommandApdu): Uint8Array {
    const { cla, ins } = apdu;
    const classProblem = this.checkClass(cla, ins);
    if (classProblem !== null) return response(classProblem);
    const proprietary = (cla & 0x80) !== 0;
    if (proprietary) {
      if (ins === 0x2a) return this.computeDigitalSignature(apdu);
      return response(SW.INS_NOT_SUPPORTED);
    }
    switch (ins) {
      case 0xa4:
        return this.select(apdu);
      case 0xb0:
        return this.readBinary(apdu);
      case 0xb2:
        return this.readRecord(apdu);
      case 0x20:
        return this.verify(apdu);
      case 0x24:
        return this.changeReferenceData(apdu);
      case 0x2c:
        return this.resetRetryCounter(apdu);
      case 0x84:
        return this.getChallenge(apdu);
      case 0xca:
        return this.getData(apdu);
      case 0x88:
        // Only the 共通カードAP key answers INTERNAL AUTHENTICATE (§3.1); not simulated.
        return response(SW.CONDITIONS_NOT_SATISFIED);
      default:
        return response(SW.INS_NOT_SUPPORTED);
    }
  }

  /** The CLA byte's channel, chaining and secure-messaging bits (§1 notes, §9 item 8). */
  private checkClass(cla: number, ins: number): number | null {
    const interindustry = (cla & 0xe0) === 0x00;
    const proprietary = (cla & 0xe0) === 0x80;
    if ((cla & 0xc0) === 0x40) return SW.CHANNEL_NOT_SUPPORTED;
    if (!interindustry && !proprietary) return SW.CLA_NOT_SUPPORTED;
    if ((cla & 0x10) !== 0) return SW.CHAINING_NOT_SUPPORTED;
    if ((cla & 0x03) !== 0) return SW.CHANNEL_NOT_SUPPORTED;
    if ((cla & 0x0c) !== 0) {
      return ins === 0xa4 ? SW.SECURE_MESSAGING_NOT_SUPPORTED : SW.SM_REFUSED;
    }
    return null;
  }

  // --- SELECT -------------------------------------------------------------------------------

  private select(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data } = apdu;
    if (p1 === 0x04) {
      if (p2 !== 0x0c && p2 !== 0x00) return response(SW.WRONG_P1P2);
      if (data.length === 0) return response(SW.WRONG_LENGTH);
      const aid = Buffer.from(data).toString('hex');
      if (aid === AIDS.issuerSecurityDomain) {
        this.reset();
        return response(SW.OK);
      }
      const application = this.applications.get(aid);
      if (!application) return response(SW.FILE_NOT_FOUND);
      // Selecting a DF, even the current one, drops the security status: OpenSC's logout
      // relies on it (§3.3), and it keeps each application's PIN state to itself.
      this.current = application;
      this.currentFile = null;
      this.verified.clear();
      return response(SW.OK);
    }
    if (p1 === 0x02) {
      if (p2 !== 0x0c && p2 !== 0x00) return response(SW.WRONG_P1P2);
      if (data.length !== 2) return response(SW.WRONG_LENGTH);
      const fid = ((data[0] ?? 0) << 8) | (data[1] ?? 0);
      if (!this.current?.files.has(fid)) return response(SW.FILE_NOT_FOUND);
      this.currentFile = fid;
      return response(SW.OK);
    }
    if (p1 === 0x00) {
      // No usable SELECT MF (§1 notes): 6A86 after reset, 9000 without effect once an AP is
      // selected; an explicit 3F00 is not found.
      if (data.length > 0) return response(SW.FILE_NOT_FOUND);
      return response(this.current ? SW.OK : SW.WRONG_P1P2);
    }
    return response(SW.WRONG_P1P2);
  }

  /** The EF a command addresses by its short EF identifier (P1 or P2 = 80|SFI), or the current one. */
  private fileBySfi(sfi: number | null): { fid: number; file: FileEntry } | number {
    if (!this.current) return sfi === null ? SW.NO_CURRENT_EF : SW.FILE_NOT_FOUND;
    const fid = sfi ?? this.currentFile;
    if (fid === null) return SW.NO_CURRENT_EF;
    const file = this.current.files.get(fid);
    if (!file) return SW.FILE_NOT_FOUND;
    return { fid, file };
  }

  private mayRead(access: Access): boolean {
    return access === 'free' || access.some((key) => this.verified.has(key));
  }

  // --- READ BINARY / READ RECORD ----------------------------------------------------------------

  private readBinary(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data, ne } = apdu;
    if (data.length > 0 || ne === null) return response(SW.WRONG_LENGTH);
    let sfi: number | null = null;
    let offset: number;
    if ((p1 & 0x80) !== 0) {
      if ((p1 & 0x60) !== 0 || (p1 & 0x1f) === 0) return response(SW.WRONG_P1P2);
      sfi = p1 & 0x1f;
      offset = p2;
    } else {
      offset = (p1 << 8) | p2;
    }
    const found = this.fileBySfi(sfi);
    if (typeof found === 'number') return response(found);
    // READ BINARY by SFI makes the EF current (§3.1).
    this.currentFile = found.fid;
    const { file } = found;
    if (file.kind !== 'binary') {
      return response(
        file.kind === 'opaque' ? SW.SECURITY_STATUS_NOT_SATISFIED : SW.INCOMPATIBLE_FILE_STRUCTURE,
      );
    }
    if (!this.mayRead(file.read)) return response(SW.SECURITY_STATUS_NOT_SATISFIED);
    if (offset >= file.data.length) return response(SW.OFFSET_OUT_OF_FILE);
    // Fewer bytes than Le at the end of the file, with 9000 (§3.1).
    return response(SW.OK, file.data.subarray(offset, offset + ne));
  }

  private readRecord(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data, ne } = apdu;
    if (data.length > 0 || ne === null) return response(SW.WRONG_LENGTH);
    if ((p2 & 0x07) !== 0x04) return response(SW.WRONG_P1P2);
    const sfi = p2 >> 3;
    const found = this.fileBySfi(sfi === 0 ? null : sfi);
    if (typeof found === 'number') return response(found);
    this.currentFile = found.fid;
    const { file } = found;
    if (file.kind !== 'records') return response(SW.INCOMPATIBLE_FILE_STRUCTURE);
    if (!this.mayRead(file.read)) return response(SW.SECURITY_STATUS_NOT_SATISFIED);
    const record = p1 === 0 ? undefined : file.records[p1 - 1];
    if (!record) return response(SW.RECORD_NOT_FOUND);
    return response(SW.OK, record.subarray(0, ne));
  }

  // --- Secrets -------------------------------------------------------------------------------

  /** The key IEF a VERIFY/CHANGE/RESET addresses: P2 = 80 (current EF) or 80|SFI. */
  private keyByP2(p2: number): KeyRef | number {
    if ((p2 & 0x80) === 0 || (p2 & 0x60) !== 0) return SW.WRONG_P1P2;
    const sfi = p2 & 0x1f;
    const found = this.fileBySfi(sfi === 0 ? null : sfi);
    if (typeof found === 'number')
      return found === SW.NO_CURRENT_EF ? SW.REFERENCED_DATA_NOT_FOUND : found;
    return found.file.kind === 'pin' ? found.file.key : SW.REFERENCED_DATA_NOT_FOUND;
  }

  private verify(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data } = apdu;
    if (p1 !== 0x00) return response(SW.WRONG_P1P2);
    const key = this.keyByP2(p2);
    if (typeof key === 'number') return response(key);
    const slot = this.slots[key];
    // Not set yet (a new card): our issuance profile answers 6A88 "reference data not found".
    if (slot.value === null) return response(SW.REFERENCED_DATA_NOT_FOUND);
    if (data.length === 0) {
      if (apdu.ne !== null) return response(SW.WRONG_LENGTH);
      // Status query: the counter, without using a try, even after a successful VERIFY (§3.3).
      return response(triesLeftSw(slot.triesLeft));
    }
    if (slot.triesLeft === 0) return response(SW.BLOCKED);
    if (matches(slot.value, data)) {
      slot.triesLeft = slot.maxTries;
      this.verified.add(key);
      return response(SW.OK);
    }
    slot.triesLeft -= 1;
    this.verified.delete(key);
    return response(triesLeftSw(slot.triesLeft));
  }

  /**
   * CHANGE REFERENCE DATA. P1=01: new value only, after VERIFY of the same key in this
   * session (§3.1). P1=00: our issuance profile's first setting of a secret that is not set
   * yet, authorized by the card's initialization secret (docs/card-issuance-profile.md).
   */
  private changeReferenceData(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data } = apdu;
    if (p1 !== 0x00 && p1 !== 0x01) return response(SW.WRONG_P1P2);
    const key = this.keyByP2(p2);
    if (typeof key === 'number') return response(key);
    if (!isApplicantSecret(key)) return response(SW.CONDITIONS_NOT_SATISFIED);
    const slot = this.slots[key];
    if (p1 === 0x01) {
      if (slot.value === null) return response(SW.CONDITIONS_NOT_SATISFIED);
      if (!this.verified.has(key)) return response(SW.SECURITY_STATUS_NOT_SATISFIED);
      return this.store(key, data);
    }
    if (slot.value !== null) return response(SW.CONDITIONS_NOT_SATISFIED);
    return this.withManagementSecret('initialization', key, data);
  }

  /** RESET RETRY COUNTER P1=00: reset secret + new value (docs/card-issuance-profile.md). */
  private resetRetryCounter(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data } = apdu;
    if (p1 !== 0x00) return response(SW.WRONG_P1P2);
    const key = this.keyByP2(p2);
    if (typeof key === 'number') return response(key);
    if (!isApplicantSecret(key)) return response(SW.CONDITIONS_NOT_SATISFIED);
    if (this.slots[key].value === null) return response(SW.CONDITIONS_NOT_SATISFIED);
    return this.withManagementSecret('reset', key, data);
  }

  private withManagementSecret(
    which: 'initialization' | 'reset',
    key: CardSecretKey,
    data: Uint8Array,
  ): Uint8Array {
    if (data.length <= ISSUANCE_SECRET_LENGTH) return response(SW.WRONG_LENGTH);
    const authority = this.management[which];
    if (authority.triesLeft === 0) return response(SW.BLOCKED);
    // Check the new value's format first: a malformed request must not cost a try.
    const newValue = data.subarray(ISSUANCE_SECRET_LENGTH);
    if (!isValidSecret(key, newValue)) return response(SW.WRONG_DATA);
    if (!matches(authority.value ?? new Uint8Array(0), data.subarray(0, ISSUANCE_SECRET_LENGTH))) {
      authority.triesLeft -= 1;
      return response(triesLeftSw(authority.triesLeft));
    }
    authority.triesLeft = authority.maxTries;
    return this.store(key, newValue);
  }

  private store(key: CardSecretKey, value: Uint8Array): Uint8Array {
    if (!isValidSecret(key, value)) return response(SW.WRONG_DATA);
    const slot = this.slots[key];
    slot.value?.fill(0);
    slot.value = Uint8Array.from(value);
    slot.triesLeft = slot.maxTries;
    // A changed secret must be verified again before it unlocks anything.
    this.verified.delete(key);
    return response(SW.OK);
  }

  // --- Signing and the rest -------------------------------------------------------------------

  /** 80 2A 00 80|SFI: PKCS#1 v1.5 type-01 padding over the data as sent (§5.8). */
  private computeDigitalSignature(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data } = apdu;
    if (p1 !== 0x00) return response(SW.WRONG_P1P2);
    if ((p2 & 0x80) === 0 || (p2 & 0x60) !== 0) return response(SW.WRONG_P1P2);
    const sfi = p2 & 0x1f;
    const found = this.fileBySfi(sfi === 0 ? null : sfi);
    if (typeof found === 'number')
      return response(found === SW.NO_CURRENT_EF ? SW.CONDITIONS_NOT_SATISFIED : found);
    const { file } = found;
    if (file.kind !== 'signing-key') return response(SW.CONDITIONS_NOT_SATISFIED);
    if (!this.verified.has(file.unlockedBy)) return response(SW.SECURITY_STATUS_NOT_SATISFIED);
    if (data.length === 0 || data.length > MAX_SIGNING_INPUT) return response(SW.WRONG_LENGTH);
    const signature = privateEncrypt({ key: file.key, padding: constants.RSA_PKCS1_PADDING }, data);
    return response(SW.OK, new Uint8Array(signature));
  }

  private getChallenge(apdu: CommandApdu): Uint8Array {
    const { p1, p2, data, ne, extended } = apdu;
    if (p1 !== 0 || p2 !== 0) return response(SW.WRONG_P1P2);
    if (data.length > 0 || ne === null) return response(SW.WRONG_LENGTH);
    if (extended) return response(SW.CONDITIONS_NOT_SATISFIED);
    return response(SW.OK, new Uint8Array(randomBytes(ne)));
  }

  /** GET DATA 5F51: the contact ATR without its leading 3B (§2.5); nothing else is simulated. */
  private getData(apdu: CommandApdu): Uint8Array {
    const { p1, p2, ne } = apdu;
    if (ne === null) return response(SW.WRONG_LENGTH);
    if (p1 === 0x5f && p2 === 0x51) return response(SW.OK, this.atr.subarray(1, 1 + ne));
    return response(SW.REFERENCED_DATA_NOT_FOUND);
  }
}

function isApplicantSecret(key: KeyRef): key is CardSecretKey {
  return (CARD_SECRET_KEYS as readonly string[]).includes(key);
}

const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;
const isCapital = (byte: number): boolean => byte >= 0x41 && byte <= 0x5a;

/**
 * The card's format rules for a new value (reference §3.3; profile.ts secretFormatProblem
 * states the same for profile files), checked on the bytes: no string copy of a secret,
 * which could not be wiped.
 */
function isValidSecret(key: CardSecretKey, value: Uint8Array): boolean {
  if (key !== 'signaturePassword') return value.length === 4 && value.every(isDigit);
  return (
    value.length >= 6 &&
    value.length <= 16 &&
    value.every((byte) => isDigit(byte) || isCapital(byte)) &&
    value.some(isDigit) &&
    value.some(isCapital)
  );
}

/** Constant-time comparison of a submitted secret with the stored one (bytes, as the card does). */
function matches(stored: Uint8Array, submitted: Uint8Array): boolean {
  if (stored.length !== submitted.length) return false;
  return timingSafeEqual(stored, submitted);
}

function atrOf(setting: CardProfile['atr']): Uint8Array {
  const hex = setting in ATRS ? ATRS[setting as keyof typeof ATRS] : setting;
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

function secretSlots(profile: CardProfile): Record<KeyRef, SecretSlot> {
  const applicant = (key: CardSecretKey): SecretSlot => {
    const secret = profile.secrets[key];
    return secret.state === 'set'
      ? { value: ascii(secret.value), triesLeft: secret.triesLeft, maxTries: MAX_TRIES[key] }
      : { value: null, triesLeft: MAX_TRIES[key], maxTries: MAX_TRIES[key] };
  };
  const birth = civilDate(profile.birthDate);
  const b = collationNumberB({
    birthDate: birth,
    nationality: profile.nationality,
    expiryYear: civilDate(profile.expiryDate).year,
    securityCode: profile.securityCode,
  });
  const birthKey = birthDateKey(birth, profile.nationality);
  // The profile schema has already refused birth dates that cannot form these.
  const derived = (value: string, triesLeft: number): SecretSlot => ({
    value: ascii(value),
    triesLeft,
    maxTries: COLLATION_MAX_TRIES,
  });
  return {
    signaturePassword: applicant('signaturePassword'),
    userAuthenticationPin: applicant('userAuthenticationPin'),
    cardInfoInputPin: applicant('cardInfoInputPin'),
    residentRegistryPin: applicant('residentRegistryPin'),
    collationA: derived(profile.myNumber, profile.collationTriesLeft.a),
    collationB: derived(b.ok ? b.value : '', profile.collationTriesLeft.b),
    birthDateKey: derived(
      birthKey.ok ? birthKey.value : '',
      profile.collationTriesLeft.birthDateKey,
    ),
    textBlocked: { value: new Uint8Array(4), triesLeft: 0, maxTries: 3 },
  };
}

function buildApplications(
  profile: CardProfile,
  credentials: CardCredentials,
): ReadonlyMap<string, Application> {
  const files = buildCardFiles(profile, credentials);
  const binary = (data: Uint8Array | undefined, read: Access): FileEntry =>
    data ? { kind: 'binary', data, read } : { kind: 'opaque' };
  const pin = (key: KeyRef): FileEntry => ({ kind: 'pin', key });

  const jpki: Application = {
    name: 'jpki',
    files: new Map<number, FileEntry>([
      [0x0001, binary(files.jpki.get(0x0001), ['signaturePassword'])],
      [0x0002, binary(files.jpki.get(0x0002), 'free')],
      [0x0006, binary(files.jpki.get(0x0006), 'free')],
      [0x0008, binary(files.jpki.get(0x0008), 'free')],
      [0x0009, { kind: 'opaque' }],
      [0x000a, binary(files.jpki.get(0x000a), 'free')],
      [0x000b, binary(files.jpki.get(0x000b), 'free')],
      [0x0016, { kind: 'opaque' }],
      [
        0x0017,
        { kind: 'signing-key', key: credentials.authKey, unlockedBy: 'userAuthenticationPin' },
      ],
      [0x0018, pin('userAuthenticationPin')],
      [0x001a, { kind: 'signing-key', key: credentials.signKey, unlockedBy: 'signaturePassword' }],
      [0x001b, pin('signaturePassword')],
    ]),
  };
  const textPinOr = (...keys: KeyRef[]): Access => ['cardInfoInputPin', ...keys];
  const text: Application = {
    name: 'text',
    files: new Map<number, FileEntry>([
      [0x0001, binary(files.text.get(0x0001), textPinOr('collationA'))],
      [0x0002, binary(files.text.get(0x0002), textPinOr('collationB'))],
      [0x0003, binary(files.text.get(0x0003), textPinOr('collationA', 'collationB'))],
      [0x0004, binary(files.text.get(0x0004), 'free')],
      [0x0005, binary(files.text.get(0x0005), 'free')],
      [0x0008, binary(files.text.get(0x0008), 'free')],
      [0x0011, pin('cardInfoInputPin')],
      [0x0012, pin('textBlocked')],
      [0x0014, pin('collationA')],
      [0x0015, pin('collationB')],
    ]),
  };
  // §2.3 measured scope: A opens 0002-0005 (and 0006, not simulated), B the same without
  // 0005, the birth-date key only 0001.
  const visual: Application = {
    name: 'visual',
    files: new Map<number, FileEntry>([
      [0x0001, binary(files.visual.get(0x0001), ['birthDateKey'])],
      [0x0002, binary(files.visual.get(0x0002), ['collationA', 'collationB'])],
      [0x0003, binary(files.visual.get(0x0003), 'free')],
      [0x0004, binary(files.visual.get(0x0004), 'free')],
      [0x0005, binary(files.visual.get(0x0005), ['collationA'])],
      [0x0011, pin('birthDateKey')],
      [0x0012, pin('collationB')],
      [0x0013, pin('collationA')],
    ]),
  };
  // The resident-registry PIN: one secret, reachable as IEF 001C of both APs (§2.4).
  const common: Application = {
    name: 'common',
    files: new Map<number, FileEntry>([
      [0x0001, { kind: 'records', records: [files.commonRecord], read: 'free' }],
      [0x0002, { kind: 'opaque' }],
      [0x0019, { kind: 'opaque' }],
      [0x001c, pin('residentRegistryPin')],
    ]),
  };
  const residentRegistry: Application = {
    name: 'residentRegistry',
    files: new Map<number, FileEntry>([
      [0x0002, { kind: 'opaque' }],
      [0x001c, pin('residentRegistryPin')],
    ]),
  };
  return new Map(
    [jpki, text, visual, common, residentRegistry].map((application) => [
      AIDS[application.name],
      application,
    ]),
  );
}
