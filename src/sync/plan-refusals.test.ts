import { describe, expect, it } from 'vitest';
import {
  LAST_ADMIN_REFUSAL,
  SELF_REFUSAL,
  SIGNED_IN_SELF_REFUSAL,
  waitingReason,
} from './plan-refusals.js';
import { BASE, OPTIONS, plan } from './plan-fixtures.test-support.js';
import type { HostPermissionState } from './host-state.js';

const ADMINS = { ...OPTIONS, adminRoleKeys: new Set(['Admin']) };

/** BASE with `m-1` also on Admin by hand; the policy wants both admins to be reps. */
const twoAdmins: HostPermissionState = {
  ...BASE,
  assignments: { ...BASE.assignments, 'm-1': 'Admin' },
};
const bothReps = { ...BASE, assignments: { ...BASE.assignments, 'm-admin': 'rep@junior' } };

const moved = (p: ReturnType<typeof plan>) => p.diff.assignments.map((a) => a.memberId);
const refused = (p: ReturnType<typeof plan>) =>
  p.diff.skippedAssignments.map((s) => [s.memberId, s.reason]);

describe('member moves Twenty refuses', () => {
  it('moves a member off Admin while another member keeps it', () => {
    const desired = BASE;
    const result = plan(desired, twoAdmins, ADMINS);
    expect(result.diff.assignments).toEqual([
      { memberId: 'm-1', before: 'Admin', after: 'rep@junior' },
    ]);
    expect(result.diff.empty).toBe(false);
  });

  it('keeps the last admin on Admin and says why', () => {
    const result = plan(bothReps, BASE, ADMINS);
    expect(moved(result)).toEqual([]);
    expect(refused(result)).toEqual([['m-admin', LAST_ADMIN_REFUSAL]]);
    expect(result.ops).toEqual([]);
  });

  it('of two admins both placed elsewhere, keeps the incumbent and moves the other', () => {
    const result = plan(bothReps, twoAdmins, { ...ADMINS, incumbentAdmins: new Set(['m-admin']) });
    expect(moved(result)).toEqual(['m-1']);
    expect(refused(result)).toEqual([['m-admin', LAST_ADMIN_REFUSAL]]);
    const other = plan(bothReps, twoAdmins, { ...ADMINS, incumbentAdmins: new Set(['m-1']) });
    expect(moved(other)).toEqual(['m-admin']);
  });

  it('never moves the member Tiergate acts as, and then moves the other admin', () => {
    const result = plan(bothReps, twoAdmins, { ...ADMINS, actingMemberId: 'm-admin' });
    expect(refused(result)).toEqual([['m-admin', SELF_REFUSAL]]);
    expect(moved(result)).toEqual(['m-1']);
  });

  it('moves a member off any role it does not manage, with no admin role known', () => {
    const onCustom = { ...BASE, assignments: { ...BASE.assignments, 'm-2': 'host:custom' } };
    expect(moved(plan(BASE, onCustom))).toEqual(['m-2']);
  });

  it('without an admin session, holds every move back as waiting, with the login command', () => {
    const login = 'tiergate login --host https://crm.test';
    const result = plan(BASE, twoAdmins, {
      ...ADMINS,
      memberMover: { kind: 'none', loginCommand: login },
    });
    expect(moved(result)).toEqual([]);
    expect(result.diff.skippedAssignments).toEqual([
      {
        memberId: 'm-1',
        before: 'Admin',
        wanted: 'rep@junior',
        reason: waitingReason(login),
        waitsForAdmin: true,
      },
    ]);
    expect(result.ops.some((op) => op.kind === 'updateWorkspaceMemberRole')).toBe(false);
  });

  it('with a session that expired, holds every move back as waiting, saying so and how to sign in again', () => {
    const login = 'tiergate login --host https://crm.test --email admin@crm.test';
    const problem = 'the admin session of admin@crm.test expired on 2026-01-01T00:00:00.000Z';
    const result = plan(BASE, twoAdmins, {
      ...ADMINS,
      memberMover: { kind: 'none', loginCommand: login, sessionProblem: problem },
    });
    expect(moved(result)).toEqual([]);
    const [waiting] = result.diff.skippedAssignments;
    expect(waiting?.waitsForAdmin).toBe(true);
    expect(waiting?.reason).toContain(problem);
    expect(waiting?.reason).toContain(`sign in again with ${login}`);
  });

  it('with an admin session, never moves the signed-in admin, and moves the others', () => {
    const result = plan(bothReps, twoAdmins, {
      ...ADMINS,
      memberMover: { kind: 'admin', memberId: 'm-admin', email: 'admin@acme.test' },
    });
    expect(refused(result)).toEqual([['m-admin', SIGNED_IN_SELF_REFUSAL]]);
    expect(moved(result)).toEqual(['m-1']);
  });
});
