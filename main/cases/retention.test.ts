import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openUnencryptedStoreForTest } from '../../db/testing';
import type { Db } from '../../db/open';
import { CARD_STATES, REQUIREMENTS, type CaseEvent } from '../../domain/case-lifecycle';
import { tempDir } from '../../test/support/temp-dir';
import { verifyAuditChain } from '../audit/verify';
import { knownStore } from '../audit/testing';
import { createLogger } from '../log/logger';
import { setRetentionDays } from '../settings/retention';
import { CaseStore, type PersonInput } from './case-store';
import { CLOSED_CARD_STATES, isCaseClosed, purgeClosedCases, PurgeRefused } from './retention';
import { searchCases } from './search';
import { seedCases } from './seed';
import { application, central, clerk, person, supervisor } from './testing';

const ALL = new Set(REQUIREMENTS);
const silent = createLogger({ sink: () => undefined, level: 'error' });
const TO_CUSTODY: readonly [CaseEvent, typeof central | typeof clerk][] = [
  ['start-production', central],
  ['dispatch', central],
  ['receive', clerk],
  ['arrival-check-pass', clerk],
];

/** A CaseStore whose clock the test moves. */
function office(db: Db) {
  let clock = new Date('2024-01-10T09:00:00.000Z');
  const store = new CaseStore({ db, log: silent, now: () => clock });
  return {
    store,
    at(iso: string) {
      clock = new Date(iso);
    },
    /** A case whose card went through `steps` after custody; returns its IDs. */
    caseTo(p: PersonInput, serial: string, after: readonly CaseEvent[]) {
      const { applicationId, personId } = store.receiveApplication(
        application({ person: p }),
        clerk,
      );
      store.orderCard(applicationId, { cardSerial: serial, expiryDate: '2034-04-01' }, central, 1);
      let version = 1;
      for (const [event, actor] of TO_CUSTODY) {
        version = store.recordCardTransition(serial, event, actor, ALL, version).version;
      }
      for (const event of after) {
        const actor = event === 'revoke' || event === 'destroy' ? supervisor : clerk;
        version = store.recordCardTransition(serial, event, actor, ALL, version).version;
      }
      return { applicationId, personId, serial };
    },
  };
}

function addCaseDetails(db: Db, applicationId: string, serial: string): void {
  db.prepare(
    `INSERT INTO identity_check (identity_check_id, application_id, document, face_compared,
                                 checked_by, checked_at)
     VALUES (?, ?, 'a-passport', 1, 'clerk-01', '2024-01-10T09:00:00.000Z')`,
  ).run(`ic-${applicationId}`, applicationId);
  db.prepare(
    `INSERT INTO handover (card_serial, attendee, old_card_collected, handed_over_by, handed_over_at)
     VALUES (?, 'holder', 0, 'clerk-01', '2024-01-10T09:00:00.000Z')`,
  ).run(serial);
  db.prepare(
    `INSERT INTO suspension (suspension_id, card_serial, reason, police_report_number, suspended_at)
     VALUES (?, ?, 'loss', 'R6-123456', '2024-01-10T09:00:00.000Z')`,
  ).run(`s-${serial}`, serial);
}

const count = (db: Db, sql: string, ...params: unknown[]) =>
  db
    .prepare(sql)
    .pluck()
    .get(...params) as number;

describe('when a case counts as closed', () => {
  it('is closed once every card is handed over, returned, revoked, destroyed or cancelled, or the application was rejected or withdrawn', () => {
    for (const state of CARD_STATES) {
      const closed = (CLOSED_CARD_STATES as readonly string[]).includes(state);
      expect(isCaseClosed('card-ordered', [state]), state).toBe(closed);
    }
    expect(CLOSED_CARD_STATES).not.toContain('suspended');
    expect(isCaseClosed('received', [])).toBe(false);
    expect(isCaseClosed('rejected', [])).toBe(true);
    expect(isCaseClosed('withdrawn', [])).toBe(true);
    // A reprint: the failed card destroyed, the new one handed over; closed only when both are.
    expect(isCaseClosed('card-ordered', ['destroyed', 'in-custody'])).toBe(false);
    expect(isCaseClosed('card-ordered', ['destroyed', 'handed-over'])).toBe(true);
  });
});

describe('db purge, as an IT administrator applying the retention rule', () => {
  function cityOffice() {
    const known = knownStore();
    const { db } = known;
    const o = office(db);
    setRetentionDays(db, 365);
    const p = {
      old: person({
        nameKanji: '削除予定太郎',
        nameKana: 'サクジョヨテイタロウ',
        nameLatin: 'SAKUJO TARO',
      }),
      open: person({
        nameKanji: '保管中花子',
        nameKana: 'ホカンチュウハナコ',
        nameLatin: 'HOKAN HANAKO',
      }),
      twoCases: person({
        nameKanji: '二件次郎',
        nameKana: 'ニケンジロウ',
        nameLatin: 'NIKEN JIRO',
      }),
      recent: person({
        nameKanji: '最近三郎',
        nameKana: 'サイキンサブロウ',
        nameLatin: 'SAIKIN SABURO',
      }),
      suspended: person({
        nameKanji: '停止四郎',
        nameKana: 'テイシシロウ',
        nameLatin: 'TEISHI SHIRO',
      }),
    };
    // Closed in January 2024: handed over, later revoked and destroyed.
    const old = o.caseTo(p.old, 'C-OLD', ['hand-over', 'revoke', 'destroy']);
    addCaseDetails(db, old.applicationId, old.serial);
    const twoA = o.caseTo(p.twoCases, 'C-TWO-A', ['hand-over']);
    const open = o.caseTo(p.open, 'C-OPEN', []);
    const suspended = o.caseTo(p.suspended, 'C-SUSP', ['hand-over', 'suspend']);
    // The same person applies again in 2025: that case is still in custody.
    o.at('2025-06-01T09:00:00.000Z');
    const twoB = o.caseTo({ ...p.twoCases }, 'C-TWO-B', []);
    // Closed in 2025-12: not due before 2026-12.
    o.at('2025-12-01T09:00:00.000Z');
    const recent = o.caseTo(p.recent, 'C-RECENT', ['hand-over']);
    o.at('2026-03-01T09:00:00.000Z');
    return { ...known, o, p, old, twoA, twoB, open, suspended, recent };
  }

  it('erases only the person of a case closed longer than the retention period, with one signed event per case, and keeps the audit record', () => {
    const { db, p, old, twoA, twoB, recent } = cityOffice();
    const eventsBefore = count(db, 'SELECT count(*) FROM case_event');
    const versionBefore = count(
      db,
      'SELECT version FROM application WHERE application_id = ?',
      old.applicationId,
    );

    const dry = purgeClosedCases(db, { dryRun: true, asOf: '2026-03-01' });
    expect(dry).toMatchObject({
      dryRun: true,
      retentionDays: 365,
      cutoff: '2025-03-01T00:00:00.000Z',
      casesPurged: 1,
      personsErased: 1,
      casesHeldForOtherCase: 1,
      casesHeldUnsynced: 0,
    });
    expect(count(db, 'SELECT count(*) FROM case_event')).toBe(eventsBefore);
    expect(count(db, 'SELECT count(*) FROM person')).toBe(5);

    const report = purgeClosedCases(db, { asOf: '2026-03-01' });
    expect(report).toMatchObject({
      dryRun: false,
      casesPurged: 1,
      personsErased: 1,
      casesHeldForOtherCase: 1,
      rowsErased: { identity_check: 1, handover: 1, suspension: 1 },
      checkpoint: 'complete',
    });

    const store = new CaseStore({ db, log: silent });
    expect(store.findByMyNumber(p.old.myNumber)).toBeNull();
    expect(searchCases(db, 'サクジョ').hits).toEqual([]);
    expect(searchCases(db, old.applicationId).hits).toEqual([]);
    // The audit record stays: the application, its card, its whole history.
    expect(store.getApplication(old.applicationId)).toMatchObject({
      personId: null,
      status: 'card-ordered',
      version: versionBefore + 1,
      purgedAt: expect.any(String),
    });
    expect(store.getCard(old.serial)).toMatchObject({ state: 'destroyed' });
    for (const table of ['identity_check', 'handover', 'suspension']) {
      expect(count(db, `SELECT count(*) FROM ${table}`), table).toBe(0);
    }
    const purged = db
      .prepare("SELECT * FROM case_event WHERE type = 'personal-data-purged'")
      .all() as {
      case_ref: string;
      actor_role: string;
      case_version_seen: number;
      payload: string;
    }[];
    expect(purged).toHaveLength(1);
    expect(purged[0]).toMatchObject({
      case_ref: old.applicationId,
      actor_role: 'system',
      case_version_seen: versionBefore,
    });
    expect(JSON.parse(purged[0]?.payload ?? '{}')).toMatchObject({
      asOf: '2026-03-01',
      retentionDays: 365,
      personErased: true,
      closedSince: expect.stringMatching(/^2024-01-10T/),
    });
    expect(count(db, 'SELECT count(*) FROM case_event')).toBe(eventsBefore + 1);
    expect(verifyAuditChain(db)).toMatchObject({ ok: true });
    expect(db.pragma('foreign_key_check')).toEqual([]);

    // Everyone else is still found: open, suspended, recently closed, and both cases of the
    // person whose second case is open.
    for (const kana of ['ホカンチュウ', 'テイシ', 'サイキン']) {
      expect(searchCases(db, kana).hits, kana).toHaveLength(1);
    }
    expect(
      searchCases(db, 'ニケン')
        .hits.map((h) => h.applicationId)
        .sort(),
    ).toEqual([twoA.applicationId, twoB.applicationId].sort());
    expect(store.getApplication(recent.applicationId)?.personId).not.toBeNull();

    // Nothing more is due today; a year on, the recently closed case is.
    expect(purgeClosedCases(db, { asOf: '2026-03-01' }).casesPurged).toBe(0);
    expect(purgeClosedCases(db, { dryRun: true, asOf: '2026-12-02' })).toMatchObject({
      casesPurged: 1,
      casesHeldForOtherCase: 1,
    });
  });

  it('lets the purged person apply again as a new person, and orders no new card on the purged case', () => {
    const { db, p, old, o } = cityOffice();
    purgeClosedCases(db, { asOf: '2026-03-01' });
    expect(() =>
      o.store.orderCard(old.applicationId, { cardSerial: 'C-NEW', expiryDate: null }, central, 3),
    ).toThrow(/purged/);
    const again = o.store.receiveApplication(application({ person: { ...p.old } }), clerk);
    expect(again.personId).not.toBe(old.personId);
    expect(o.store.findByMyNumber(p.old.myNumber)?.nameKana).toBe(p.old.nameKana);
  });

  it('erases nothing when the purge event cannot be written: the deletion and its event commit together', () => {
    const { db, p } = cityOffice();
    db.exec(`
      CREATE TEMP TRIGGER refuse_purge_event BEFORE INSERT ON main.case_event
      WHEN NEW.type = 'personal-data-purged'
      BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END;
    `);
    expect(() => purgeClosedCases(db, { asOf: '2026-03-01' })).toThrow(/disk full/);
    expect(new CaseStore({ db, log: silent }).findByMyNumber(p.old.myNumber)).not.toBeNull();
    expect(count(db, 'SELECT count(*) FROM identity_check')).toBe(1);
    expect(count(db, 'SELECT count(*) FROM application WHERE purged_at IS NOT NULL')).toBe(0);
  });

  it('refuses to count retention to a future day, except in a dry run', () => {
    const { db } = cityOffice();
    expect(() => purgeClosedCases(db, { asOf: '2999-01-01' })).toThrow(PurgeRefused);
    expect(purgeClosedCases(db, { asOf: '2999-01-01', dryRun: true })).toMatchObject({
      casesPurged: 2,
      casesHeldForOtherCase: 1,
    });
    expect(() => purgeClosedCases(db, { asOf: '2026-02-30' })).toThrow(PurgeRefused);
  });

  it('leaves no purged name or My Number in the store file or its WAL, and still finds the others', () => {
    const { db, path, p } = cityOffice();
    purgeClosedCases(db, { asOf: '2026-03-01' });
    expect(statSync(`${path}-wal`).size).toBe(0);
    expect(searchCases(db, p.open.myNumber).hits).toHaveLength(1);
    db.close();
    const raw = Buffer.concat([path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    const needles = [p.old.nameKanji, p.old.nameKana, p.old.myNumber, p.open.nameKanji];
    // The file is encrypted: even the kept person is not readable in it.
    expect(needles.filter((n) => raw.includes(Buffer.from(n, 'utf8')))).toEqual([]);
  });

  it('overwrites the purged values in the file itself, as whoever holds the key would read it', () => {
    // Page encryption hides everything from a grep, so this runs on an unencrypted store set
    // up exactly as openStore sets up the real one (pragmas, migrations). The second store,
    // with secure_delete switched off, shows what the pragma prevents.
    const residue = (secureDelete: boolean) => {
      const file = join(tempDir(), 'plain.db');
      const db = openUnencryptedStoreForTest(file);
      if (!secureDelete) db.pragma('secure_delete = OFF');
      const o = office(db);
      setRetentionDays(db, 365);
      const gone = person({ nameKanji: '消去対象', nameKana: 'ショウキョタイショウ' });
      const kept = person({ nameKanji: '保存対象', nameKana: 'ホゾンタイショウ' });
      o.caseTo(gone, 'C-GONE', ['hand-over']);
      o.at('2026-02-01T09:00:00.000Z');
      o.caseTo(kept, 'C-KEPT', ['hand-over']);
      expect(purgeClosedCases(db, { asOf: '2026-03-01' }).casesPurged).toBe(1);
      db.close();
      const raw = Buffer.concat(
        [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)),
      );
      const has = (text: string) => raw.includes(Buffer.from(text, 'utf8'));
      return {
        gone: [gone.nameKanji, gone.nameKana, gone.myNumber].filter(has).length,
        kept: [kept.nameKanji, kept.nameKana, kept.myNumber].filter(has).length,
      };
    };
    expect(residue(true)).toEqual({ gone: 0, kept: 3 });
    expect(residue(false).gone).toBeGreaterThan(0);
  });
});

describe('case_event payloads, which can never be purged', () => {
  it('hold no name, kana, address, birth date, My Number or its HMAC of any seeded person', async () => {
    const { db } = knownStore();
    await seedCases(db, { cases: 150, seed: 7, batchSize: 50 });
    // And a case recorded step by step at the counter, as the app records them.
    const o = office(db);
    o.caseTo(person(), 'C-STEPS', ['hand-over', 'suspend', 'reinstate']);
    const people = db
      .prepare(
        `SELECT name_kanji, name_kana, alias, name_latin, birth_date, address, my_number,
                hex(my_number_hmac) AS hmac FROM person`,
      )
      .all() as Record<string, string | null>[];
    const values = new Set(
      people.flatMap((row) => Object.values(row)).filter((v): v is string => v !== null),
    );
    const myNumbers = people.map((row) => row['my_number'] ?? '');
    const leaks: string[] = [];
    const visit = (value: unknown, type: string): void => {
      if (typeof value === 'string') {
        if (values.has(value) || values.has(value.toUpperCase())) leaks.push(type);
        if (myNumbers.some((n) => value.includes(n))) leaks.push(type);
      } else if (Array.isArray(value)) value.forEach((v) => visit(v, type));
      else if (value && typeof value === 'object')
        Object.values(value).forEach((v) => visit(v, type));
    };
    const events = db.prepare('SELECT type, payload FROM case_event').all() as {
      type: string;
      payload: string;
    }[];
    for (const e of events) visit(JSON.parse(e.payload), e.type);
    // Event types only, never the value: a leak must not leak again through the test output.
    expect(leaks).toEqual([]);
    expect(events.length).toBeGreaterThan(155);
  });
});
