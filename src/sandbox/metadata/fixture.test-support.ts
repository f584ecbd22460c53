/**
 * A small hand-made workspace for the metadata API's tests: the standard objects with readable
 * ids, three roles (a non-editable Admin, the default Member, a Webhooks role holding only
 * API_KEYS_AND_WEBHOOKS), three members, and a store with a fixed clock and counted ids.
 */
import { sandboxRole } from '../seed-state.js';
import type { ExecutionResult } from 'graphql';
import { STANDARD_OBJECTS } from '../../host/core-schema/standard-objects.js';
import type {
  Principal,
  SandboxMember,
  SandboxObject,
  SandboxRole,
  WorkspaceState,
} from '../workspace.js';
import { createMetadataApi, type MetadataApi } from './metadata-api.js';

export const NOW = new Date('2026-06-30T12:00:00.000Z');

export function objectId(name: string): string {
  return `object-${name}`;
}

export function fieldId(object: string, field: string): string {
  return `field-${object}-${field}`;
}

function standardObjects(): SandboxObject[] {
  return STANDARD_OBJECTS.map((object) => ({
    ...object,
    id: objectId(object.nameSingular),
    isActive: true,
    isCustom: false,
    fields: object.fields.map((field) => ({
      ...field,
      id: fieldId(object.nameSingular, field.name),
      isActive: true,
    })),
  }));
}

function role(id: string, label: string, overrides: Partial<SandboxRole>): SandboxRole {
  return sandboxRole(id, label, overrides);
}

export const ADMIN_ROLE = role('role-admin', 'Admin', {
  isEditable: false,
  canUpdateAllSettings: true,
  canAccessAllTools: true,
});
export const MEMBER_ROLE = role('role-member', 'Member', { canAccessAllTools: true });
export const WEBHOOKS_ROLE = role('role-webhooks', 'Webhooks', {
  permissionFlags: ['API_KEYS_AND_WEBHOOKS'],
});

function member(id: string, firstName: string, roleId: string): SandboxMember {
  const email = `${firstName.toLowerCase()}@acme.test`;
  return { id, userId: `user-${id}`, userEmail: email, roleId, token: `token-${id}` };
}

export const ALICE = member('member-alice', 'Alice', ADMIN_ROLE.id);
export const BOB = member('member-bob', 'Bob', MEMBER_ROLE.id);
export const CAROL = member('member-carol', 'Carol', WEBHOOKS_ROLE.id);

function memberRecord(m: SandboxMember, firstName: string) {
  return {
    id: m.id,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    deletedAt: null,
    name: { firstName, lastName: 'Test' },
    userEmail: m.userEmail,
    userId: m.userId,
    locale: 'en',
    timeZone: 'Europe/Paris',
  };
}

export function workspaceState(overrides: Partial<WorkspaceState> = {}): WorkspaceState {
  return {
    id: 'workspace-acme',
    displayName: 'Acme',
    rlsEnabled: false,
    defaultRoleId: MEMBER_ROLE.id,
    objects: standardObjects(),
    records: {
      workspaceMember: {
        [ALICE.id]: memberRecord(ALICE, 'Alice'),
        [BOB.id]: memberRecord(BOB, 'Bob'),
        [CAROL.id]: memberRecord(CAROL, 'Carol'),
      },
    },
    roles: [ADMIN_ROLE, MEMBER_ROLE, WEBHOOKS_ROLE],
    members: [ALICE, BOB, CAROL],
    apiKeys: [],
    apiKeyTokens: {},
    webhooks: [],
    ...overrides,
  };
}

export function asMember(m: SandboxMember): Principal {
  return { kind: 'member', memberId: m.id, roleId: m.roleId };
}

export interface Harness {
  readonly api: MetadataApi;
  /** The store's current state. */
  readonly state: () => WorkspaceState;
  /** Runs a document as `principal` (Alice, the admin, by default). */
  readonly run: (
    source: string,
    variables?: Record<string, unknown>,
    principal?: Principal,
  ) => Promise<ExecutionResult>;
}

export function harness(initial: WorkspaceState = workspaceState()): Harness {
  let state = initial;
  let ids = 0;
  let tokens = 0;
  const api = createMetadataApi({
    getState: () => state,
    update: (mutator) => {
      state = mutator(state);
    },
    now: () => NOW,
    newId: () => `id-${String(++ids)}`,
    newToken: () => `secret-${String(++tokens)}`,
  });
  return {
    api,
    state: () => state,
    run: (source, variables = {}, principal = asMember(ALICE)) =>
      api.execute({ source, variables, principal }),
  };
}

/** The first error's message and extensions, for exact assertions on refusals. */
export function firstError(result: ExecutionResult) {
  const error = result.errors?.[0];
  return error === undefined ? undefined : { message: error.message, extensions: error.extensions };
}
