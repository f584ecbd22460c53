/**
 * One host role: its object permissions, field permissions and row-level predicates on every
 * object the policy governs (the role's grants at its tier, restrictions applied).
 *
 * Object permissions (set for every governed object, all false when the role has nothing on it,
 * so that nothing depends on the role-wide switches, which are all false: least privilege):
 * - canRead: the read scope at the tier is not `none` (any scope makes the object readable
 *   natively; narrowing it is the predicates' or the gateway's job);
 * - canUpdate: update is not `none`, or create is granted (Twenty authorises inserts with
 *   canUpdateObjectRecords: sandbox `permissions/role-permissions.ts`); create without update
 *   leaves updates to the gateway to refuse;
 * - canSoftDelete: delete is not `none`; canDestroy: destroy is not `none`.
 * Twenty refuses a write permission on an object the role cannot read, so a write granted
 * without read is not encoded: a problem. An unreadable object gets no field permissions and
 * no predicates (nothing to narrow).
 *
 * Export is not a record permission in Twenty (a workspace-wide setting at most): a role that
 * reads an object it may not export gets a duty.
 */
import type { DiscoveredObject } from '../host/data-model.js';
import type { HostFieldPermission, HostObjectPermission, HostRole } from './host-state.js';
import {
  grantsAt,
  isGranted,
  type CompileContext,
  type HeldRole,
  type ObjectGrants,
} from './compile-grants.js';
import { fieldPermissions } from './compile-fields.js';
import { rowLevelFor, type RowLevel } from './compile-rls.js';

function objectPermission(
  ctx: CompileContext,
  held: HeldRole,
  object: DiscoveredObject,
  grants: ObjectGrants,
): HostObjectPermission {
  const canRead = isGranted(grants.read);
  const writes = {
    update: isGranted(grants.update) || grants.create,
    delete: isGranted(grants.delete),
    destroy: isGranted(grants.destroy),
  };
  const unreadable = Object.entries(writes).filter(([, granted]) => granted && !canRead);
  if (unreadable.length > 0) {
    const actions = unreadable.map(([action]) => action).join(', ');
    ctx.problem(
      grants.base,
      `${held.key}: ${actions} on ${object.nameSingular} granted without read; Twenty refuses write permissions on an object the role cannot read, so they are not granted`,
    );
  }
  return {
    objectMetadataId: object.id,
    canReadObjectRecords: canRead,
    canUpdateObjectRecords: canRead && writes.update,
    canSoftDeleteObjectRecords: canRead && writes.delete,
    canDestroyObjectRecords: canRead && writes.destroy,
  };
}

function objectDuties(
  ctx: CompileContext,
  held: HeldRole,
  object: DiscoveredObject,
  grants: ObjectGrants,
): void {
  const name = object.nameSingular;
  if (grants.create && !isGranted(grants.update)) {
    ctx.duty(
      grants.update.path,
      `${held.key}: creates ${name} records but may not update them; Twenty authorises inserts with canUpdateObjectRecords, so the gateway refuses updates`,
    );
  }
  if (!grants.export) {
    ctx.duty(
      `${grants.base}.export`,
      `${held.key}: may read ${name} but not export it; Twenty has no per-object export permission, so the gateway refuses exports`,
    );
  }
}

/** The host role of `held`, over the governed objects (sorted by name). */
export function hostRole(
  ctx: CompileContext,
  held: HeldRole,
  objects: readonly DiscoveredObject[],
): HostRole {
  const objectPermissions: HostObjectPermission[] = [];
  const fields: HostFieldPermission[] = [];
  const rowLevel: Record<string, RowLevel> = {};
  for (const object of objects) {
    const grants = grantsAt(ctx, held, object.nameSingular);
    const permission = objectPermission(ctx, held, object, grants);
    objectPermissions.push(permission);
    if (!permission.canReadObjectRecords) continue;
    objectDuties(ctx, held, object, grants);
    fields.push(...fieldPermissions(ctx, held, object, grants));
    const predicates = rowLevelFor(ctx, held, object, grants);
    if (predicates !== undefined) rowLevel[object.id] = predicates;
  }
  const role = ctx.policy.roles[held.role];
  const tier = ctx.policy.tiers.find((t) => t.id === held.tier);
  return {
    key: held.key,
    label: `${role?.label ?? held.role} · ${tier?.label ?? held.tier}`,
    description: `Managed by Tiergate (${held.key}). Do not edit: changes are reverted.`,
    canReadAllObjectRecords: false,
    canUpdateAllObjectRecords: false,
    canSoftDeleteAllObjectRecords: false,
    canDestroyAllObjectRecords: false,
    objectPermissions,
    fieldPermissions: fields,
    rowLevel,
  };
}
