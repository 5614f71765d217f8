// Where things live on the My Number Card: applications (by AID), files and PIN objects (by
// file ID). Every byte is from ../shared/reference/mynumber-card-protocol.md §1-§3 (public
// reverse-engineered sources; J-LIS publishes no card specification).

export type Application = 'jpki' | 'text' | 'visual';

/** Full 10-byte AIDs: the card selects by prefix, so a shortened AID could open another DF. */
export const AIDS: Readonly<Record<Application, Uint8Array>> = {
  jpki: Uint8Array.from([0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]),
  text: Uint8Array.from([0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]),
  visual: Uint8Array.from([0xd3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02]),
};

export const APPLICATION_LABELS: Readonly<Record<Application, string>> = {
  jpki: 'JPKI (公的個人認証)',
  text: 'card information (券面事項入力補助)',
  visual: 'card face (券面事項確認)',
};

/** An elementary file: its application and file ID (every FID here is also a valid SFI). */
export interface FileRef {
  readonly app: Application;
  readonly fid: number;
  readonly label: string;
}

export const FILES = {
  signCertificate: { app: 'jpki', fid: 0x01, label: 'signature certificate' },
  signCa: { app: 'jpki', fid: 0x02, label: 'signature CA certificate' },
  tokenInfo: { app: 'jpki', fid: 0x06, label: 'token information' },
  authCertificate: { app: 'jpki', fid: 0x0a, label: 'authentication certificate' },
  authCa: { app: 'jpki', fid: 0x0b, label: 'authentication CA certificate' },
  authKey: { app: 'jpki', fid: 0x17, label: 'authentication key' },
  signKey: { app: 'jpki', fid: 0x1a, label: 'signature key' },
  myNumber: { app: 'text', fid: 0x01, label: 'My Number record' },
  basicFour: { app: 'text', fid: 0x02, label: 'basic information record' },
  cardFace: { app: 'visual', fid: 0x02, label: 'card face record' },
} as const satisfies Record<string, FileRef>;

export type PinId =
  | 'jpkiAuth'
  | 'jpkiSign'
  | 'textPin'
  | 'textCollationA'
  | 'textCollationB'
  | 'visualCollationA'
  | 'visualCollationB';

export interface PinRef extends FileRef {
  readonly id: PinId;
  /** Tries a fresh counter allows, where the sources agree on it. */
  readonly maxTries: number | undefined;
}

export const PINS: Readonly<Record<PinId, PinRef>> = {
  jpkiAuth: {
    id: 'jpkiAuth',
    app: 'jpki',
    fid: 0x18,
    label: 'user-authentication PIN',
    maxTries: 3,
  },
  jpkiSign: {
    id: 'jpkiSign',
    app: 'jpki',
    fid: 0x1b,
    label: 'signature password',
    maxTries: 5,
  },
  textPin: { id: 'textPin', app: 'text', fid: 0x11, label: 'card-information PIN', maxTries: 3 },
  textCollationA: {
    id: 'textCollationA',
    app: 'text',
    fid: 0x14,
    label: 'collation number A (card information)',
    maxTries: undefined,
  },
  textCollationB: {
    id: 'textCollationB',
    app: 'text',
    fid: 0x15,
    label: 'collation number B (card information)',
    maxTries: undefined,
  },
  visualCollationA: {
    id: 'visualCollationA',
    app: 'visual',
    fid: 0x13,
    label: 'collation number A (card face)',
    maxTries: undefined,
  },
  visualCollationB: {
    id: 'visualCollationB',
    app: 'visual',
    fid: 0x12,
    label: 'collation number B (card face)',
    maxTries: undefined,
  },
};

/** The PINs a clerk and applicant deal with at the counter, in the order shown. */
export const COUNTER_PINS: readonly PinId[] = ['jpkiAuth', 'jpkiSign', 'textPin'];
