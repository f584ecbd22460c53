import { describe, expect, it } from 'vitest';
import { seedWorkspace } from './seed/seed.js';
import {
  ADMIN_API_KEY_ID,
  ADMIN_ROLE_ID,
  MEMBER_ROLE_ID,
  stableId,
  stateFromSeed,
} from './seed-state.js';

const seed = seedWorkspace({
  counts: { members: 20, companies: 10, people: 30, opportunities: 15 },
});
const state = stateFromSeed(seed, {
  rlsEnabled: false,
  adminKey: 'admin-key',
  newToken: (memberId) => `token-${memberId}`,
  now: new Date('2026-06-30T12:00:00Z'),
});

describe('stateFromSeed', () => {
  it('holds the standard objects with ids that do not change between runs', () => {
    expect(state.objects.map((o) => o.nameSingular)).toEqual([
      'company',
      'person',
      'opportunity',
      'task',
      'workspaceMember',
    ]);
    expect(state.objects[0]?.id).toBe(stableId('object:company'));
    expect(stableId('object:company')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const ids = state.objects.flatMap((o) => [o.id, ...o.fields.map((f) => f.id)]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('holds every seeded record by object and id', () => {
    expect(Object.keys(state.records.company ?? {})).toHaveLength(10);
    expect(Object.keys(state.records.person ?? {})).toHaveLength(30);
    expect(Object.keys(state.records.opportunity ?? {})).toHaveLength(15);
    expect(Object.keys(state.records.workspaceMember ?? {})).toHaveLength(20);
    const first = seed.opportunities[0];
    expect(first && state.records.opportunity?.[first.id]).toBe(first);
  });

  it('makes the root of the manager tree the admin and everyone else a member', () => {
    const root = seed.members.find((m) => m.org.managerId === null);
    const admins = state.members.filter((m) => m.roleId === ADMIN_ROLE_ID);
    expect(admins.map((m) => m.id)).toEqual([root?.record.id]);
    expect(state.members.filter((m) => m.roleId === MEMBER_ROLE_ID)).toHaveLength(19);
    expect(state.defaultRoleId).toBe(MEMBER_ROLE_ID);
  });

  it('gives each member its own token and maps the admin key to the admin role', () => {
    expect(new Set(state.members.map((m) => m.token)).size).toBe(20);
    expect(state.apiKeyTokens['admin-key']).toBe(ADMIN_API_KEY_ID);
    expect(state.apiKeys[0]?.roleId).toBe(ADMIN_ROLE_ID);
  });

  it('starts as a fresh Twenty workspace: no webhooks, no restrictions', () => {
    expect(state.webhooks).toEqual([]);
    for (const role of state.roles) {
      expect(role.canReadAllObjectRecords).toBe(true);
      expect(role.objectPermissions).toEqual([]);
      expect(role.fieldPermissions).toEqual([]);
    }
  });
});
