/**
 * `Role`, `WorkspaceMember`, `ObjectPermission`, `FieldPermission` and the row-level types as
 * the metadata API returns them (repo `metadata-modules/role/dtos/role.dto.ts`,
 * `object-permission/dtos/*.dto.ts`, `row-level-permission-predicate/dtos/*.dto.ts`).
 *
 * Row-level predicates are only returned when the workspace holds the RLS entitlement: Twenty's
 * readers answer `[]` when `ensureRowLevelPermissionEntitlement` fails (repo `row-level-
 * permission-predicate/services/row-level-permission-predicate.service.ts`, `findByRoleAndObject`).
 */
import { objectPermissionsOf } from '../permissions/role-permissions.js';
import type {
  FieldPermission,
  ObjectPermission,
  SandboxMember,
  SandboxRole,
  WorkspaceState,
} from '../workspace.js';
import { notImplemented } from './errors.js';
import { findObject, labelIdentifierField } from './object-views.js';

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function memberName(value: unknown): { firstName: string; lastName: string } {
  if (typeof value !== 'object' || value === null) return { firstName: '', lastName: '' };
  const name = value as Readonly<Record<string, unknown>>;
  return { firstName: text(name.firstName) ?? '', lastName: text(name.lastName) ?? '' };
}

/** The WorkspaceMember type, from the member's record (`records.workspaceMember[id]`). */
export function workspaceMemberView(state: WorkspaceState, member: SandboxMember) {
  const record = state.records.workspaceMember?.[member.id];
  const role = state.roles.find((candidate) => candidate.id === member.roleId);
  return {
    id: member.id,
    name: memberName(record?.name),
    userEmail: member.userEmail,
    colorScheme: text(record?.colorScheme) ?? 'System',
    uiScale: () => {
      throw notImplemented('WorkspaceMember.uiScale');
    },
    openRecordIn: 'SIDE_PANEL',
    avatarUrl: text(record?.avatarUrl),
    locale: text(record?.locale) ?? 'en',
    calendarStartDay: null,
    timeZone: text(record?.timeZone) ?? 'system',
    dateFormat: null,
    timeFormat: null,
    // One role per member (PR #10482); the schema keeps the list of Twenty's data model.
    roles: () => (role === undefined ? [] : [roleView(state, role)]),
    // The sandbox has no user-workspace rows; the member id stands in for one.
    userWorkspaceId: member.id,
    numberFormat: null,
  };
}

function predicatesFor(state: WorkspaceState, role: SandboxRole, objectId?: string) {
  if (!state.rlsEnabled) return [];
  return role.rowLevelPermissionPredicates
    .filter((predicate) => objectId === undefined || predicate.objectMetadataId === objectId)
    .map((predicate) => ({
      subFieldName: null,
      workspaceMemberFieldMetadataId: null,
      workspaceMemberSubFieldName: null,
      rowLevelPermissionPredicateGroupId: null,
      positionInRowLevelPermissionPredicateGroup: null,
      ...predicate,
      value: predicate.value ?? null,
      roleId: role.id,
    }));
}

function predicateGroupsFor(state: WorkspaceState, role: SandboxRole, objectId?: string) {
  if (!state.rlsEnabled) return [];
  return role.rowLevelPermissionPredicateGroups
    .filter((group) => objectId === undefined || group.objectMetadataId === objectId)
    .map((group) => ({
      parentRowLevelPermissionPredicateGroupId: null,
      positionInRowLevelPermissionPredicateGroup: null,
      ...group,
      roleId: role.id,
    }));
}

export type RestrictedFields = Record<string, { canRead?: boolean; canUpdate?: boolean }>;

/**
 * `restrictedFields`: fieldMetadataId → the field's restrictions. With `effective`, a read
 * restriction on the object's label identifier is dropped, as Twenty does in its permission
 * cache while keeping it stored (PR #14287 "Adapt field permissions to label identifier").
 */
export function restrictedFieldsOf(
  state: WorkspaceState,
  role: SandboxRole,
  objectId: string,
  effective: boolean,
): RestrictedFields {
  const object = findObject(state, objectId);
  const labelId = object === undefined ? undefined : labelIdentifierField(object)?.id;
  const restricted: RestrictedFields = {};
  for (const permission of role.fieldPermissions) {
    if (permission.objectMetadataId !== objectId) continue;
    const readDenied =
      permission.canReadFieldValue === false &&
      !(effective && permission.fieldMetadataId === labelId);
    const updateDenied = permission.canUpdateFieldValue === false;
    if (!readDenied && !updateDenied) continue;
    restricted[permission.fieldMetadataId] = {
      ...(readDenied ? { canRead: false } : {}),
      ...(updateDenied ? { canUpdate: false } : {}),
    };
  }
  return restricted;
}

export function objectPermissionView(
  state: WorkspaceState,
  role: SandboxRole,
  permission: ObjectPermission,
) {
  return {
    objectMetadataId: permission.objectMetadataId,
    canReadObjectRecords: permission.canReadObjectRecords ?? null,
    canUpdateObjectRecords: permission.canUpdateObjectRecords ?? null,
    canSoftDeleteObjectRecords: permission.canSoftDeleteObjectRecords ?? null,
    canDestroyObjectRecords: permission.canDestroyObjectRecords ?? null,
    restrictedFields: restrictedFieldsOf(state, role, permission.objectMetadataId, false),
    rowLevelPermissionPredicates: predicatesFor(state, role, permission.objectMetadataId),
    rowLevelPermissionPredicateGroups: predicateGroupsFor(state, role, permission.objectMetadataId),
  };
}

/** The role's permissions on every object, wide switches resolved (`objectsPermissions`). */
export function effectiveObjectPermissions(state: WorkspaceState, role: SandboxRole) {
  // What is reported is what is enforced: the same computation as the native authorizer's.
  const enforced = objectPermissionsOf(state, role.id);
  return state.objects.map((object) => {
    const permissions = enforced[object.id];
    return {
      objectMetadataId: object.id,
      canReadObjectRecords: permissions?.canRead ?? false,
      canUpdateObjectRecords: permissions?.canUpdate ?? false,
      canSoftDeleteObjectRecords: permissions?.canSoftDelete ?? false,
      canDestroyObjectRecords: permissions?.canDestroy ?? false,
      restrictedFields: restrictedFieldsOf(state, role, object.id, true),
      rowLevelPermissionPredicates: predicatesFor(state, role, object.id),
      rowLevelPermissionPredicateGroups: predicateGroupsFor(state, role, object.id),
    };
  });
}

export function fieldPermissionView(role: SandboxRole, permission: FieldPermission) {
  return {
    id: permission.id,
    objectMetadataId: permission.objectMetadataId,
    fieldMetadataId: permission.fieldMetadataId,
    roleId: role.id,
    canReadFieldValue: permission.canReadFieldValue ?? null,
    canUpdateFieldValue: permission.canUpdateFieldValue ?? null,
  };
}

export function rowLevelViews(state: WorkspaceState, role: SandboxRole, objectId: string) {
  return {
    predicates: predicatesFor(state, role, objectId),
    predicateGroups: predicateGroupsFor(state, role, objectId),
  };
}

export function roleView(state: WorkspaceState, role: SandboxRole) {
  const { permissionFlags, objectPermissions, fieldPermissions, ...switches } = role;
  return {
    ...switches,
    universalIdentifier: role.id,
    workspaceMembers: () =>
      state.members
        .filter((member) => member.roleId === role.id)
        .map((member) => workspaceMemberView(state, member)),
    agents: [],
    // Revoked keys are left out (repo `api-key/services/api-key-role.service.ts`).
    apiKeys: () =>
      state.apiKeys
        .filter((key) => key.roleId === role.id && key.revokedAt === null)
        .map(({ id, name, expiresAt, revokedAt }) => ({ id, name, expiresAt, revokedAt })),
    // Flag rows have no id in the sandbox model; a stable one is derived from role and flag.
    permissionFlags: permissionFlags.map((flag) => ({
      id: `${role.id}:${flag}`,
      roleId: role.id,
      flag,
    })),
    objectPermissions: objectPermissions.map((p) => objectPermissionView(state, role, p)),
    fieldPermissions: fieldPermissions.map((p) => fieldPermissionView(role, p)),
    rowLevelPermissionPredicates: predicatesFor(state, role),
    rowLevelPermissionPredicateGroups: predicateGroupsFor(state, role),
  };
}
