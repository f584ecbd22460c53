/**
 * One sync session against a host: the policy compiled for the host's data model and
 * entitlements, the host's current permission state, and the plan between them. `plan`,
 * `apply` and `drift` are this with different ends.
 */
import type { HostClient } from '../host/client.js';
import { WorkspaceDocument } from '../host/generated/metadata.js';
import type { Host } from '../host/host.js';
import type { Policy } from '../policy/schema.js';
import { compileHostState, type CompiledHostState } from './compile.js';
import type { HostPermissionState } from './host-state.js';
import type { DataModelSnapshot } from '../host/data-model.js';
import { diffHostState, operationsFor, type HostOperation, type HostPlan } from './plan.js';
import type { PlanNames } from './plan-format.js';
import { readHostState, type HostReading } from './read-host.js';
import { pullOrg, type ResolvedOrg } from './host-org.js';
import { ViewerIndex } from './viewers.js';

/** Whether the workspace may have row-level rules (Twenty's `RLS` entitlement). */
export async function rlsEntitled(metadata: HostClient): Promise<boolean> {
  const data = await metadata.request(WorkspaceDocument);
  return data.currentWorkspace.billingEntitlements.some((e) => e.key === 'RLS' && e.value);
}

/**
 * Members Tiergate never reassigns: those holding an unmanaged role labelled Admin, so the
 * workspace never loses its last admin (Twenty refuses that too: issue #14117).
 */
function protectedMembers(reading: HostReading): string[] {
  return reading.unmanaged.filter((role) => role.label === 'Admin').flatMap((role) => role.members);
}

export interface SyncSession {
  readonly compiled: CompiledHostState;
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
  /** What `tiergateViewers` must hold on each record (src/sync/viewers.ts). */
  readonly viewers: ViewerIndex;
}

/** Plans from `desired` (a compiled policy, or the last applied state for drift) to the host. */
export function planAgainst(
  desired: HostPermissionState,
  reading: HostReading,
): { plan: HostPlan; operations: HostOperation[] } {
  const plan = diffHostState(desired, reading.state, {
    managedRoleKeys: (key) => !key.startsWith('host:'),
    protectedMemberIds: protectedMembers(reading),
  });
  return { plan, operations: operationsFor(plan, reading.state, desired) };
}

/** `objectName.fieldName` for the ids of a data model. */
export function namesOf(dataModel: DataModelSnapshot): PlanNames {
  const objects = new Map(dataModel.objects.map((o) => [o.id, o.nameSingular]));
  const fields = new Map(
    dataModel.objects.flatMap((o) => o.fields.map((f) => [f.id, f.name] as const)),
  );
  return { object: (id) => objects.get(id), field: (id) => fields.get(id) };
}

function straysOf(
  desired: HostPermissionState,
  reading: HostReading,
): { memberId: string; roleKey: string }[] {
  return Object.entries(reading.state.assignments)
    .filter(([memberId, key]) => !(memberId in desired.assignments) && reading.roleIds.has(key))
    .map(([memberId, roleKey]) => ({ memberId, roleKey }))
    .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

export async function openSession(host: Host, policy: Policy): Promise<SyncSession> {
  const [dataModel, rls, reading, org] = await Promise.all([
    host.dataModel.get(),
    rlsEntitled(host.metadata),
    readHostState(host.metadata),
    pullOrg(host, policy),
  ]);
  // The resolved org names every member by its workspace member id.
  const compiled = compileHostState(org.policy, dataModel, { rlsEntitled: rls });
  return {
    compiled,
    reading,
    rls,
    org,
    strays: straysOf(compiled.state, reading),
    viewers: new ViewerIndex(org.policy, compiled.viewerScopes),
    names: namesOf(dataModel),
    ...planAgainst(compiled.state, reading),
  };
}
