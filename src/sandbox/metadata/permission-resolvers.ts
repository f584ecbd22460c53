/**
 * A role's object permissions (`upsertObjectPermissions`, repo `metadata-modules/
 * object-permission/object-permission.service.ts`) and permission flags
 * (`upsertPermissionFlags`), behind the ROLES flag; field permissions are in
 * field-permission-resolvers.ts.
 *
 * The object upsert replaces the role's whole set with its input: what the input leaves out is
 * deleted (2.43's service, built on the workspace-migration builder, computes creates, updates
 * and deletes against the role's current rows).
 */
import { z } from 'zod';
import { TWENTY_PERMISSION_FLAGS } from '../../host/permission-flags.js';
import type { ObjectPermission, SandboxRole } from '../workspace.js';
import { commit, type RootResolver, stateOf } from './context.js';
import { permissionsError } from './errors.js';
import { upsertFieldPermissions } from './field-permission-resolvers.js';
import { parseArgs } from './parse.js';
import { checkObjectForPermission, roleNotEditableFor } from './permission-checks.js';
import { requireSettingsFlag } from './permission-flags.js';
import { editableRoleOrThrow, replaceRole, roleOrThrow } from './role-state.js';
import { objectPermissionView } from './role-views.js';

const objectPermissionsArgs = z.object({
  upsertObjectPermissionsInput: z.object({
    roleId: z.string(),
    objectPermissions: z.array(
      z.object({
        objectMetadataId: z.string(),
        canReadObjectRecords: z.boolean().nullish(),
        canUpdateObjectRecords: z.boolean().nullish(),
        canSoftDeleteObjectRecords: z.boolean().nullish(),
        canDestroyObjectRecords: z.boolean().nullish(),
      }),
    ),
  }),
});

/** Values present in the input replace the stored ones; absent ones are kept. */
function merged<T extends object>(existing: T | undefined, input: T): T {
  const present = Object.entries(input).filter(([, value]) => value !== undefined);
  return { ...existing, ...Object.fromEntries(present) } as T;
}

/** `validateObjectPermissionsReadAndWriteConsistencyOrThrow`: no writing without reading. */
function checkReadBeforeWrite(role: SandboxRole, permission: ObjectPermission): void {
  const read = permission.canReadObjectRecords ?? role.canReadAllObjectRecords;
  if (read) return;
  const writes = [
    permission.canUpdateObjectRecords ?? role.canUpdateAllObjectRecords,
    permission.canSoftDeleteObjectRecords ?? role.canSoftDeleteAllObjectRecords,
    permission.canDestroyObjectRecords ?? role.canDestroyAllObjectRecords,
  ];
  if (writes.some(Boolean)) {
    throw permissionsError(
      'BAD_USER_INPUT',
      'CANNOT_GIVE_WRITING_PERMISSION_ON_NON_READABLE_OBJECT',
      'Cannot give update permission to non-readable object',
      'You cannot grant edit permissions without also granting read permissions. Please enable read access first.',
    );
  }
}

/**
 * 2.43's `upsertObjectPermissions` (repo `object-permission/object-permission.service.ts`), in
 * its order: the role exists, no entry gives writes without reads, each object exists and is
 * not a system object; then the builder refuses a role that is not editable, and only when the
 * call changes something.
 */
const upsertObjectPermissions: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'ROLES');
  const input = parseArgs(objectPermissionsArgs, args).upsertObjectPermissionsInput;
  const role = commit(context, (state) => {
    const current = roleOrThrow(state, input.roleId);
    const upserted = input.objectPermissions.map((permission) =>
      merged<ObjectPermission>(
        current.objectPermissions.find((p) => p.objectMetadataId === permission.objectMetadataId),
        permission,
      ),
    );
    upserted.forEach((permission) => {
      checkReadBeforeWrite(current, permission);
    });
    input.objectPermissions.forEach((permission) => {
      checkObjectForPermission(state, permission.objectMetadataId, 'object');
    });
    // The input is the role's whole set: an object it leaves out loses its own permission and
    // falls back to the role-wide switches.
    const next = { ...current, objectPermissions: upserted };
    if (sameObjectPermissions(current.objectPermissions, upserted)) {
      return { state, result: current };
    }
    if (!current.isEditable) throw roleNotEditableFor('objectPermission');
    return { state: replaceRole(state, next), result: next };
  });
  const ids = new Set(input.objectPermissions.map((p) => p.objectMetadataId));
  const state = stateOf(context);
  return role.objectPermissions
    .filter((p) => ids.has(p.objectMetadataId))
    .map((p) => objectPermissionView(state, role, p));
};

function sameObjectPermissions(a: readonly ObjectPermission[], b: readonly ObjectPermission[]) {
  const flat = (list: readonly ObjectPermission[]) =>
    list
      .map((p) =>
        [
          p.objectMetadataId,
          p.canReadObjectRecords ?? null,
          p.canUpdateObjectRecords ?? null,
          p.canSoftDeleteObjectRecords ?? null,
          p.canDestroyObjectRecords ?? null,
        ].join(':'),
      )
      .sort()
      .join('|');
  return flat(a) === flat(b);
}

const permissionFlagsArgs = z.object({
  upsertPermissionFlagsInput: z.object({
    roleId: z.string(),
    permissionFlagKeys: z.array(z.string()),
  }),
});

/**
 * `upsertPermissionFlags` (repo `role-permission-flag.service.ts`): the role's flags become
 * exactly the keys given (callers that add one send the whole list). A key Twenty does not know
 * is refused; the exact error code Twenty answers with is UNVERIFIED, the refusal is not.
 */
const upsertPermissionFlags: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'ROLES');
  const input = parseArgs(permissionFlagsArgs, args).upsertPermissionFlagsInput;
  const unknown = input.permissionFlagKeys.filter(
    (key) => !(TWENTY_PERMISSION_FLAGS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    throw permissionsError(
      'BAD_USER_INPUT',
      'INVALID_SETTING',
      `Invalid permission flag ${unknown.join(', ')}`,
    );
  }
  const role = commit(context, (state) => {
    const next = {
      ...editableRoleOrThrow(state, input.roleId),
      permissionFlags: [...new Set(input.permissionFlagKeys)],
    };
    return { state: replaceRole(state, next), result: next };
  });
  return role.permissionFlags.map((flag) => ({ id: `${role.id}:${flag}`, roleId: role.id, flag }));
};

export const permissionResolvers: Readonly<Record<string, RootResolver>> = {
  upsertObjectPermissions,
  upsertFieldPermissions,
  upsertPermissionFlags,
};
