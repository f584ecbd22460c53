import { describe, expect, it } from 'vitest';
import {
  BOB,
  CAROL,
  MEMBER_ROLE,
  asMember,
  firstError,
  harness,
  workspaceState,
} from './fixture.test-support.js';

const CURRENT_USER = `
  query {
    currentUser {
      id email firstName lastName
      workspaceMember { id name { firstName lastName } userEmail locale timeZone }
      workspaceMembers { id userEmail roles { id label } }
      currentUserWorkspace { permissionFlags objectsPermissions {
        objectMetadataId canReadObjectRecords canUpdateObjectRecords
        canSoftDeleteObjectRecords canDestroyObjectRecords restrictedFields
      } }
    }
  }`;

const ENTITLEMENTS = `
  query { currentWorkspace { id displayName billingEntitlements { key value }
    hasValidSignedEnterpriseKey featureFlags { key value } defaultRole { id label } } }`;

describe('currentUser', () => {
  it("answers the member, its workspace and its role's permissions", async () => {
    const result = await harness().run(CURRENT_USER, {}, asMember(CAROL));
    const user = result.data?.currentUser as Record<string, unknown> & {
      currentUserWorkspace: { permissionFlags: string[]; objectsPermissions: unknown[] };
    };
    expect(user).toMatchObject({
      id: 'user-member-carol',
      email: 'carol@acme.test',
      firstName: 'Carol',
      lastName: 'Test',
      workspaceMember: {
        id: 'member-carol',
        name: { firstName: 'Carol', lastName: 'Test' },
        userEmail: 'carol@acme.test',
        locale: 'en',
        timeZone: 'Europe/Paris',
      },
      workspaceMembers: [
        {
          id: 'member-alice',
          userEmail: 'alice@acme.test',
          roles: [{ id: 'role-admin', label: 'Admin' }],
        },
        {
          id: 'member-bob',
          userEmail: 'bob@acme.test',
          roles: [{ id: 'role-member', label: 'Member' }],
        },
        {
          id: 'member-carol',
          userEmail: 'carol@acme.test',
          roles: [{ id: 'role-webhooks', label: 'Webhooks' }],
        },
      ],
    });
    expect(user.currentUserWorkspace.permissionFlags).toEqual(['API_KEYS_AND_WEBHOOKS']);
    expect(user.currentUserWorkspace.objectsPermissions[0]).toEqual({
      objectMetadataId: 'object-company',
      canReadObjectRecords: true,
      canUpdateObjectRecords: true,
      canSoftDeleteObjectRecords: true,
      canDestroyObjectRecords: true,
      restrictedFields: {},
    });
  });

  it('expands canAccessAllTools into the tool flags', async () => {
    const result = await harness().run(
      'query { currentUser { currentUserWorkspace { permissionFlags } } }',
      {},
      asMember(BOB),
    );
    expect(result.data?.currentUser).toEqual({
      currentUserWorkspace: {
        permissionFlags: [
          'AI',
          'VIEWS',
          'UPLOAD_FILE',
          'DOWNLOAD_FILE',
          'SEND_EMAIL_TOOL',
          'CREATE_CALENDAR_EVENT_TOOL',
          'HTTP_REQUEST_TOOL',
          'CODE_INTERPRETER_TOOL',
          'IMPORT_CSV',
          'EXPORT_CSV',
          'CONNECTED_ACCOUNTS',
          'PROFILE_INFORMATION',
        ],
      },
    });
  });

  it('resolves object permissions against the role’s wide switches', async () => {
    const restricted = {
      ...MEMBER_ROLE,
      canUpdateAllObjectRecords: false,
      objectPermissions: [{ objectMetadataId: 'object-person', canUpdateObjectRecords: true }],
    };
    const { run } = harness(workspaceState({ roles: [restricted] }));
    const result = await run(CURRENT_USER, {}, asMember(BOB));
    const permissions = (
      result.data?.currentUser as {
        currentUserWorkspace: {
          objectsPermissions: { objectMetadataId: string; canUpdateObjectRecords: boolean }[];
        };
      }
    ).currentUserWorkspace.objectsPermissions;
    expect(permissions.map((p) => [p.objectMetadataId, p.canUpdateObjectRecords])).toEqual([
      ['object-company', false],
      ['object-person', true],
      ['object-opportunity', false],
      ['object-task', false],
      ['object-workspaceMember', false],
    ]);
  });

  it('is refused to an API key', async () => {
    const result = await harness().run(
      'query { currentUser { id } }',
      {},
      {
        kind: 'apiKey',
        apiKeyId: 'key-1',
        roleId: MEMBER_ROLE.id,
      },
    );
    expect(firstError(result)?.extensions).toEqual({ code: 'FORBIDDEN' });
  });

  it('answers NOT_IMPLEMENTED for a user field it cannot fill', async () => {
    const result = await harness().run(
      'query { currentUser { availableWorkspaces { availableWorkspacesForSignIn { id } } } }',
    );
    expect(firstError(result)).toEqual({
      message: 'User.availableWorkspaces is not served by the Tiergate sandbox',
      extensions: { code: 'NOT_IMPLEMENTED' },
    });
  });
});

describe('currentWorkspace', () => {
  const entitlements = (rls: boolean) =>
    ['SSO', 'CUSTOM_DOMAIN', 'RLS', 'RECORD_SHARING', 'AUDIT_LOGS', 'USAGE_LIMIT'].map((key) => ({
      key,
      value: key === 'RLS' && rls,
    }));

  it.each([false, true])('reports the RLS entitlement as %s', async (rlsEnabled) => {
    const result = await harness(workspaceState({ rlsEnabled })).run(ENTITLEMENTS);
    expect(result).toEqual({
      data: {
        currentWorkspace: {
          id: 'workspace-acme',
          displayName: 'Acme',
          billingEntitlements: entitlements(rlsEnabled),
          hasValidSignedEnterpriseKey: rlsEnabled,
          featureFlags: [],
          defaultRole: { id: 'role-member', label: 'Member' },
        },
      },
    });
  });
});
