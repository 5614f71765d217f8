import { describe, expect, it } from 'vitest';
import { tempStore } from '../../test/support/store';
import { CaseStore } from '../cases/case-store';
import { EventBus } from '../core/event-bus';
import { revealMyNumber } from '../counter/find';
import { caseWithCard } from '../counter/testing';
import { createMemoryLogger } from '../log/logger';
import { AuthService, MAX_FAILED_SIGN_INS } from './auth-service';
import { approvalPayload, recordApproval, SecondPerson } from './second-person';

const GOOD = 'counter-window-7';

async function setup() {
  let now = new Date('2026-11-22T01:00:00Z');
  const db = tempStore();
  const { log, records } = createMemoryLogger();
  const auth = new AuthService({ db, bus: new EventBus(), log, now: () => now });
  await auth.createFirstAdministrator({ staffId: 'admin01', displayName: 'A', password: GOOD });
  for (const [staffId, role] of [
    ['clerk01', 'clerk'],
    ['clerk02', 'clerk'],
    ['super01', 'supervisor'],
    ['super02', 'supervisor'],
  ] as const) {
    await auth.createStaff({ staffId, displayName: staffId, role, password: GOOD });
  }
  const second = new SecondPerson({ db, log, now: () => now });
  const attempts = () =>
    db
      .prepare('SELECT action, staff_id, supervisor_id, outcome FROM approval_log ORDER BY rowid')
      .all();
  return {
    db,
    log,
    records,
    second,
    attempts,
    advance(minutes: number) {
      now = new Date(now.getTime() + minutes * 60_000);
    },
  };
}

describe('the two-person rule (a supervisor approves on the same terminal)', () => {
  it("approves with a supervisor's right password, and keeps nothing of the password", async () => {
    const { second, records } = await setup();
    const approval = await second.approve(
      { supervisorId: 'super01', password: GOOD, reason: ' PIN forgotten, ID checked ' },
      'pin-reset',
      'clerk01',
    );
    expect(approval).toMatchObject({
      action: 'pin-reset',
      staffId: 'clerk01',
      supervisorId: 'super01',
      reason: 'PIN forgotten, ID checked',
    });
    expect(JSON.stringify(records)).not.toContain(GOOD);
  });

  it('asks for an approval when none is given', async () => {
    const { second } = await setup();
    await expect(second.approve(undefined, 'bulk-export', 'clerk01')).rejects.toMatchObject({
      code: 'SECOND_PERSON_REQUIRED',
    });
  });

  it('refuses a wrong password and an unknown staff ID alike, and logs the refusal', async () => {
    const { second, attempts } = await setup();
    await expect(
      second.approve(
        { supervisorId: 'super01', password: 'not-the-password', reason: 'reset' },
        'pin-reset',
        'clerk01',
      ),
    ).rejects.toMatchObject({ code: 'SECOND_PERSON_REFUSED' });
    await expect(
      second.approve(
        { supervisorId: 'nobody', password: GOOD, reason: 'reset' },
        'pin-reset',
        'clerk01',
      ),
    ).rejects.toMatchObject({ code: 'SECOND_PERSON_REFUSED' });
    expect(attempts()).toEqual([
      {
        action: 'pin-reset',
        staff_id: 'clerk01',
        supervisor_id: 'super01',
        outcome: 'invalid-credentials',
      },
      {
        action: 'pin-reset',
        staff_id: 'clerk01',
        supervisor_id: '-',
        outcome: 'invalid-credentials',
      },
    ]);
  });

  it('refuses the same person as the one whose session it is, even a supervisor', async () => {
    const { second } = await setup();
    await expect(
      second.approve(
        { supervisorId: 'super01', password: GOOD, reason: 'my own export' },
        'bulk-export',
        'super01',
      ),
    ).rejects.toMatchObject({ code: 'SECOND_PERSON_SAME_STAFF' });
    // Another supervisor may approve a supervisor's step.
    await expect(
      second.approve(
        { supervisorId: 'super02', password: GOOD, reason: 'day export' },
        'bulk-export',
        'super01',
      ),
    ).resolves.toMatchObject({ supervisorId: 'super02', staffId: 'super01' });
  });

  it('refuses a clerk or an administrator as approver, whatever the password', async () => {
    const { second, attempts } = await setup();
    for (const supervisorId of ['clerk02', 'admin01']) {
      await expect(
        second.approve({ supervisorId, password: GOOD, reason: 'reset' }, 'pin-reset', 'clerk01'),
      ).rejects.toMatchObject({ code: 'SECOND_PERSON_NOT_SUPERVISOR' });
    }
    expect(attempts().map((row) => (row as { outcome: string }).outcome)).toEqual([
      'not-supervisor',
      'not-supervisor',
    ]);
  });

  it('counts wrong passwords toward the supervisor lockout, as sign-in does', async () => {
    const { second, db, advance } = await setup();
    const wrong = { supervisorId: 'super01', password: 'wrong-password!', reason: 'reset' };
    for (let i = 1; i < MAX_FAILED_SIGN_INS; i += 1) {
      await expect(second.approve(wrong, 'pin-reset', 'clerk01')).rejects.toMatchObject({
        code: 'SECOND_PERSON_REFUSED',
      });
    }
    await expect(second.approve(wrong, 'pin-reset', 'clerk01')).rejects.toMatchObject({
      code: 'SECOND_PERSON_LOCKED_OUT',
    });
    // Locked out: even the right password is refused, and the account's sign-in is locked too.
    await expect(
      second.approve({ ...wrong, password: GOOD }, 'pin-reset', 'clerk01'),
    ).rejects.toMatchObject({ code: 'SECOND_PERSON_LOCKED_OUT' });
    const row = db.prepare("SELECT locked_until FROM staff WHERE staff_id = 'super01'").get() as {
      locked_until: string | null;
    };
    expect(row.locked_until).not.toBeNull();
    advance(16);
    await expect(
      second.approve({ ...wrong, password: GOOD }, 'pin-reset', 'clerk01'),
    ).resolves.toMatchObject({ supervisorId: 'super01' });
  });

  it('puts both identities and the reason into the audit event of the step it approved', async () => {
    const { second, db, log, attempts } = await setup();
    const store = new CaseStore({ db, log });
    const { applicationId } = caseWithCard(store, 'ordered');
    const approval = await second.approve(
      { supervisorId: 'super01', password: GOOD, reason: 'Inquiry from the tax office' },
      'reveal-my-number',
      'clerk01',
      applicationId,
    );
    const actor = { staffId: 'clerk01', role: 'clerk' as const };
    // Outside a case, no approval: refused before anything is read.
    expect(() =>
      revealMyNumber(db, { applicationId, reason: 'inquiry' }, actor, () => new Date(), log),
    ).toThrow(expect.objectContaining({ code: 'SECOND_PERSON_REQUIRED' }));
    revealMyNumber(
      db,
      { applicationId, reason: 'inquiry' },
      actor,
      () => new Date(),
      log,
      approval,
    );
    const event = db
      .prepare("SELECT actor_staff_id, payload FROM case_event WHERE type = 'my-number-revealed'")
      .get() as { actor_staff_id: string; payload: string };
    expect(event.actor_staff_id).toBe('clerk01');
    expect(JSON.parse(event.payload)).toMatchObject({
      reason: 'inquiry',
      ...approvalPayload(approval),
      approval: {
        staffId: 'clerk01',
        supervisorId: 'super01',
        supervisorRole: 'supervisor',
        reason: 'Inquiry from the tax office',
      },
    });
    expect(attempts()).toEqual([
      {
        action: 'reveal-my-number',
        staff_id: 'clerk01',
        supervisor_id: 'super01',
        outcome: 'approved',
      },
    ]);
    // approval_log is append-only.
    expect(() => db.exec('DELETE FROM approval_log')).toThrow(/append-only/);
    expect(() => recordApproval(db, approval, applicationId)).toThrow(/UNIQUE/);
  });
});
