/**
 * Pure changes to the roles of a workspace state, shared by the role and permission resolvers.
 */
import type { SandboxRole, WorkspaceState } from '../workspace.js';
import { roleNotEditable, roleNotFound } from './errors.js';

export function findRole(state: WorkspaceState, roleId: string): SandboxRole | undefined {
  return state.roles.find((role) => role.id === roleId);
}

export function roleOrThrow(state: WorkspaceState, roleId: string): SandboxRole {
  const role = findRole(state, roleId);
  if (role === undefined) throw roleNotFound();
  return role;
}

/** Twenty's `validateRoleIsEditableOrThrow` (object-permission.service.ts and siblings). */
export function editableRoleOrThrow(state: WorkspaceState, roleId: string): SandboxRole {
  const role = roleOrThrow(state, roleId);
  if (!role.isEditable) throw roleNotEditable();
  return role;
}

export function replaceRole(state: WorkspaceState, next: SandboxRole): WorkspaceState {
  return { ...state, roles: state.roles.map((role) => (role.id === next.id ? next : role)) };
}

/** Drops field permissions and row-level predicates that name deleted fields. */
export function withoutField(state: WorkspaceState, fieldIds: ReadonlySet<string>): WorkspaceState {
  return {
    ...state,
    roles: state.roles.map((role) => ({
      ...role,
      fieldPermissions: role.fieldPermissions.filter((p) => !fieldIds.has(p.fieldMetadataId)),
      rowLevelPermissionPredicates: role.rowLevelPermissionPredicates.filter(
        (p) =>
          !fieldIds.has(p.fieldMetadataId) && !fieldIds.has(p.workspaceMemberFieldMetadataId ?? ''),
      ),
    })),
  };
}

/**
 * The admin role: Twenty's standard, non-editable Admin role (repo `metadata-modules/user-role/
 * user-role.service.ts` compares with `STANDARD_ROLE.admin`; earlier versions with
 * `isEditable === false`, which is what the sandbox, having no universal identifiers, uses).
 */
export function isAdminRole(role: SandboxRole): boolean {
  return !role.isEditable;
}
