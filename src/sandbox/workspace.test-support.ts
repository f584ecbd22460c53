/** A minimal workspace for tests of one sandbox part: one member, nothing else unless given. */
import type { WorkspaceState } from './workspace.js';

export function testWorkspace(overrides: Partial<WorkspaceState> = {}): WorkspaceState {
  return {
    id: 'ws',
    displayName: 'Acme',
    rlsEnabled: false,
    defaultRoleId: 'member',
    objects: [],
    records: {},
    roles: [],
    members: [
      {
        id: 'wm-1',
        userId: 'u-1',
        userEmail: 'a@acme.test',
        roleId: 'member',
        token: 'member-token',
      },
    ],
    apiKeys: [],
    apiKeyTokens: {},
    webhooks: [],
    ...overrides,
  };
}
