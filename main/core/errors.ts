import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallError, ErrorCode } from '../../preload/contract';

/**
 * An error a service throws on purpose: it crosses the bridge as `{ code, message }`.
 * The message must be safe to show and to log: never a My Number, a name or a PIN.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: CallError['details'];

  constructor(code: ErrorCode, message: string, details?: CallError['details']) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toCallError(): CallError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/**
 * The store's disk failing under a call (SQLite's SQLITE_FULL, SQLITE_READONLY*, SQLITE_IOERR*
 * as better-sqlite3 reports them in `code`): a typed error the clerk can act on instead of
 * INTERNAL. The transaction was rolled back, so nothing of the call was saved and nothing
 * saved before is touched. Null for any other error.
 */
export function storeFaultError(error: unknown, storeDir?: string): AppError | null {
  let code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  // A disk the kernel turned read-only (errors=remount-ro) fails the write of an open store
  // as an I/O error; the directory says why.
  if (code.startsWith('SQLITE_IOERR') && storeDir && readOnlyDirectory(storeDir)) {
    code = 'SQLITE_READONLY';
  }
  if (code === 'SQLITE_FULL') {
    return new AppError(
      'STORE_FULL',
      'The disk that holds the case store is full, so this was not saved. Everything saved before is safe. Free space on the disk (or ask IT to), then do it again.',
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new AppError(
      'STORE_READ_ONLY',
      'The disk that holds the case store has become read-only, so this was not saved. Everything saved before is safe. Ask IT to check the disk; once it is writable again, do it again.',
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new AppError(
      'STORE_IO_ERROR',
      'The disk that holds the case store could not be written, so this was not saved. Everything saved before is safe. Ask IT to check the disk (full, read-only or failing), then do it again.',
    );
  }
  return null;
}

/**
 * Whether files can no longer be created in `dir` because its file system is read-only. A
 * probe, not access(2): ext4's emergency read-only state after an error refuses writes while
 * the mount still says rw.
 */
function readOnlyDirectory(dir: string): boolean {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EROFS';
  }
}
