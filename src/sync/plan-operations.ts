/**
 * `tiergate apply`: the host calls that carry out a plan, fewest first and in a safe order.
 *
 * 1. create roles: everything after may name them;
 * 2. update role settings: an object without an explicit permission follows the role's
 *    `can*AllObjectRecords`, which the object permissions were compared against;
 * 3. object permissions, one batched upsert per role: Twenty checks field restrictions against
 *    the role's object permissions (`FIELD_RESTRICTION_ONLY_ALLOWED_ON_READABLE_OBJECT`);
 * 4. field permissions, one batched upsert per role, only for roles whose restrictions changed;
 * 5. row-level predicates, one replacing upsert per role and object that changed;
 * 6. member reassignments: only once the target role is fully configured, so no member holds a
 *    half-built role (a new role is granted before its restrictions land);
 * 7. role deletions, last: after their members have moved, so no one is left without a role.
 */
import type {
  HostFieldPermission,
  HostObjectPermission,
  HostPermissionState,
  HostRole,
} from './host-state.js';
import type {
  FieldPermissionInput,
  HostOperation,
  HostPlan,
  ObjectPermissionInput,
  RolePlan,
  RoleSettings,
} from './plan-types.js';

function settingsOf(role: HostRole): RoleSettings {
  return {
    label: role.label,
    description: role.description,
    canReadAllObjectRecords: role.canReadAllObjectRecords,
    canUpdateAllObjectRecords: role.canUpdateAllObjectRecords,
    canSoftDeleteAllObjectRecords: role.canSoftDeleteAllObjectRecords,
    canDestroyAllObjectRecords: role.canDestroyAllObjectRecords,
  };
}

function createOps(roles: readonly RolePlan[], desired: HostPermissionState): HostOperation[] {
  return roles
    .filter((r) => r.change === 'create')
    .map((r) => {
      const role = desired.roles.find((d) => d.key === r.key);
      if (role === undefined)
        throw new Error(`role ${r.key} to create is not in the desired state`);
      return { kind: 'createRole', roleKey: r.key, input: settingsOf(role) };
    });
}

function updateOps(roles: readonly RolePlan[]): HostOperation[] {
  return roles
    .filter((r) => r.change === 'update' && (r.settings?.length ?? 0) > 0)
    .map((r) => ({
      kind: 'updateRole',
      roleKey: r.key,
      update: Object.fromEntries((r.settings ?? []).map((s) => [s.field, s.after])),
    }));
}

/**
 * One call per role with an object change, carrying every object permission the role keeps:
 * 2.43's `upsertObjectPermissions` deletes the role's permissions its input leaves out. The
 * changed ones come from the plan (a dropped permission is made explicit there).
 */
function objectOps(roles: readonly RolePlan[]): HostOperation[] {
  const input = (p: HostObjectPermission): ObjectPermissionInput => ({
    objectMetadataId: p.objectMetadataId,
    canReadObjectRecords: p.canReadObjectRecords,
    canUpdateObjectRecords: p.canUpdateObjectRecords,
    canSoftDeleteObjectRecords: p.canSoftDeleteObjectRecords,
    canDestroyObjectRecords: p.canDestroyObjectRecords,
  });
  return roles
    .filter((r) => r.objectPermissions.length > 0)
    .map((r) => {
      const changed = new Map(
        r.objectPermissions.map(({ after }) => [after.objectMetadataId, after]),
      );
      const kept = (r.objectPermissionSet ?? []).filter((p) => !changed.has(p.objectMetadataId));
      return {
        kind: 'upsertObjectPermissions',
        roleKey: r.key,
        objectPermissions: [...changed.values(), ...kept].map(input),
      };
    });
}

/**
 * A restriction is sent whole (`false` restricts, `null` leaves a value unrestricted; Twenty
 * refuses `true`, and 2.43 also refuses an entry that leaves a value out). A lift is an entry
 * with both values null, which Twenty deletes.
 */
function restrictionInput(p: HostFieldPermission): FieldPermissionInput {
  return {
    objectMetadataId: p.objectMetadataId,
    fieldMetadataId: p.fieldMetadataId,
    canReadFieldValue: p.canReadFieldValue ? null : false,
    canUpdateFieldValue: p.canUpdateFieldValue ? null : false,
  };
}

/**
 * One call per role with a field change, carrying the role's whole set of restrictions and a
 * lift for each one removed: 2.43's `upsertFieldPermissions` deletes every row its input leaves
 * out, so sending only the changes would lift the rest. Older hosts, which merge instead, end
 * in the same state.
 */
function fieldOps(roles: readonly RolePlan[]): HostOperation[] {
  return roles
    .filter((r) => r.fieldPermissions.length > 0)
    .map((r) => {
      const kept = (r.fieldRestrictions ?? r.fieldPermissions.flatMap((c) => c.after ?? [])).map(
        restrictionInput,
      );
      const lifted = r.fieldPermissions
        .filter((c) => c.after === undefined)
        .map((c): FieldPermissionInput => ({
          objectMetadataId: c.objectMetadataId,
          fieldMetadataId: c.fieldMetadataId,
          canReadFieldValue: null,
          canUpdateFieldValue: null,
        }));
      return {
        kind: 'upsertFieldPermissions',
        roleKey: r.key,
        fieldPermissions: [...kept, ...lifted],
      };
    });
}

function rowLevelOps(roles: readonly RolePlan[]): HostOperation[] {
  return roles.flatMap((r) =>
    r.rowLevel.map((change): HostOperation => ({
      kind: 'upsertRowLevelPermissionPredicates',
      roleKey: r.key,
      objectMetadataId: change.objectMetadataId,
      predicates: change.after.predicates,
      predicateGroups: change.after.groups,
    })),
  );
}

/** The ordered host calls for `plan` (see the module comment for the order and its reasons). */
export function operationsFor(
  plan: HostPlan,
  _actual: HostPermissionState,
  desired: HostPermissionState,
): HostOperation[] {
  const kept = plan.roles.filter((r) => r.change !== 'delete');
  return [
    ...createOps(plan.roles, desired),
    ...updateOps(plan.roles),
    ...objectOps(kept),
    ...fieldOps(kept),
    ...rowLevelOps(kept),
    ...plan.assignments.map((a): HostOperation => ({
      kind: 'updateWorkspaceMemberRole',
      workspaceMemberId: a.memberId,
      roleKey: a.after,
    })),
    ...plan.roles
      .filter((r) => r.change === 'delete' && r.blocked === undefined)
      .map((r): HostOperation => ({ kind: 'deleteRole', roleKey: r.key })),
  ];
}
