// What the clerk reads when the app cannot start (before any window exists, so no i18n yet):
// Japanese first, English second, and always what to do next. The technical message goes to
// the log, not into the dialog.

import { StoreError, type StoreErrorCode } from '../../db/errors';
import { KeystoreError, type KeystoreErrorCode } from './wrapped-key';

export interface StartupDialog {
  title: string;
  message: string;
}

const CALL_SUPERVISOR =
  '管理者（スーパーバイザー）に連絡してください。 / Please call a supervisor.';

const KEYSTORE_TEXT: Record<KeystoreErrorCode, string> = {
  KEYRING_INSECURE:
    'この端末には安全なキーリング（GNOME キーリングまたは KWallet）がないため、データを保護できません。\n' +
    'This computer has no secure keyring (GNOME Keyring or KWallet), so the case data cannot be protected.',
  KEYRING_UNAVAILABLE:
    'OS のキーリングを利用できません。ログインし直してから、もう一度起動してください。\n' +
    "The operating system's keyring is not available. Sign out and in again, then restart Madoguchi.",
  KEYRING_CHANGED:
    'データの鍵を保護しているキーリングが変更されました（デスクトップ環境の変更など）。\n' +
    'The keyring protecting the data key has changed (for example a different desktop environment).',
  KEY_UNWRAP_FAILED:
    'キーリングからデータの鍵を取り出せません。\nThe keyring can no longer unlock the data key.',
  KEY_FILE_DAMAGED: 'データの鍵ファイルが壊れています。\nThe data key file is damaged.',
};

const STORE_TEXT: Record<StoreErrorCode, string> = {
  STORE_WRONG_KEY:
    'データファイルをこの端末の鍵で開けません。\nThe case store cannot be opened with this terminal key.',
  STORE_FROM_NEWER_VERSION:
    'データは新しいバージョンの Madoguchi で作成されています。新しいバージョンを起動してください。\n' +
    'The case store was written by a newer Madoguchi. Start the newer version.',
  STORE_BAD_KEY: 'データの鍵の長さが正しくありません。\nThe data key has the wrong length.',
};

export function startupDialog(error: unknown): StartupDialog {
  const title = 'Madoguchi を起動できません / Madoguchi cannot start';
  if (error instanceof KeystoreError) {
    return { title, message: `${KEYSTORE_TEXT[error.code]}\n\n${CALL_SUPERVISOR}` };
  }
  if (error instanceof StoreError) {
    return { title, message: `${STORE_TEXT[error.code]}\n\n${CALL_SUPERVISOR}` };
  }
  return {
    title,
    message: `予期しないエラーが発生しました。詳細はログに記録されています。\nAn unexpected error occurred; the details are in the log.\n\n${CALL_SUPERVISOR}`,
  };
}
