import type { Migration } from './index';

// The JPKI root certificates this terminal accepts (main/card/trust/, issue 4 "Trust store").
// One row per certificate, keyed by the SHA-256 of its DER: all JPKI root generations share
// one subject name, so the name cannot be the key. The parsed columns (subject, serial,
// validity) are for listing; validation always re-reads `der`.
//
// `test` marks a test or training root (O=JPKI-TEST, or our generated test JPKI): accepted
// only by a terminal in training or test mode. `source` says who put it there.

const migration: Migration = {
  version: 50,
  name: 'trust-anchors',
  up(db) {
    db.exec(`
      CREATE TABLE trust_anchor (
        fingerprint TEXT PRIMARY KEY CHECK (length(fingerprint) = 64),
        der         BLOB NOT NULL,
        subject     TEXT NOT NULL,
        serial      TEXT NOT NULL,
        not_before  TEXT NOT NULL,
        not_after   TEXT NOT NULL,
        source      TEXT NOT NULL CHECK (source IN ('administrator', 'central')),
        test        INTEGER NOT NULL CHECK (test IN (0, 1)),
        added_at    TEXT NOT NULL
      ) STRICT;
    `);
  },
};

export default migration;
