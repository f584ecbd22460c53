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

export async function openSession(host: Host, policy: Policy): Promise<SyncSession> {
  const [dataModel, rls, reading] = await Promise.all([
    host.dataModel.get(),
    rlsEntitled(host.metadata),
    readHostState(host.metadata),
  ]);
  const compiled = compileHostState(policy, dataModel, { rlsEntitled: rls });
  return {
    compiled,
    reading,
    rls,
    names: namesOf(dataModel),
    ...planAgainst(compiled.state, reading),
  };
}
