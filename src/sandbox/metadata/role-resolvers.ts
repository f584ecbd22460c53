/**
 * Roles and role assignment: `getRoles`, `createOneRole`, `updateOneRole`, `deleteOneRole`,
 * `updateWorkspaceMemberRole` (repo `metadata-modules/role/role.resolver.ts`, all behind
 * `WorkspaceAuthGuard` and `SettingsPermissionsGuard(ROLES)`, the last also behind
 * `UserAuthGuard`; `role.service.ts`; `user-role/user-role.service.ts`).
 */
import { z } from 'zod';
import { sandboxRole } from '../seed-state.js';
import type { SandboxRole, WorkspaceState } from '../workspace.js';
import { commit, type MetadataContext, type RootResolver, stateOf } from './context.js';
import { metadataError, permissionsError } from './errors.js';
import { parseArgs } from './parse.js';
import { requireSettingsFlag } from './permission-flags.js';
import { editableRoleOrThrow, isAdminRole, replaceRole, roleOrThrow } from './role-state.js';
import { roleView, workspaceMemberView } from './role-views.js';

const roleSwitches = {
  description: z.string().nullish(),
  icon: z.string().nullish(),
  canUpdateAllSettings: z.boolean().nullish(),
  canAccessAllTools: z.boolean().nullish(),
  canReadAllObjectRecords: z.boolean().nullish(),
  canUpdateAllObjectRecords: z.boolean().nullish(),
  canSoftDeleteAllObjectRecords: z.boolean().nullish(),
  canDestroyAllObjectRecords: z.boolean().nullish(),
  canBeAssignedToUsers: z.boolean().nullish(),
  canBeAssignedToAgents: z.boolean().nullish(),
  canBeAssignedToApiKeys: z.boolean().nullish(),
};

const createRoleArgs = z.object({
  createRoleInput: z.object({ id: z.string().nullish(), label: z.string(), ...roleSwitches }),
});

const updateRoleArgs = z.object({
  updateRoleInput: z.object({
    id: z.string(),
    update: z.object({ label: z.string().nullish(), ...roleSwitches }),
  }),
});

type RoleInput = z.output<typeof updateRoleArgs>['updateRoleInput']['update'];

/** `PermissionsExceptionCode.ROLE_LABEL_ALREADY_EXISTS`, a ForbiddenError in Twenty. */
function checkLabelFree(state: WorkspaceState, label: string, exceptId?: string): void {
  if (state.roles.some((role) => role.label === label && role.id !== exceptId)) {
    throw permissionsError(
      'FORBIDDEN',
      'ROLE_LABEL_ALREADY_EXISTS',
      'A role with this label already exists',
      'A role with this label already exists.',
    );
  }
}

/** Texts a caller may clear with null; the switches are non-null in Twenty's role entity. */
const CLEARABLE = new Set(['description', 'icon']);

/** The role with the input applied; absent (or, for switches, null) values keep `base`'s. */
function applyRoleInput(base: SandboxRole, input: RoleInput): SandboxRole {
  const defined = Object.fromEntries(
    Object.entries(input).filter(
      ([key, value]) => value !== undefined && (value !== null || CLEARABLE.has(key)),
    ),
  );
  return { ...base, ...defined };
}

/** Twenty's defaults for a created role: every switch off, assignable to every target. */
function blankRole(id: string, label: string): SandboxRole {
  return sandboxRole(id, label, {
    canReadAllObjectRecords: false,
    canUpdateAllObjectRecords: false,
    canSoftDeleteAllObjectRecords: false,
    canDestroyAllObjectRecords: false,
    canBeAssignedToAgents: true,
  });
}

function rolesGuarded(context: MetadataContext): void {
  requireSettingsFlag(context, 'ROLES');
}

const getRoles: RootResolver = (_args, context) => {
  rolesGuarded(context);
  const state = stateOf(context);
  return state.roles.map((role) => roleView(state, role));
};

const createOneRole: RootResolver = (args, context) => {
  rolesGuarded(context);
  const { id, label, ...switches } = parseArgs(createRoleArgs, args).createRoleInput;
  const created = commit(context, (state) => {
    checkLabelFree(state, label);
    const role = applyRoleInput(blankRole(id ?? context.deps.newId(), label), switches);
    return { state: { ...state, roles: [...state.roles, role] }, result: role };
  });
  return roleView(stateOf(context), created);
};

const updateOneRole: RootResolver = (args, context) => {
  rolesGuarded(context);
  const { id, update } = parseArgs(updateRoleArgs, args).updateRoleInput;
  const updated = commit(context, (state) => {
    const role = editableRoleOrThrow(state, id);
    if (update.label != null) checkLabelFree(state, update.label, id);
    const next = applyRoleInput(role, update);
    return { state: replaceRole(state, next), result: next };
  });
  return roleView(stateOf(context), updated);
};

/**
 * Deleting a role moves its members to the workspace's default role, and the default role
 * itself cannot be deleted (repo `role.service.ts` `deleteManyRoles`,
 * `assignDefaultRoleToMembersWithRoleToDelete`). API keys holding the role lose it, as
 * Twenty's role targets go with the role; such a key then has no role.
 */
const deleteOneRole: RootResolver = (args, context) => {
  rolesGuarded(context);
  const { roleId } = parseArgs(z.object({ roleId: z.string() }), args);
  return commit(context, (state) => {
    editableRoleOrThrow(state, roleId);
    if (roleId === state.defaultRoleId) {
      throw permissionsError(
        'FORBIDDEN',
        'DEFAULT_ROLE_CANNOT_BE_DELETED',
        'Default role cannot be deleted',
        'The default role cannot be deleted as it is required for the workspace to function properly.',
      );
    }
    const members = state.members.map((member) =>
      member.roleId === roleId ? { ...member, roleId: state.defaultRoleId } : member,
    );
    const roles = state.roles.filter((role) => role.id !== roleId);
    return { state: { ...state, members, roles }, result: roleId };
  });
};

/**
 * Refuses to take the admin role from its last holder (repo `user-role.service.ts`
 * `validateMoreThanOneWorkspaceMemberHasAdminRoleOrThrow`; twenty#14117).
 */
function checkNotLastAdmin(state: WorkspaceState, currentRole: SandboxRole | undefined): void {
  if (currentRole === undefined || !isAdminRole(currentRole)) return;
  const holders = state.members.filter((member) => member.roleId === currentRole.id);
  if (holders.length === 1) {
    throw permissionsError(
      'FORBIDDEN',
      'CANNOT_UNASSIGN_LAST_ADMIN',
      'Cannot unassign admin role from last admin of the workspace',
      'You cannot remove the admin role from the last administrator. Please assign another administrator first.',
    );
  }
}

/**
 * A member may not change their own role (repo `role/role.resolver.ts`
 * `updateWorkspaceMemberRole`, `CANNOT_UPDATE_SELF_ROLE`, a ForbiddenError), checked before
 * anything else.
 */
function checkNotSelf(context: MetadataContext, workspaceMemberId: string): void {
  const { principal } = context;
  if (principal.kind === 'member' && principal.memberId === workspaceMemberId) {
    throw permissionsError(
      'FORBIDDEN',
      'CANNOT_UPDATE_SELF_ROLE',
      'Cannot update self role',
      'You cannot change your own role. Please ask another administrator to update your role.',
    );
  }
}

/**
 * `UserAuthGuard` (repo `engine/guards/user-auth.guard.ts`), run after the class's guards: only
 * a person's own session passes. An API key has no user; an application acting as a member is
 * not that member. The guard returns false, which Nest turns into `ForbiddenException`
 * ("Forbidden resource"); not a GraphQL error, it reaches Twenty's error hook
 * (`use-graphql-error-handler.hook.ts`) and leaves as `generateGraphQLErrorFromError` builds it.
 */
function requireUserSession(context: MetadataContext): void {
  const { principal } = context;
  if (principal.kind === 'member' && principal.actingAsWorkspaceMember !== true) return;
  throw metadataError('Forbidden resource', 'INTERNAL_SERVER_ERROR', {
    userFriendlyMessage: 'An error occurred.',
  });
}

const updateWorkspaceMemberRole: RootResolver = (args, context) => {
  rolesGuarded(context);
  requireUserSession(context);
  const input = z.object({ workspaceMemberId: z.string(), roleId: z.string() });
  const { workspaceMemberId, roleId } = parseArgs(input, args);
  checkNotSelf(context, workspaceMemberId);
  commit(context, (state) => {
    const member = state.members.find((candidate) => candidate.id === workspaceMemberId);
    if (member === undefined) {
      throw metadataError('Workspace member not found', 'NOT_FOUND', {
        subCode: 'WORKSPACE_MEMBER_NOT_FOUND',
      });
    }
    const role = roleOrThrow(state, roleId);
    if (!role.canBeAssignedToUsers) {
      throw permissionsError(
        'BAD_USER_INPUT',
        'ROLE_CANNOT_BE_ASSIGNED_TO_USERS',
        'Role cannot be assigned to users',
      );
    }
    if (member.roleId === roleId) return { state, result: undefined };
    checkNotLastAdmin(
      state,
      state.roles.find((candidate) => candidate.id === member.roleId),
    );
    const members = state.members.map((m) => (m.id === member.id ? { ...m, roleId } : m));
    return { state: { ...state, members }, result: undefined };
  });
  const state = stateOf(context);
  const member = state.members.find((candidate) => candidate.id === workspaceMemberId);
  return member === undefined ? null : workspaceMemberView(state, member);
};

export const roleResolvers: Readonly<Record<string, RootResolver>> = {
  getRoles,
  createOneRole,
  updateOneRole,
  deleteOneRole,
  updateWorkspaceMemberRole,
};
