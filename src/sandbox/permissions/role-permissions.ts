/**
 * A role's permissions on each object, computed as Twenty's roles-permissions cache computes them
 * (repo `engine/metadata-modules/workspace-roles-permissions-cache/
 * workspace-roles-permissions-cache.service.ts`, `computeForCache`).
 */
import type { SandboxObject, SandboxRole, WorkspaceState } from '../workspace.js';

/** `RestrictedFieldsPermissions` of twenty-shared: field id → what the role may do with it. */
export type RestrictedFields = Record<string, { canRead?: boolean; canUpdate?: boolean }>;

export interface ObjectRecordsPermissions {
  readonly canRead: boolean;
  readonly canUpdate: boolean;
  readonly canSoftDelete: boolean;
  readonly canDestroy: boolean;
  readonly restrictedFields: RestrictedFields;
}

/** Per object id. An unknown role gets an empty map, so nothing is permitted. */
export type ObjectsPermissions = Record<string, ObjectRecordsPermissions>;

/** The standard objects whose records only the WORKFLOWS setting opens (same service). */
const WORKFLOW_OBJECTS: readonly string[] = ['workflow', 'workflowRun', 'workflowVersion'];
const WORKSPACE_MEMBER_OBJECT = 'workspaceMember';

export function roleById(state: WorkspaceState, roleId: string): SandboxRole | undefined {
  return state.roles.find((role) => role.id === roleId);
}

export function objectPermissionsOf(state: WorkspaceState, roleId: string): ObjectsPermissions {
  const role = roleById(state, roleId);
  if (role === undefined) return {};
  const permissions: ObjectsPermissions = {};
  for (const object of state.objects) {
    permissions[object.id] = {
      ...recordPermissionsOf(role, object),
      restrictedFields: restrictedFieldsOf(role, object),
    };
  }
  return permissions;
}

type RecordPermissions = Omit<ObjectRecordsPermissions, 'restrictedFields'>;

function allOrNothing(permitted: boolean): RecordPermissions {
  return {
    canRead: permitted,
    canUpdate: permitted,
    canSoftDelete: permitted,
    canDestroy: permitted,
  };
}

/**
 * Repo `workspace-roles-permissions-cache.service.ts`:
 * - workflow objects: every permission follows the WORKFLOWS setting (or canUpdateAllSettings);
 * - workspaceMember: always readable, writes follow WORKSPACE_MEMBERS (or canUpdateAllSettings),
 *   and object permissions are not consulted;
 * - other system objects: everything permitted;
 * - otherwise each action is the object permission when set (true or false), else the
 *   role-wide `can*AllObjectRecords` switch: the override works in both directions.
 */
function recordPermissionsOf(role: SandboxRole, object: SandboxObject): RecordPermissions {
  if (WORKFLOW_OBJECTS.includes(object.nameSingular)) {
    return allOrNothing(hasSettingsPermission(role, 'WORKFLOWS'));
  }
  if (object.nameSingular === WORKSPACE_MEMBER_OBJECT) {
    const canWrite = hasSettingsPermission(role, 'WORKSPACE_MEMBERS');
    return { ...allOrNothing(canWrite), canRead: true };
  }
  if (object.isSystem === true) return allOrNothing(true);
  const override = role.objectPermissions.find(
    (permission) => permission.objectMetadataId === object.id,
  );
  return {
    canRead: override?.canReadObjectRecords ?? role.canReadAllObjectRecords,
    canUpdate: override?.canUpdateObjectRecords ?? role.canUpdateAllObjectRecords,
    canSoftDelete: override?.canSoftDeleteObjectRecords ?? role.canSoftDeleteAllObjectRecords,
    canDestroy: override?.canDestroyObjectRecords ?? role.canDestroyAllObjectRecords,
  };
}

/** `hasSettingsGatedObjectPermissions` (same service). */
function hasSettingsPermission(role: SandboxRole, flag: string): boolean {
  return role.canUpdateAllSettings || role.permissionFlags.includes(flag);
}

/**
 * Field permissions are a deny-list (same service): a field is listed when either value is set,
 * and the object's label identifier can never be read-restricted.
 */
function restrictedFieldsOf(role: SandboxRole, object: SandboxObject): RestrictedFields {
  const labelIdentifierId = labelIdentifierFieldIdOf(object);
  const restricted: RestrictedFields = {};
  for (const permission of role.fieldPermissions) {
    if (permission.objectMetadataId !== object.id) continue;
    const canRead = permission.canReadFieldValue ?? undefined;
    const canUpdate = permission.canUpdateFieldValue ?? undefined;
    if (canRead === undefined && canUpdate === undefined) continue;
    restricted[permission.fieldMetadataId] = {
      ...(permission.fieldMetadataId === labelIdentifierId ? { canRead: true } : { canRead }),
      canUpdate,
    };
  }
  return restricted;
}

/**
 * UNVERIFIED: SandboxObject has no `labelIdentifierFieldMetadataId`; Twenty's standard objects
 * and new custom objects use their `name` field (tasks: `title`), so that field stands in.
 */
function labelIdentifierFieldIdOf(object: SandboxObject): string | undefined {
  const byName = (name: string) => object.fields.find((field) => field.name === name)?.id;
  return byName('name') ?? byName('title');
}
