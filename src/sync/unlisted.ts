/**
 * Workspace members the policy does not list (`org.unlisted`, POLICY.md §6). Twenty gives every
 * member a role, and its Member role reads every record, so an unlisted member is not "outside"
 * the policy: it is whatever Twenty's role gives it. `keep` leaves them their Twenty role;
 * `lock` moves them to a role Tiergate manages that grants nothing (no object, no setting).
 * Either way plan lists them, so nobody keeps or loses access unseen.
 */
import type { HostPermissionState, HostRole } from './host-state.js';
import type { HostPlan } from './plan-types.js';

export type UnlistedMode = 'keep' | 'lock';

/**
 * What an absent `org.unlisted` means. Lock, so a policy fails closed: a member nobody placed
 * gets no records. Plan says the default applies (and who it locks) before apply changes anyone;
 * defaulting to keep would leave the members it lists silently reading everything.
 */
export const DEFAULT_UNLISTED: UnlistedMode = 'lock';

/** Never a policy key: those are `<role>@<tier>`, and this has no `@`. */
export const LOCKED_ROLE_KEY = 'tiergate:locked';

export const LOCKED_ROLE: HostRole = {
  key: LOCKED_ROLE_KEY,
  label: 'Tiergate · Locked',
  description: `Managed by Tiergate (${LOCKED_ROLE_KEY}). Members the policy does not list: no record access. Do not edit: changes are reverted.`,
  canReadAllObjectRecords: false,
  canUpdateAllObjectRecords: false,
  canSoftDeleteAllObjectRecords: false,
  canDestroyAllObjectRecords: false,
  objectPermissions: [],
  fieldPermissions: [],
  rowLevel: {},
};

export interface UnlistedMember {
  readonly memberId: string;
  /** The role key it holds now (`host:<id>` for a role Tiergate does not manage). */
  readonly holds?: string;
  readonly fate: UnlistedMode;
}

export interface UnlistedResult {
  /** The desired state with the unlisted members' fate added. */
  readonly state: HostPermissionState;
  readonly mode: UnlistedMode;
  /** Whether the policy says `org.unlisted` itself (else the default applies). */
  readonly explicit: boolean;
  readonly members: readonly UnlistedMember[];
}

/**
 * Adds the unlisted members of `workspace` (every workspace member id) to `desired`. The locked
 * role is wanted while a member is to be locked or still holds it (under `keep` they keep it,
 * and deleting it would only be blocked); a workspace with nobody to lock gets no empty role.
 */
export function withUnlisted(
  desired: HostPermissionState,
  actual: HostPermissionState,
  workspace: readonly string[],
  setting: UnlistedMode | undefined,
): UnlistedResult {
  const mode = setting ?? DEFAULT_UNLISTED;
  const ids = [...new Set([...workspace, ...Object.keys(actual.assignments)])].sort();
  const members = ids
    .filter((id) => !(id in desired.assignments))
    .map((memberId): UnlistedMember => {
      const holds = actual.assignments[memberId];
      return { memberId, ...(holds === undefined ? {} : { holds }), fate: mode };
    });
  const held = Object.values(actual.assignments).includes(LOCKED_ROLE_KEY);
  const locked =
    mode === 'lock' ? members.map((m): [string, string] => [m.memberId, LOCKED_ROLE_KEY]) : [];
  const needed = locked.length > 0 || held;
  const wantRole = needed && !desired.roles.some((r) => r.key === LOCKED_ROLE_KEY);
  const state: HostPermissionState = {
    roles: wantRole ? [...desired.roles, LOCKED_ROLE] : desired.roles,
    assignments: { ...desired.assignments, ...Object.fromEntries(locked) },
  };
  return { state, mode, explicit: setting !== undefined, members };
}

/** The plan's section on unlisted members: each by name, with what happens to it. */
export function formatUnlisted(
  result: UnlistedResult,
  plan: HostPlan,
  name: (memberId: string) => string,
  role: (key: string) => string,
): string {
  const head = result.explicit
    ? `Members the policy does not list (org.unlisted: ${result.mode}): ${result.members.length}.`
    : `Members the policy does not list: ${result.members.length}. org.unlisted is not set, so they are locked (the default, fail closed): set org.unlisted to lock to say so, or to keep to leave them their Twenty roles.`;
  const refused = new Map(plan.skippedAssignments.map((s) => [s.memberId, s.reason]));
  const lines = result.members.map((m) => {
    const holds = m.holds === undefined ? 'no role' : role(m.holds);
    const reason = refused.get(m.memberId);
    if (m.fate === 'keep') return `  ${name(m.memberId)}: keeps ${holds}`;
    if (reason !== undefined)
      return `  ${name(m.memberId)}: stays ${holds}, not locked (${reason})`;
    if (m.holds === LOCKED_ROLE_KEY) return `  ${name(m.memberId)}: locked`;
    return `  ${name(m.memberId)}: ${holds} -> locked (no record access)`;
  });
  return `${[head, ...lines].join('\n')}\n`;
}
