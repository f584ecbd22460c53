/**
 * One sync session against a host: the policy compiled for the host's data model and
 * entitlements, the host's current permission state, and the plan between them. `plan`,
 * `apply` and `drift` are this with different ends.
 */
import type { HostClient } from '../host/client.js';
import { CurrentUserDocument, WorkspaceDocument } from '../host/generated/metadata.js';
import { HostError } from '../host/host-error.js';
import type { Host } from '../host/host.js';
import type { Policy } from '../policy/schema.js';
import { compileHostState, type CompiledHostState } from './compile.js';
import type { HostPermissionState } from './host-state.js';
import type { DataModelSnapshot } from '../host/data-model.js';
import { diffHostState, operationsFor, type HostOperation, type HostPlan } from './plan.js';
import type { PlanNames } from './plan-format.js';
import type { MemberMover, RefusalContext } from './plan-types.js';
import { adminRoleKeys, readHostState, type HostReading } from './read-host.js';
import {
  readHostMembers,
  resolveOrg,
  type HostMember,
  type ResolvedOrg,
} from '../twenty-app/host-org.js';
import { LOCKED_ROLE_KEY, withUnlisted, type UnlistedResult } from './unlisted.js';
import { ViewerIndex } from '../twenty-app/viewers.js';

/** The workspace a key reaches: which one, by id and name, and whether it has row-level rules. */
export interface HostWorkspace {
  readonly id: string;
  readonly name: string;
  /** Twenty's `RLS` entitlement. */
  readonly rlsEntitled: boolean;
}

export async function currentWorkspace(metadata: HostClient): Promise<HostWorkspace> {
  const { currentWorkspace: workspace } = await metadata.request(WorkspaceDocument);
  return {
    id: workspace.id,
    name: workspace.displayName ?? '',
    rlsEntitled: workspace.billingEntitlements.some((e) => e.key === 'RLS' && e.value),
  };
}

/** Whether the workspace may have row-level rules (Twenty's `RLS` entitlement). */
export async function rlsEntitled(metadata: HostClient): Promise<boolean> {
  return (await currentWorkspace(metadata)).rlsEntitled;
}

/**
 * The workspace member whose token Tiergate acts with, which Twenty will not let change its own
 * role; none for an API key, which `currentUser` refuses (it needs a user session).
 */
export async function actingMemberId(metadata: HostClient): Promise<string | undefined> {
  try {
    const answer = await metadata.request(CurrentUserDocument);
    return answer.currentUser.workspaceMember?.id ?? undefined;
  } catch (error) {
    if (
      error instanceof HostError &&
      error.codes.some((c) => c === 'FORBIDDEN' || c === 'UNAUTHENTICATED')
    )
      return undefined;
    throw error;
  }
}

/** Members holding an Admin role in `state` (the applied state): kept on it first. */
export function incumbentAdmins(state: HostPermissionState, reading: HostReading): Set<string> {
  const admin = adminRoleKeys(reading);
  return new Set(
    Object.keys(state.assignments).filter((id) => admin.has(state.assignments[id] ?? '')),
  );
}

/**
 * What an apply of `plan` leaves: `desired`, except the members Twenty refused to move, who stay
 * where they were. Drift compares with this, so a refusal is not reported as a hand-made change.
 */
export function appliedState(desired: HostPermissionState, plan: HostPlan): HostPermissionState {
  const assignments: Record<string, string> = { ...desired.assignments };
  for (const skipped of plan.skippedAssignments) {
    if (skipped.before === undefined) Reflect.deleteProperty(assignments, skipped.memberId);
    else assignments[skipped.memberId] = skipped.before;
  }
  return { ...desired, assignments };
}

export interface SyncSession {
  readonly compiled: CompiledHostState;
  /** The compiled state with the unlisted members' fate added: what apply makes true. */
  readonly desired: HostPermissionState;
  readonly unlisted: UnlistedResult;
  /** Object and field names for the host ids in the plan. */
  readonly names: PlanNames;
  readonly reading: HostReading;
  readonly plan: HostPlan;
  readonly operations: readonly HostOperation[];
  readonly rls: boolean;
  /** The org the policy was compiled for: its members matched to workspace members. */
  readonly org: ResolvedOrg;
  /**
   * Workspace members holding a role Tiergate manages but no longer in the org (their tiergate
   * fields were cleared, or their policy entry removed). Twenty gives every member a role, so
   * Tiergate leaves them where they are and says so: an admin should move them.
   */
  readonly strays: readonly { readonly memberId: string; readonly roleKey: string }[];
  /** What `tiergateViewers` must hold on each record (src/twenty-app/viewers.ts). */
  readonly viewers: ViewerIndex;
}

export interface SessionOptions {
  /**
   * Who moves members: the signed-in admin (admin-session.ts) or nobody yet, and then every
   * move waits. Absent, the token's own member does (for a token that is a person's).
   */
  readonly memberMover?: MemberMover;
}

/** Plans from `desired` (a compiled policy, or the last applied state for drift) to the host. */
export function planAgainst(
  desired: HostPermissionState,
  reading: HostReading,
  context: Omit<RefusalContext, 'adminRoleKeys'> = {},
): { plan: HostPlan; operations: HostOperation[] } {
  const plan = diffHostState(desired, reading.state, {
    ...context,
    managedRoleKeys: (key) => !key.startsWith('host:'),
    adminRoleKeys: adminRoleKeys(reading),
  });
  return { plan, operations: operationsFor(plan, reading.state, desired) };
}

/** Object, field, member and role names for the ids of a plan. */
export function namesOf(
  dataModel: DataModelSnapshot | undefined,
  members: readonly HostMember[],
  reading: HostReading,
): PlanNames {
  const objects = new Map(dataModel?.objects.map((o) => [o.id, o.nameSingular]));
  const fields = new Map(
    dataModel?.objects.flatMap((o) => o.fields.map((f) => [f.id, f.name] as const)),
  );
  const people = new Map(
    members.map((m) => {
      const email = m.email === null ? '' : `<${m.email}>`;
      return [m.id, [m.name, email].filter((part) => part !== '').join(' ') || m.id];
    }),
  );
  const roles = new Map(reading.unmanaged.map((r) => [`host:${r.id}`, r.label]));
  return {
    object: (id) => objects.get(id),
    field: (id) => fields.get(id),
    member: (id) => people.get(id),
    role: (key) => roles.get(key),
  };
}

function straysOf(
  desired: HostPermissionState,
  reading: HostReading,
): { memberId: string; roleKey: string }[] {
  return Object.entries(reading.state.assignments)
    .filter(
      ([memberId, key]) =>
        !(memberId in desired.assignments) && key !== LOCKED_ROLE_KEY && reading.roleIds.has(key),
    )
    .map(([memberId, roleKey]) => ({ memberId, roleKey }))
    .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** `previous`: the last applied state, if any (whoever held Admin there keeps it first). */
export async function openSession(
  host: Host,
  policy: Policy,
  previous?: HostPermissionState,
  options: SessionOptions = {},
): Promise<SyncSession> {
  const [dataModel, rls, reading, members, acting] = await Promise.all([
    host.dataModel.get(),
    rlsEntitled(host.metadata),
    readHostState(host.metadata),
    readHostMembers(host, { withOrgFields: policy.org.source === 'host' }),
    actingMemberId(host.metadata),
  ]);
  const org = resolveOrg(policy, members);
  // The resolved org names every member by its workspace member id.
  const compiled = compileHostState(org.policy, dataModel, { rlsEntitled: rls });
  const unlisted = withUnlisted(
    compiled.state,
    reading.state,
    members.map((m) => m.id),
    policy.org.unlisted,
  );
  const context = {
    ...(acting === undefined ? {} : { actingMemberId: acting }),
    ...(previous === undefined ? {} : { incumbentAdmins: incumbentAdmins(previous, reading) }),
    ...(options.memberMover === undefined ? {} : { memberMover: options.memberMover }),
  };
  return {
    compiled,
    desired: unlisted.state,
    unlisted,
    reading,
    rls,
    org,
    strays: straysOf(unlisted.state, reading),
    viewers: new ViewerIndex(org.policy, compiled.viewerScopes),
    names: namesOf(dataModel, members, reading),
    ...planAgainst(unlisted.state, reading, context),
  };
}

/** `tiergate drift`: the host against the last applied state, with names for the report. */
export async function openDrift(
  host: Host,
  applied: HostPermissionState,
  options: SessionOptions = {},
): Promise<{
  reading: HostReading;
  plan: HostPlan;
  operations: HostOperation[];
  names: PlanNames;
}> {
  const [reading, members, acting] = await Promise.all([
    readHostState(host.metadata),
    readHostMembers(host, { withOrgFields: false }),
    actingMemberId(host.metadata),
  ]);
  const planned = planAgainst(applied, reading, {
    ...(acting === undefined ? {} : { actingMemberId: acting }),
    incumbentAdmins: incumbentAdmins(applied, reading),
    ...(options.memberMover === undefined ? {} : { memberMover: options.memberMover }),
  });
  return { reading, ...planned, names: namesOf(undefined, members, reading) };
}
