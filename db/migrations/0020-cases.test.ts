import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { ACTORS, APPLICATION_KINDS, CARD_STATES } from '../../domain/case-lifecycle';
import type { Db } from '../open';
import { APPLICATION_CHANNELS, CASE_EVENT_TYPES } from './0020-cases';

const HMAC = Buffer.alloc(32, 7);

function addPerson(db: Db, personId = 'p1', hmac = HMAC): void {
  db.prepare(
    `INSERT INTO person (person_id, name_kanji, name_kana, birth_date, sex, address, overseas,
                         my_number, my_number_hmac, created_at)
     VALUES (?, '山田太郎', 'ヤマダタロウ', '1980-02-17', 'male', '東京都', 0, '123456789018', ?,
             '2026-01-05T00:00:00Z')`,
  ).run(personId, hmac);
}

function addApplication(db: Db, kind = 'new', channel = 'counter', id = 'A1'): void {
  db.prepare(
    `INSERT INTO application (application_id, person_id, kind, channel, received_at,
                              office_code, status)
     VALUES (?, 'p1', ?, ?, '2026-01-05T00:00:00Z', '131016', 'received')`,
  ).run(id, kind, channel);
}

function addCard(db: Db, state: string, serial = 'C1'): void {
  db.prepare("INSERT INTO card (card_serial, application_id, state) VALUES (?, 'A1', ?)").run(
    serial,
    state,
  );
}

function rawEvent(db: Db, seq: number, overrides: Record<string, unknown> = {}) {
  const last = db.prepare('SELECT hash FROM case_event ORDER BY seq DESC LIMIT 1').get() as
    { hash: Buffer } | undefined;
  return {
    seq,
    event_id: `e${seq}`,
    terminal_id: 't',
    actor_staff_id: 's1',
    actor_role: 'clerk',
    case_ref: 'A1',
    type: 'receive',
    payload: '{}',
    case_version_seen: null,
    terminal_time: '2026-01-05T00:00:00Z',
    prev_hash: last?.hash ?? Buffer.alloc(32),
    hash: Buffer.alloc(32, seq),
    signature: Buffer.alloc(64),
    ...overrides,
  };
}

function insertEvent(db: Db, row: ReturnType<typeof rawEvent>): void {
  db.prepare(
    `INSERT INTO case_event (seq, event_id, terminal_id, actor_staff_id, actor_role, case_ref,
                             type, payload, case_version_seen, terminal_time, prev_hash, hash,
                             signature)
     VALUES (@seq, @event_id, @terminal_id, @actor_staff_id, @actor_role, @case_ref, @type,
             @payload, @case_version_seen, @terminal_time, @prev_hash, @hash, @signature)`,
  ).run(row);
}

describe('migration 0020: the case store', () => {
  it('accepts every application kind, channel and card state the domain knows, and refuses others', () => {
    const db = tempStore();
    addPerson(db);
    APPLICATION_KINDS.forEach((kind, i) => addApplication(db, kind, 'counter', `K${i}`));
    APPLICATION_CHANNELS.forEach((channel, i) => addApplication(db, 'new', channel, `H${i}`));
    expect(() => addApplication(db, 'express', 'counter', 'X1')).toThrow(/CHECK constraint/);
    expect(() => addApplication(db, 'new', 'fax', 'X2')).toThrow(/CHECK constraint/);

    addApplication(db);
    CARD_STATES.forEach((state, i) => addCard(db, state, `C${i}`));
    expect(() => addCard(db, 'lost-in-the-post', 'CX')).toThrow(/CHECK constraint/);
  });

  it('refuses a malformed My Number, birth date or lookup hash on a person', () => {
    const db = tempStore();
    const insert = (myNumber: string, birthDate: string, hmac: Buffer) =>
      db
        .prepare(
          `INSERT INTO person (person_id, name_kanji, name_kana, birth_date, sex, address,
                               overseas, my_number, my_number_hmac, created_at)
           VALUES (lower(hex(randomblob(8))), '山田', 'ヤマダ', ?, 'female', '大阪', 0, ?, ?, 'now')`,
        )
        .run(birthDate, myNumber, hmac);
    expect(() => insert('12345678901', '1980-02-17', HMAC)).toThrow(/CHECK constraint/);
    expect(() => insert('12345678901a', '1980-02-17', HMAC)).toThrow(/CHECK constraint/);
    expect(() => insert('123456789018', '17/02/1980', HMAC)).toThrow(/CHECK constraint/);
    expect(() => insert('123456789018', '1980-02-17', Buffer.alloc(16))).toThrow(
      /CHECK constraint/,
    );
    insert('123456789018', '1980-02-17', HMAC);
    expect(() => insert('123456789018', '1980-02-17', HMAC)).toThrow(/UNIQUE constraint/);
  });

  it('does not let a card or application point at nothing', () => {
    const db = tempStore();
    expect(() => addApplication(db)).toThrow(/FOREIGN KEY/);
    addPerson(db);
    addApplication(db);
    expect(() =>
      db
        .prepare(
          "INSERT INTO card (card_serial, application_id, state) VALUES ('C', 'A9', 'ordered')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY/);
  });

  it('keeps exactly one index on anything My Number: the unique index on its HMAC', () => {
    const db = tempStore();
    const columns = db
      .prepare(
        `SELECT il.name AS index_name, ii.name AS column_name
         FROM sqlite_schema AS s, pragma_index_list(s.name) AS il, pragma_index_info(il.name) AS ii
         WHERE s.type = 'table' AND ii.name LIKE '%my_number%'`,
      )
      .all();
    expect(columns).toEqual([
      { index_name: 'person_by_my_number_hmac', column_name: 'my_number_hmac' },
    ]);
  });

  it('records events only in sequence, chained, and never changes or deletes one', () => {
    const db = tempStore();
    insertEvent(db, rawEvent(db, 1));
    expect(() => insertEvent(db, rawEvent(db, 3))).toThrow(/next in sequence/);
    expect(() => insertEvent(db, rawEvent(db, 2, { prev_hash: Buffer.alloc(32) }))).toThrow(
      /hash of the previous event/,
    );
    expect(() => insertEvent(db, rawEvent(db, 2, { event_id: 'e1' }))).toThrow(/already recorded/);
    expect(() =>
      db
        .prepare(
          `INSERT OR REPLACE INTO case_event (seq, event_id, terminal_id, actor_staff_id,
             actor_role, case_ref, type, payload, case_version_seen, terminal_time, prev_hash,
             hash, signature)
           SELECT 2, event_id, terminal_id, actor_staff_id,
             actor_role, case_ref, type, payload, case_version_seen, terminal_time, hash,
             hash, signature FROM case_event WHERE seq = 1`,
        )
        .run(),
    ).toThrow(/already recorded/);
    insertEvent(db, rawEvent(db, 2));

    expect(() =>
      db.prepare('UPDATE case_event SET payload = \'{"x":1}\' WHERE seq = 1').run(),
    ).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM case_event WHERE seq = 2').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT count(*) AS n FROM case_event').get()).toEqual({ n: 2 });
  });

  it('refuses an event of an unknown type or actor, or with a payload that is not JSON', () => {
    const db = tempStore();
    expect(() => insertEvent(db, rawEvent(db, 1, { type: 'teleport' }))).toThrow(/FOREIGN KEY/);
    expect(() => insertEvent(db, rawEvent(db, 1, { actor_role: 'visitor' }))).toThrow(/CHECK/);
    expect(() => insertEvent(db, rawEvent(db, 1, { payload: 'not json' }))).toThrow(/CHECK/);
    ACTORS.forEach((role, i) => insertEvent(db, rawEvent(db, i + 1, { actor_role: role })));
    const types = db.prepare('SELECT type FROM case_event_type ORDER BY type').pluck().all();
    // Later migrations add types of their own (0040: personal-data-purged, case-imported).
    expect(types).toEqual(expect.arrayContaining([...CASE_EVENT_TYPES]));
  });

  it('records a sync acknowledgement beside the event, leaving the event untouched', () => {
    const db = tempStore();
    insertEvent(db, rawEvent(db, 1));
    db.prepare(
      "INSERT INTO outbox_ack (seq, server_seq, outcome, acked_at) VALUES (1, 901, 'applied', 'now')",
    ).run();
    expect(() =>
      db
        .prepare("INSERT INTO outbox_ack (seq, outcome, acked_at) VALUES (2, 'applied', 'now')")
        .run(),
    ).toThrow(/FOREIGN KEY/);
    insertEvent(db, rawEvent(db, 2));
    expect(() =>
      db.prepare("INSERT INTO outbox_ack (seq, outcome, acked_at) VALUES (2, 'lost', 'now')").run(),
    ).toThrow(/CHECK constraint/);
  });

  it('never changes the terminal signing key or the My Number lookup secret once stored', () => {
    const db = tempStore();
    db.prepare(
      "INSERT INTO terminal_signing_key VALUES (1, 't', zeroblob(32), X'00', 'now')",
    ).run();
    db.prepare("INSERT INTO my_number_hmac_key VALUES (1, zeroblob(32), 'now')").run();
    expect(() => db.prepare("UPDATE terminal_signing_key SET terminal_id = 'u'").run()).toThrow(
      /never changes/,
    );
    expect(() => db.prepare('DELETE FROM terminal_signing_key').run()).toThrow(/never changes/);
    expect(() => db.prepare('UPDATE my_number_hmac_key SET secret = randomblob(32)').run()).toThrow(
      /never changes/,
    );
    expect(() => db.prepare('DELETE FROM my_number_hmac_key').run()).toThrow(/never changes/);
    expect(() =>
      db.prepare("INSERT INTO my_number_hmac_key VALUES (2, zeroblob(32), 'now')").run(),
    ).toThrow(/CHECK/);
  });

  it('makes every case table STRICT', () => {
    const db = tempStore();
    const tables = db
      .prepare(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
      )
      .all() as { name: string; strict: number }[];
    expect(tables.filter((t) => t.strict !== 1)).toEqual([]);
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'person',
        'application',
        'card',
        'identity_check',
        'handover',
        'suspension',
        'case_event',
        'outbox_ack',
      ]),
    );
  });
});
