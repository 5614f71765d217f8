import { describe, expect, it } from 'vitest';
import { CALL_NAMES, calls, PERMISSIONS, ROLES } from './contract';
import { permissionMatrix, ROLE_PERMISSIONS, roleHolds } from './permissions';

describe('the role/permission matrix', () => {
  it.each(CALL_NAMES)('%s names a permission the matrix knows', (name) => {
    expect(PERMISSIONS).toContain(calls[name].permission);
  });

  it('gives every permission to some role, so no call is unreachable', () => {
    for (const permission of PERMISSIONS) {
      expect(
        ROLES.some((role) => roleHolds(role, permission)),
        permission,
      ).toBe(true);
    }
  });

  it('keeps personal data from administrators: they hold no case permission', () => {
    const caseCalls = CALL_NAMES.filter((name) =>
      /^(cases|applications|cards|dayEnd|print)\./u.test(name),
    );
    expect(caseCalls.length).toBeGreaterThan(5);
    for (const name of caseCalls) {
      expect(roleHolds('administrator', calls[name].permission), name).toBe(false);
      expect(roleHolds('clerk', calls[name].permission), name).toBe(true);
    }
  });

  it('lets only administrators manage staff', () => {
    expect(ROLES.filter((role) => roleHolds(role, 'staff.manage'))).toEqual(['administrator']);
  });

  it('lets only supervisors close sync review items; every role may read the sync status', () => {
    expect(ROLES.filter((role) => roleHolds(role, 'sync.review'))).toEqual(['supervisor']);
    expect(ROLES.filter((role) => roleHolds(role, 'sync.read'))).toEqual([...ROLES]);
  });

  it('prints one row per permission with a mark per role', () => {
    const { header, rows } = permissionMatrix();
    expect(header).toEqual(['permission', ...ROLES]);
    expect(rows.map((row) => row[0])).toEqual([...PERMISSIONS]);
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...ROLES].sort());
  });
});
