import type { Migration } from './index';

// Which local transaction wrote each case event, so sync never splits one across upload
// batches (reference/sync-protocol.md §3.1 rule 3, docs/sync-protocol.md "tx"). Most
// transactions write one event; tx_seq is NULL for those ("its own transaction"). An event
// written in the same transaction as an earlier one (a loss report's suspension and its
// report) carries the seq of the transaction's first event. Not part of the hash: it only
// decides batching, and central refuses a batch that starts or ends inside a group.
//
// ADD COLUMN leaves the append-only triggers of 0020 in force, and its CHECK applies to new
// rows only, which is all there can be: no event before this migration shared a transaction
// that sync needed to know about.

const migration: Migration = {
  version: 80,
  name: 'event-transactions',
  up(db) {
    db.exec(`
      ALTER TABLE case_event ADD COLUMN tx_seq INTEGER
        CHECK (tx_seq IS NULL OR (tx_seq >= 1 AND tx_seq < seq));
    `);
  },
};

export default migration;
