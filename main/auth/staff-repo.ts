import type { Db } from '../../db/open';
import type { Role } from '../../preload/contract';

export interface StaffRow {
  staff_id: string;
  display_name: string;
  role: Role;
  password_hash: string;
  failed_attempts: number;
  locked_until: string | null;
  active: number;
  created_at: string;
}

/** Plain SQL for staff accounts. Staff IDs compare case-sensitively, as typed at enrolment. */
export class StaffRepo {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  count(): number {
    const row = this.#db.prepare('SELECT count(*) AS n FROM staff').get() as { n: number };
    return row.n;
  }

  find(staffId: string): StaffRow | undefined {
    return this.#db.prepare('SELECT * FROM staff WHERE staff_id = ?').get(staffId) as
      StaffRow | undefined;
  }

  insert(
    row: Pick<StaffRow, 'staff_id' | 'display_name' | 'role' | 'password_hash' | 'created_at'>,
  ): void {
    this.#db
      .prepare(
        `INSERT INTO staff (staff_id, display_name, role, password_hash, created_at)
         VALUES (@staff_id, @display_name, @role, @password_hash, @created_at)`,
      )
      .run(row);
  }

  recordFailure(staffId: string, lockedUntil: string | null): void {
    this.#db
      .prepare(
        'UPDATE staff SET failed_attempts = failed_attempts + 1, locked_until = ? WHERE staff_id = ?',
      )
      .run(lockedUntil, staffId);
  }

  recordSuccess(staffId: string): void {
    this.#db
      .prepare('UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE staff_id = ?')
      .run(staffId);
  }
}
