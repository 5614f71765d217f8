export type StoreErrorCode = 'STORE_WRONG_KEY' | 'STORE_FROM_NEWER_VERSION' | 'STORE_BAD_KEY';

/** A store failure with a code the doctor and the app can explain to an administrator. */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}
