/**
 * A sync review item's reason as main stores it: central's reason codes, most important first,
 * comma-separated (sync/protocol.ts REASON_CODES; main/sync/upload.ts). Each is shown through
 * the catalogs' sync.reasons, never raw.
 */
export function reasonCodes(reason: string): string[] {
  return reason
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '');
}
