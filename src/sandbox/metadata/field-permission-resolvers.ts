/**
 * `upsertFieldPermissions` (repo `object-permission/field-permission/field-permission.service.ts`,
 * 2.43's version built on the workspace-migration builder). Field permissions are a deny-list:
 * only `false` (restrict) or `null` (lift) are accepted, and the input replaces the role's whole
 * set (see `replacedFieldPermissions`). A restriction on a relation field is copied to the
 * relation's other side unless the input names that side too. A read restriction on the
 * label-identifier field is stored as given; Twenty does not refuse it but ignores it when
 * computing effective permissions (PR #14287; see role-views.ts `restrictedFieldsOf`).
 */
import { z } from 'zod';
import type { FieldPermission, SandboxRole, WorkspaceState } from '../workspace.js';
import { commit, type MetadataContext, type RootResolver } from './context.js';
import { badInput, metadataError, permissionsError } from './errors.js';
import { findObjectByName } from './object-views.js';
import { parseArgs } from './parse.js';
import { checkObjectForPermission, roleNotEditableFor } from './permission-checks.js';
import { requireSettingsFlag } from './permission-flags.js';
import { replaceRole, roleOrThrow } from './role-state.js';
import { fieldPermissionView } from './role-views.js';

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
export const upsertFieldPermissions: RootResolver = (args, context) => {
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
