/**
 * What `tiergate apply` and `drift --revert` write into the audit journal:
 * one entry per role created, changed or deleted and per member moved, each with its before and
 * after as the host held and now holds them, then one entry for the run (the host calls made and
 * the records whose tiergateViewers were written). Pure: the CLI appends them.
 */
import type { JournalDraft } from '../audit/journal.js';
import type { HostPermissionState, HostRole } from './host-state.js';
import type { HostPlan } from './plan.js';
import type { ViewerSyncResult } from '../twenty-app/viewers.js';

export interface AppliedRun {
  /** Who ran it (the operating-system user, or the panel's signed-in admin). */
  readonly actor: string;
  /** `tiergate apply`, `tiergate drift --revert`. */
  readonly why: string;
  readonly host: string;
  readonly plan: HostPlan;
  /** The host's state before the run, and the state it was brought to. */
  readonly before: HostPermissionState;
  readonly after: HostPermissionState;
  readonly hostCalls: number;
  readonly viewers?: readonly ViewerSyncResult[];
}

const roleOf = (state: HostPermissionState, key: string): HostRole | null =>
  state.roles.find((r) => r.key === key) ?? null;

export function appliedDrafts(run: AppliedRun): JournalDraft[] {
  const base = { actor: run.actor, reason: run.why };
  const roles = run.plan.roles
    .filter((r) => r.change !== 'unchanged' && r.blocked === undefined)
    .map((r): JournalDraft => ({
      ...base,
      action: `role.${r.change === 'create' ? 'created' : r.change === 'delete' ? 'deleted' : 'updated'}`,
      target: `role:${r.key}`,
      before: roleOf(run.before, r.key),
      after: roleOf(run.after, r.key),
    }));
  const members = run.plan.assignments.map((a): JournalDraft => ({
    ...base,
    action: 'member.role-changed',
    target: `member:${a.memberId}`,
    before: a.before === undefined ? null : { role: a.before },
    after: { role: a.after },
  }));
  const viewers = (run.viewers ?? []).filter((v) => v.stale > 0);
  return [
    ...roles,
    ...members,
    {
      ...base,
      action: 'policy.applied',
      target: `host:${run.host}`,
      after: {
        hostCalls: run.hostCalls,
        roles: roles.length,
        members: members.length,
        viewers: viewers.map((v) => ({ object: v.object, records: v.stale })),
      },
    },
  ];
}

/**
 * What `tiergate drift` writes when it finds hand-made changes: one entry per role and member
 * that differs, `before` as the last apply left it, `after` as the host holds it now.
 */
export function driftDrafts(drift: {
  readonly actor: string;
  readonly host: string;
  /** The plan from the host back to the applied state. */
  readonly plan: HostPlan;
  readonly applied: HostPermissionState;
  readonly current: HostPermissionState;
}): JournalDraft[] {
  const reason = 'changed in Twenty since the last apply (found by tiergate drift)';
  const base = { actor: drift.actor, reason };
  return [
    ...drift.plan.roles
      .filter((r) => r.change !== 'unchanged')
      .map((r): JournalDraft => ({
        ...base,
        action: 'drift.role',
        target: `role:${r.key}`,
        before: roleOf(drift.applied, r.key),
        after: roleOf(drift.current, r.key),
      })),
    ...drift.plan.assignments.map((a): JournalDraft => ({
      ...base,
      action: 'drift.member',
      target: `member:${a.memberId}`,
      before: { role: a.after },
      after: a.before === undefined ? null : { role: a.before },
    })),
  ];
}
