/**
 * Object and field permissions of a role: `upsertObjectPermissions` (repo `metadata-modules/
 * object-permission/object-permission.service.ts`) and `upsertFieldPermissions` (repo
 * `object-permission/field-permission/field-permission.service.ts`), and the role's permission
 * flags (`upsertPermissionFlags`), behind the ROLES flag.
 *
 * Field permissions are a deny-list: only `false` (restrict) or `null` (lift) are accepted, and
 * a row whose two values end up null is deleted. A restriction on a relation field is copied to
 * the relation's other side unless the input names that side too. A read restriction on the
 * label-identifier field is stored as given; Twenty does not refuse it but ignores it when
 * computing effective permissions (PR #14287; see role-views.ts `restrictedFieldsOf`).
 */
import { z } from 'zod';
import { TWENTY_PERMISSION_FLAGS } from '../../host/permission-flags.js';
import type {
  FieldPermission,
  ObjectPermission,
  SandboxRole,
  WorkspaceState,
} from '../workspace.js';
import { commit, type MetadataContext, type RootResolver, stateOf } from './context.js';
import { objectMetadataNotFound, permissionsError } from './errors.js';
import { findObject, findObjectByName } from './object-views.js';
import { parseArgs } from './parse.js';
import { requireSettingsFlag } from './permission-flags.js';
import { editableRoleOrThrow, replaceRole } from './role-state.js';
import { fieldPermissionView, objectPermissionView } from './role-views.js';

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

function checkObjectForPermission(state: WorkspaceState, objectId: string, what: string): void {
  const object = findObject(state, objectId);
  if (object === undefined) throw objectMetadataNotFound();
  if (object.isSystem === true) {
    throw permissionsError(
      'FORBIDDEN',
      `CANNOT_ADD_${what.toUpperCase()}_PERMISSION_ON_SYSTEM_OBJECT`,
      `Cannot add ${what} permission on system object`,
    );
  }
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

const upsertObjectPermissions: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'ROLES');
  const input = parseArgs(objectPermissionsArgs, args).upsertObjectPermissionsInput;
  const role = commit(context, (state) => {
    let next = editableRoleOrThrow(state, input.roleId);
    for (const permission of input.objectPermissions) {
      const existing = next.objectPermissions.find(
        (p) => p.objectMetadataId === permission.objectMetadataId,
      );
      const upserted = merged<ObjectPermission>(existing, permission);
      checkReadBeforeWrite(next, upserted);
      checkObjectForPermission(state, permission.objectMetadataId, 'object');
      const others = next.objectPermissions.filter((p) => p !== existing);
      next = { ...next, objectPermissions: [...others, upserted] };
    }
    return { state: replaceRole(state, next), result: next };
  });
  const ids = new Set(input.objectPermissions.map((p) => p.objectMetadataId));
  const state = stateOf(context);
  return role.objectPermissions
    .filter((p) => ids.has(p.objectMetadataId))
    .map((p) => objectPermissionView(state, role, p));
};

const fieldPermissionInput = z.object({
  objectMetadataId: z.string(),
  fieldMetadataId: z.string(),
  canReadFieldValue: z.boolean().nullish(),
  canUpdateFieldValue: z.boolean().nullish(),
});

type FieldPermissionInput = z.output<typeof fieldPermissionInput>;

const fieldPermissionsArgs = z.object({
  upsertFieldPermissionsInput: z.object({
    roleId: z.string(),
    fieldPermissions: z.array(fieldPermissionInput),
  }),
});

function checkFieldPermission(state: WorkspaceState, permission: FieldPermissionInput): void {
  if (permission.canReadFieldValue === true || permission.canUpdateFieldValue === true) {
    throw permissionsError(
      'BAD_USER_INPUT',
      'ONLY_FIELD_RESTRICTION_ALLOWED',
      'Field permission can only introduce a restriction',
      'Field permissions can only be used to restrict access, not to grant additional permissions.',
    );
  }
  checkObjectForPermission(state, permission.objectMetadataId, 'field');
  const object = findObject(state, permission.objectMetadataId);
  if (object?.fields.some((field) => field.id === permission.fieldMetadataId) !== true) {
    throw permissionsError(
      'NOT_FOUND',
      'FIELD_METADATA_NOT_FOUND',
      'Field metadata not found',
      'The field you are trying to set permissions for could not be found. It may have been deleted.',
    );
  }
}

/** The same restriction on the other side of a relation field, if it has one. */
function relationMirror(
  state: WorkspaceState,
  permission: FieldPermissionInput,
): FieldPermissionInput | undefined {
  const object = findObject(state, permission.objectMetadataId);
  const relation = object?.fields.find((f) => f.id === permission.fieldMetadataId)?.relation;
  if (relation?.targetField === undefined) return undefined;
  const target = findObjectByName(state, relation.targetObject);
  const targetField = target?.fields.find((f) => f.name === relation.targetField);
  if (target === undefined || targetField === undefined) return undefined;
  return { ...permission, objectMetadataId: target.id, fieldMetadataId: targetField.id };
}

function withMirrors(
  state: WorkspaceState,
  inputs: FieldPermissionInput[],
): FieldPermissionInput[] {
  const named = new Set(inputs.map((p) => p.fieldMetadataId));
  const mirrors = inputs
    .map((p) => relationMirror(state, p))
    .filter((p): p is FieldPermissionInput => p !== undefined && !named.has(p.fieldMetadataId));
  return [...inputs, ...mirrors];
}

function upsertFieldPermission(
  context: MetadataContext,
  permissions: readonly FieldPermission[],
  input: FieldPermissionInput,
): FieldPermission[] {
  const existing = permissions.find((p) => p.fieldMetadataId === input.fieldMetadataId);
  const others = permissions.filter((p) => p !== existing);
  const upserted = merged<FieldPermission>(existing, {
    id: existing?.id ?? context.deps.newId(),
    ...input,
  });
  const lifted = upserted.canReadFieldValue == null && upserted.canUpdateFieldValue == null;
  return lifted ? others : [...others, upserted];
}

const upsertFieldPermissions: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'ROLES');
  const input = parseArgs(fieldPermissionsArgs, args).upsertFieldPermissionsInput;
  const role = commit(context, (state) => {
    const current = editableRoleOrThrow(state, input.roleId);
    input.fieldPermissions.forEach((permission) => {
      checkFieldPermission(state, permission);
    });
    const fieldPermissions = withMirrors(state, input.fieldPermissions).reduce<FieldPermission[]>(
      (permissions, permission) => upsertFieldPermission(context, permissions, permission),
      [...current.fieldPermissions],
    );
    const next = { ...current, fieldPermissions };
    return { state: replaceRole(state, next), result: next };
  });
  const objectIds = new Set(input.fieldPermissions.map((p) => p.objectMetadataId));
  return role.fieldPermissions
    .filter((p) => objectIds.has(p.objectMetadataId))
    .map((p) => fieldPermissionView(role, p));
};

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
