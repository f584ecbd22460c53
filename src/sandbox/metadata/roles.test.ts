import { describe, expect, it } from 'vitest';
import type { SandboxApiKey } from '../workspace.js';
import { sandboxRole } from '../seed-state.js';
import {
  ADMIN_ROLE,
  ALICE,
  BOB,
  MEMBER_ROLE,
  WEBHOOKS_ROLE,
  asMember,
  firstError,
  harness,
  workspaceState,
} from './fixture.test-support.js';

const ASSIGN = `
  mutation Assign($workspaceMemberId: UUID!, $roleId: UUID!) {
    updateWorkspaceMemberRole(workspaceMemberId: $workspaceMemberId, roleId: $roleId) {
      id userEmail name { firstName lastName } roles { id label } userWorkspaceId
    }
  }`;

const LAST_ADMIN = {
  message: 'Cannot unassign admin role from last admin of the workspace',
  extensions: {
    code: 'FORBIDDEN',
    subCode: 'CANNOT_UNASSIGN_LAST_ADMIN',
    userFriendlyMessage:
      'You cannot remove the admin role from the last administrator. Please assign another administrator first.',
  },
};

describe('getRoles', () => {
  it('lists roles with their members, keys and flags', async () => {
    const key: SandboxApiKey = {
      id: 'key-1',
      name: 'Sync',
      roleId: WEBHOOKS_ROLE.id,
      expiresAt: '2027-01-01T00:00:00.000Z',
      revokedAt: null,
      createdAt: '2026-01-01T00:00:00.000Z',
    };
    const { run } = harness(workspaceState({ apiKeys: [key] }));
    const result = await run(`query { getRoles {
      id label isEditable canUpdateAllSettings canBeAssignedToApiKeys
      workspaceMembers { id userEmail }
      apiKeys { id name expiresAt revokedAt }
      permissionFlags { roleId flag }
    } }`);
    expect(result.data?.getRoles).toEqual([
      {
        id: 'role-admin',
        label: 'Admin',
        isEditable: false,
        canUpdateAllSettings: true,
        canBeAssignedToApiKeys: true,
        workspaceMembers: [{ id: ALICE.id, userEmail: 'alice@acme.test' }],
        apiKeys: [],
        permissionFlags: [],
      },
      {
        id: 'role-member',
        label: 'Member',
        isEditable: true,
        canUpdateAllSettings: false,
        canBeAssignedToApiKeys: true,
        workspaceMembers: [{ id: BOB.id, userEmail: 'bob@acme.test' }],
        apiKeys: [],
        permissionFlags: [],
      },
      {
        id: 'role-webhooks',
        label: 'Webhooks',
        isEditable: true,
        canUpdateAllSettings: false,
        canBeAssignedToApiKeys: true,
        workspaceMembers: [{ id: 'member-carol', userEmail: 'carol@acme.test' }],
        apiKeys: [{ id: 'key-1', name: 'Sync', expiresAt: key.expiresAt, revokedAt: null }],
        permissionFlags: [{ roleId: 'role-webhooks', flag: 'API_KEYS_AND_WEBHOOKS' }],
      },
    ]);
  });
});

describe('createOneRole and updateOneRole', () => {
  it("creates a role with Twenty's defaults", async () => {
    const { run } = harness();
    const result = await run(`mutation { createOneRole(createRoleInput: {
      label: "Sales rep", description: "Tier 2", canReadAllObjectRecords: true }) {
      id label description isEditable canReadAllObjectRecords canUpdateAllObjectRecords
      canUpdateAllSettings canBeAssignedToUsers canBeAssignedToAgents canBeAssignedToApiKeys
      workspaceMembers { id } objectPermissions { objectMetadataId }
    } }`);
    expect(result).toEqual({
      data: {
        createOneRole: {
          id: 'id-1',
          label: 'Sales rep',
          description: 'Tier 2',
          isEditable: true,
          canReadAllObjectRecords: true,
          canUpdateAllObjectRecords: false,
          canUpdateAllSettings: false,
          canBeAssignedToUsers: true,
          canBeAssignedToAgents: true,
          canBeAssignedToApiKeys: true,
          workspaceMembers: [],
          objectPermissions: [],
        },
      },
    });
  });

  it('refuses a label another role has', async () => {
    const result = await harness().run(
      'mutation { createOneRole(createRoleInput: { label: "Member" }) { id } }',
    );
    expect(firstError(result)).toEqual({
      message: 'A role with this label already exists',
      extensions: {
        code: 'FORBIDDEN',
        subCode: 'ROLE_LABEL_ALREADY_EXISTS',
        userFriendlyMessage: 'A role with this label already exists.',
      },
    });
  });

  it('updates only the given switches', async () => {
    const { run } = harness();
    const result = await run(`mutation { updateOneRole(updateRoleInput: {
      id: "role-member", update: { canDestroyAllObjectRecords: false } }) {
      label canReadAllObjectRecords canDestroyAllObjectRecords } }`);
    expect(result).toEqual({
      data: {
        updateOneRole: {
          label: 'Member',
          canReadAllObjectRecords: true,
          canDestroyAllObjectRecords: false,
        },
      },
    });
  });

  it('refuses to change the non-editable admin role', async () => {
    const result = await harness().run(`mutation { updateOneRole(updateRoleInput: {
      id: "role-admin", update: { label: "Boss" } }) { id } }`);
    expect(firstError(result)?.extensions).toEqual({
      code: 'FORBIDDEN',
      subCode: 'ROLE_NOT_EDITABLE',
      userFriendlyMessage:
        'This role cannot be modified because it is a system role. Only custom roles can be edited.',
    });
  });
});

describe('deleteOneRole', () => {
  it("moves the role's members to the default role", async () => {
    const { run, state } = harness();
    const result = await run('mutation { deleteOneRole(roleId: "role-webhooks") }');
    expect(result).toEqual({ data: { deleteOneRole: 'role-webhooks' } });
    expect(state().roles.map((role) => role.id)).toEqual(['role-admin', 'role-member']);
    expect(state().members.find((m) => m.id === 'member-carol')?.roleId).toBe(MEMBER_ROLE.id);
  });

  it('refuses to delete the default role', async () => {
    const result = await harness().run('mutation { deleteOneRole(roleId: "role-member") }');
    expect(firstError(result)).toEqual({
      message: 'Default role cannot be deleted',
      extensions: {
        code: 'FORBIDDEN',
        subCode: 'DEFAULT_ROLE_CANNOT_BE_DELETED',
        userFriendlyMessage:
          'The default role cannot be deleted as it is required for the workspace to function properly.',
      },
    });
  });

  it('answers NOT_FOUND for an unknown role', async () => {
    const result = await harness().run('mutation { deleteOneRole(roleId: "role-nope") }');
    expect(firstError(result)?.extensions?.subCode).toBe('ROLE_NOT_FOUND');
  });
});

describe('updateWorkspaceMemberRole', () => {
  it('gives the member exactly one role', async () => {
    const { run, state } = harness();
    const result = await run(ASSIGN, { workspaceMemberId: BOB.id, roleId: WEBHOOKS_ROLE.id });
    expect(result).toEqual({
      data: {
        updateWorkspaceMemberRole: {
          id: BOB.id,
          userEmail: 'bob@acme.test',
          name: { firstName: 'Bob', lastName: 'Test' },
          roles: [{ id: 'role-webhooks', label: 'Webhooks' }],
          userWorkspaceId: BOB.id,
        },
      },
    });
    expect(state().members.find((m) => m.id === BOB.id)?.roleId).toBe(WEBHOOKS_ROLE.id);
  });

  it('refuses to take the admin role from the last admin', async () => {
    // Asked by a member holding the roles setting without Admin: Alice may not move herself,
    // and no API key may move anyone.
    const rolesManager = sandboxRole('role-roles', 'Roles', { permissionFlags: ['ROLES'] });
    const { run, state } = harness(
      workspaceState({ roles: [ADMIN_ROLE, MEMBER_ROLE, WEBHOOKS_ROLE, rolesManager] }),
    );
    const before = state();
    const result = await run(
      ASSIGN,
      { workspaceMemberId: ALICE.id, roleId: MEMBER_ROLE.id },
      asMember({ ...BOB, roleId: rolesManager.id }),
    );
    expect(firstError(result)).toEqual(LAST_ADMIN);
    expect(state()).toBe(before);
  });

  it('lets an admin step down once another admin exists', async () => {
    const { run, state } = harness();
    await run(ASSIGN, { workspaceMemberId: BOB.id, roleId: ADMIN_ROLE.id });
    const result = await run(
      ASSIGN,
      { workspaceMemberId: ALICE.id, roleId: MEMBER_ROLE.id },
      asMember({ ...BOB, roleId: ADMIN_ROLE.id }),
    );
    expect(result.errors).toBeUndefined();
    expect(state().members.map((m) => [m.id, m.roleId])).toEqual([
      [ALICE.id, MEMBER_ROLE.id],
      [BOB.id, ADMIN_ROLE.id],
      ['member-carol', WEBHOOKS_ROLE.id],
    ]);
  });

  it('refuses a role that cannot be assigned to users', async () => {
    const agentsOnly = {
      ...WEBHOOKS_ROLE,
      id: 'role-agent',
      label: 'Agent',
      canBeAssignedToUsers: false,
    };
    const { run } = harness(
      workspaceState({ roles: [ADMIN_ROLE, MEMBER_ROLE, WEBHOOKS_ROLE, agentsOnly] }),
    );
    const result = await run(ASSIGN, { workspaceMemberId: BOB.id, roleId: 'role-agent' });
    expect(firstError(result)).toEqual({
      message: 'Role cannot be assigned to users',
      extensions: { code: 'BAD_USER_INPUT', subCode: 'ROLE_CANNOT_BE_ASSIGNED_TO_USERS' },
    });
  });
});
