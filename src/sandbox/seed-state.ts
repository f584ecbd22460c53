/**
 * A workspace state from the seed: Twenty's standard objects with ids, the seeded records, the
 * two roles every Twenty workspace starts with (Admin, and Member as the default role, both
 * reaching every record: twentyhq/twenty `workspace-manager/.../seeds` and the settings UI's
 * default roles), one member token each, and an admin API key.
 */
import { createHash } from 'node:crypto';
import { STANDARD_OBJECTS } from '../host/core-schema/standard-objects.js';
import { TWENTY_PERMISSION_FLAGS } from '../host/permission-flags.js';
import type { SeedData } from './seed/seed.js';
import type { SandboxObject, SandboxRecord, SandboxRole, WorkspaceState } from './workspace.js';

/** The name of the sandbox's admin API key: what Twenty stamps in `updatedBy` for its writes. */
export const SANDBOX_ADMIN_KEY_NAME = 'Sandbox admin';

export const ADMIN_ROLE_ID = '20202020-0001-4000-8000-000000000001';
export const MEMBER_ROLE_ID = '20202020-0001-4000-8000-000000000002';
export const ADMIN_API_KEY_ID = '20202020-0002-4000-8000-000000000001';
export const WORKSPACE_ID = '20202020-0003-4000-8000-000000000001';

/** A stable UUID-shaped id from a name, so metadata ids survive restarts of the seed. */
export function stableId(name: string): string {
  const hex = createHash('sha256').update(`tiergate-sandbox:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function standardObjects(): SandboxObject[] {
  return STANDARD_OBJECTS.map((object) => ({
    ...object,
    id: stableId(`object:${object.nameSingular}`),
    isActive: true,
    isCustom: false,
    fields: object.fields.map((field) => ({
      ...field,
      id: stableId(`field:${object.nameSingular}.${field.name}`),
      isActive: true,
    })),
  }));
}

/**
 * A role as Twenty creates a member role: every record reachable, no settings, assignable to
 * users and API keys. Tests build their roles from it too, changing only what they test.
 */
export function sandboxRole(
  id: string,
  label: string,
  overrides: Partial<SandboxRole> = {},
): SandboxRole {
  return {
    id,
    label,
    description: null,
    icon: null,
    isEditable: true,
    canUpdateAllSettings: false,
    canAccessAllTools: false,
    canReadAllObjectRecords: true,
    canUpdateAllObjectRecords: true,
    canSoftDeleteAllObjectRecords: true,
    canDestroyAllObjectRecords: true,
    canBeAssignedToUsers: true,
    canBeAssignedToAgents: false,
    canBeAssignedToApiKeys: true,
    permissionFlags: [],
    objectPermissions: [],
    fieldPermissions: [],
    rowLevelPermissionPredicates: [],
    rowLevelPermissionPredicateGroups: [],
    ...overrides,
  };
}

function role(id: string, label: string, description: string, admin: boolean): SandboxRole {
  return sandboxRole(id, label, {
    description,
    icon: admin ? 'IconUserCog' : 'IconUser',
    isEditable: !admin,
    canUpdateAllSettings: admin,
    canAccessAllTools: admin,
    permissionFlags: admin ? [...TWENTY_PERMISSION_FLAGS] : [],
  });
}

/** Seeded records are plain JSON objects with the base fields; the store keys them by id. */
function byId(records: readonly { readonly id: string }[]): Record<string, SandboxRecord> {
  return Object.fromEntries(records.map((r) => [r.id, r as SandboxRecord]));
}

export interface SeedStateOptions {
  readonly rlsEnabled: boolean;
  /** The admin API key's token. */
  readonly adminKey: string;
  /** Makes a member's bearer token; called once per member. */
  readonly newToken: (memberId: string) => string;
  readonly now: Date;
}

/** The sandbox's starting state; the root of the manager tree is the workspace's admin. */
export function stateFromSeed(seed: SeedData, options: SeedStateOptions): WorkspaceState {
  const root = seed.members.find((m) => m.org.managerId === null);
  return {
    id: WORKSPACE_ID,
    displayName: 'Acme (Tiergate sandbox)',
    rlsEnabled: options.rlsEnabled,
    defaultRoleId: MEMBER_ROLE_ID,
    objects: standardObjects(),
    records: {
      workspaceMember: byId(seed.members.map((m) => m.record)),
      company: byId(seed.companies),
      person: byId(seed.people),
      opportunity: byId(seed.opportunities),
      task: {},
    },
    roles: [
      role(ADMIN_ROLE_ID, 'Admin', 'Admin role: every setting and every record', true),
      role(MEMBER_ROLE_ID, 'Member', 'Member role: every record, no settings', false),
    ],
    members: seed.members.map((m) => ({
      id: m.record.id,
      userId: m.record.userId,
      userEmail: m.record.userEmail,
      roleId: m === root ? ADMIN_ROLE_ID : MEMBER_ROLE_ID,
      token: options.newToken(m.record.id),
    })),
    apiKeys: [
      {
        id: ADMIN_API_KEY_ID,
        name: SANDBOX_ADMIN_KEY_NAME,
        roleId: ADMIN_ROLE_ID,
        expiresAt: '2099-12-31T23:59:59.000Z',
        revokedAt: null,
        createdAt: options.now.toISOString(),
      },
    ],
    apiKeyTokens: { [options.adminKey]: ADMIN_API_KEY_ID },
    webhooks: [],
  };
}
