/**
 * Object and field permissions of a role: `upsertObjectPermissions` (repo `metadata-modules/
 * object-permission/object-permission.service.ts`) and `upsertFieldPermissions` (repo
 * `object-permission/field-permission/field-permission.service.ts`, 2.43's version built on the
 * workspace-migration builder), and the role's permission flags (`upsertPermissionFlags`),
 * behind the ROLES flag.
 *
 * Both upserts replace the role's whole set of object (resp. field) permissions with their
 * input: what the input leaves out is deleted (2.43's services, built on the workspace-migration
 * builder, compute creates, updates and deletes against the role's current rows).
 *
 * Field permissions are a deny-list: only `false` (restrict) or `null` (lift) are accepted, and
 * `upsertFieldPermissions` replaces the role's whole set with the input (see
 * `replacedFieldPermissions`). A restriction on a relation field is copied to the relation's
 * other side unless the input names that side too. A read restriction on the label-identifier
 * field is stored as given; Twenty does not refuse it but ignores it when computing effective
 * permissions (PR #14287; see role-views.ts `restrictedFieldsOf`).
 */
import type { GraphQLError } from 'graphql';
import { z } from 'zod';
import { TWENTY_PERMISSION_FLAGS } from '../../host/permission-flags.js';
import type {
  FieldPermission,
  ObjectPermission,
  SandboxRole,
  WorkspaceState,
} from '../workspace.js';
import { commit, type MetadataContext, type RootResolver, stateOf } from './context.js';
import { badInput, metadataError, objectMetadataNotFound, permissionsError } from './errors.js';
import { findObject, findObjectByName } from './object-views.js';
import { parseArgs } from './parse.js';
import { requireSettingsFlag } from './permission-flags.js';
import { editableRoleOrThrow, replaceRole, roleOrThrow } from './role-state.js';
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

/** Twenty's answer for a system object; the field variant carries a user-facing message. */
const SYSTEM_OBJECT_USER_MESSAGE: Readonly<Record<'object' | 'field', string>> = {
  object: 'You cannot set permissions on system objects as they are managed by the platform.',
  field: 'You cannot set field permissions on system objects as they are managed by the platform.',
};

function checkObjectForPermission(
  state: WorkspaceState,
  objectId: string,
  what: 'object' | 'field',
): void {
  const object = findObject(state, objectId);
  if (object === undefined) {
    // object-permission.service.ts words its own message; the field service uses the enum's.
    if (what === 'field') throw objectMetadataNotFound();
    throw permissionsError(
      'NOT_FOUND',
      'OBJECT_METADATA_NOT_FOUND_PERMISSIONS',
      'Object metadata id not found',
      'The object you are trying to set permissions for could not be found. It may have been deleted.',
    );
  }
  if (object.isSystem === true) {
    throw permissionsError(
      'FORBIDDEN',
      `CANNOT_ADD_${what.toUpperCase()}_PERMISSION_ON_SYSTEM_OBJECT`,
      `Cannot add ${what} permission on system object`,
      SYSTEM_OBJECT_USER_MESSAGE[what],
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

/** The builder's refusal of a change to a role that is not editable (see the field variant). */
function roleNotEditableFor(metadataName: 'objectPermission' | 'fieldPermission'): GraphQLError {
  const what = metadataName === 'objectPermission' ? 'object' : 'field';
  return metadataError(
    `Validation errors occurred while upserting ${what} permissions`,
    'METADATA_VALIDATION_FAILED',
    {
      extra: {
        errors: {
          [metadataName]: [
            {
              errors: [
                {
                  code: 'ROLE_NOT_EDITABLE',
                  message: 'Role is not editable',
                  userFriendlyMessage:
                    'This role cannot be modified because it is a system role. Only custom roles can be edited.',
                },
              ],
            },
          ],
        },
      },
    },
  );
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

/** Every field of the workspace by id: Twenty 2.43 looks a permission's field up workspace-wide. */
function fieldById(state: WorkspaceState, fieldId: string) {
  for (const object of state.objects) {
    const field = object.fields.find((f) => f.id === fieldId);
    if (field !== undefined) return { object, field };
  }
  return undefined;
}

/**
 * `validateFieldPermission` (repo `object-permission/field-permission/field-permission.service
 * .ts`), in its order: one entry per field, restrictions only (an omitted value counts as a
 * grant: the service compares with `null` and `false` only), the object exists and is not a
 * system object, the field exists.
 */
function checkFieldPermission(
  state: WorkspaceState,
  all: readonly FieldPermissionInput[],
  permission: FieldPermissionInput,
): void {
  if (all.filter((p) => p.fieldMetadataId === permission.fieldMetadataId).length > 1) {
    throw badInput(
      `Cannot accept more than one fieldPermission for field ${permission.fieldMetadataId} in input.`,
    );
  }
  const restricts = (value: boolean | null | undefined) => value === null || value === false;
  if (!restricts(permission.canReadFieldValue) || !restricts(permission.canUpdateFieldValue)) {
    throw permissionsError(
      'BAD_USER_INPUT',
      'ONLY_FIELD_RESTRICTION_ALLOWED',
      'Field permission can only introduce a restriction',
      'Field permissions can only be used to restrict access, not to grant additional permissions.',
    );
  }
  checkObjectForPermission(state, permission.objectMetadataId, 'field');
  if (fieldById(state, permission.fieldMetadataId) === undefined) {
    throw permissionsError(
      'NOT_FOUND',
      'FIELD_METADATA_NOT_FOUND',
      'Field metadata not found',
      'The field you are trying to set permissions for could not be found. It may have been deleted.',
    );
  }
}

/** What the role should hold for one field after the call (`undefined`: keep what is stored). */
interface Desired {
  readonly objectMetadataId: string;
  readonly fieldMetadataId: string;
  readonly canReadFieldValue: boolean | undefined;
  readonly canUpdateFieldValue: boolean | undefined;
}

const keyOf = (p: { objectMetadataId: string; fieldMetadataId: string }) =>
  `${p.objectMetadataId}:${p.fieldMetadataId}`;

/**
 * `addRelatedFieldPermissionsToDesired`: an entry on a one-to-many or many-to-one relation field
 * also stands for the relation's other side, unless the input names that side, in which case
 * the two must agree. Entries that lift both values still reach the other side (with nothing to
 * set), as in Twenty.
 */
function withRelationSides(
  state: WorkspaceState,
  inputs: readonly FieldPermissionInput[],
  desired: Map<string, Desired>,
): void {
  const named = new Map(inputs.map((p) => [keyOf(p), p]));
  for (const permission of inputs) {
    const relation = fieldById(state, permission.fieldMetadataId)?.field.relation;
    if (relation?.targetField === undefined) continue;
    if (relation.type !== 'MANY_TO_ONE' && relation.type !== 'ONE_TO_MANY') continue;
    const target = findObjectByName(state, relation.targetObject);
    const targetField = target?.fields.find((f) => f.name === relation.targetField);
    if (target === undefined || targetField === undefined) continue;
    const side = { objectMetadataId: target.id, fieldMetadataId: targetField.id };
    const inInput = named.get(keyOf(side));
    if (inInput !== undefined) {
      if (
        inInput.canReadFieldValue !== permission.canReadFieldValue ||
        inInput.canUpdateFieldValue !== permission.canUpdateFieldValue
      ) {
        throw metadataError(
          'Conflicting field permissions found for relation target field',
          'BAD_USER_INPUT',
          {
            userFriendlyMessage:
              'Contradicting field permissions have been detected on a relation field.',
          },
        );
      }
      continue;
    }
    desired.set(keyOf(side), {
      ...side,
      canReadFieldValue: permission.canReadFieldValue ?? undefined,
      canUpdateFieldValue: permission.canUpdateFieldValue ?? undefined,
    });
  }
}

/**
 * The role's field permissions after the call. Twenty 2.43 treats the input as the role's whole
 * set: an entry is kept or created, one lifting both values is dropped, and every stored row the
 * input does not name is deleted. A `null` in a kept entry does not lift a stored `false`
 * (`desired ?? current`); only dropping the entry does.
 */
function replacedFieldPermissions(
  context: MetadataContext,
  state: WorkspaceState,
  role: SandboxRole,
  inputs: readonly FieldPermissionInput[],
): FieldPermission[] {
  const desired = new Map<string, Desired>();
  for (const p of inputs) {
    if (p.canReadFieldValue == null && p.canUpdateFieldValue == null) continue;
    desired.set(keyOf(p), {
      objectMetadataId: p.objectMetadataId,
      fieldMetadataId: p.fieldMetadataId,
      canReadFieldValue: p.canReadFieldValue ?? undefined,
      canUpdateFieldValue: p.canUpdateFieldValue ?? undefined,
    });
  }
  withRelationSides(state, inputs, desired);
  const current = new Map(role.fieldPermissions.map((p) => [keyOf(p), p]));
  return [...desired.values()].map((wanted): FieldPermission => {
    const stored = current.get(keyOf(wanted));
    return {
      id: stored?.id ?? context.deps.newId(),
      objectMetadataId: wanted.objectMetadataId,
      fieldMetadataId: wanted.fieldMetadataId,
      canReadFieldValue: wanted.canReadFieldValue ?? stored?.canReadFieldValue ?? null,
      canUpdateFieldValue: wanted.canUpdateFieldValue ?? stored?.canUpdateFieldValue ?? null,
    };
  });
}

function sameFieldPermissions(a: readonly FieldPermission[], b: readonly FieldPermission[]) {
  const flat = (list: readonly FieldPermission[]) =>
    list
      .map((p) => `${keyOf(p)}:${p.canReadFieldValue ?? null}:${p.canUpdateFieldValue ?? null}`)
      .sort()
      .join('|');
  return flat(a) === flat(b);
}

/**
 * The role checks run in the workspace-migration builder (repo `workspace-migration-builder/
 * validators/services/flat-field-permission-validator.service.ts` and its object sibling), after
 * the input checks and only when something changes; a failure there is a builder exception.
 */
const upsertFieldPermissions: RootResolver = (args, context) => {
  requireSettingsFlag(context, 'ROLES');
  const input = parseArgs(fieldPermissionsArgs, args).upsertFieldPermissionsInput;
  const role = commit(context, (state) => {
    input.fieldPermissions.forEach((permission) => {
      checkFieldPermission(state, input.fieldPermissions, permission);
    });
    const current = roleOrThrow(state, input.roleId);
    const fieldPermissions = replacedFieldPermissions(
      context,
      state,
      current,
      input.fieldPermissions,
    );
    if (sameFieldPermissions(current.fieldPermissions, fieldPermissions)) {
      return { state, result: current };
    }
    if (!current.isEditable) throw roleNotEditableFor('fieldPermission');
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
