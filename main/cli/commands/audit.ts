// `madoguchi audit verify`: walks the case_event hash chain and its signatures and names the
// first broken link, for an auditor or an administrator after an incident.

import { join } from 'node:path';
import { openStore } from '../../../db/open';
import { verifyAuditChain } from '../../audit/verify';
import { STORE_FILE } from '../../config/data-dir';
import type { Command } from '../command';
import { withKey } from '../store-key';
import { UsageError } from '../usage-error';

const USAGE = 'madoguchi audit verify';

const REASONS = {
  gap: 'an event is missing (the sequence has a gap)',
  'prev-hash-mismatch': 'the event does not follow the one before it (previous hash differs)',
  'hash-mismatch': 'the event was changed after it was written (hash differs)',
  'bad-signature': "the event's signature is not this terminal's",
} as const;

export const auditCommand: Command = {
  summary: 'Verify the audit chain (hashes and signatures of every case event)',
  usage: USAGE,
  help: () =>
    `Usage: ${USAGE}\n\nChecks every case event's hash, its link to the previous event and its signature,\nand names the first broken link. Exit 1 when the chain is broken.`,
  async run(args, global, io) {
    if (args[0] !== 'verify' || args.length > 1) {
      throw new UsageError(
        `${args[0] === undefined ? 'Name an audit subcommand.' : `Unknown audit arguments "${args.join(' ')}".`}\nUsage: ${USAGE}`,
      );
    }
    const storePath = join(global.dataDir, STORE_FILE);
    const result = await withKey({ global, io, storePath }, (key) => {
      const db = openStore({ path: storePath, key, readonly: true });
      try {
        return verifyAuditChain(db);
      } finally {
        db.close();
      }
    });
    if (global.json) io.stdout(JSON.stringify(result, null, 2));
    else if (result.ok)
      io.stdout(`Audit chain intact: ${result.events} event(s), last sequence ${result.lastSeq}.`);
    else io.stdout(`Audit chain BROKEN at event ${result.seq}: ${REASONS[result.reason]}.`);
    return result.ok ? 0 : 1;
  },
};
