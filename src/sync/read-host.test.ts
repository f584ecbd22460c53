import { describe, expect, it } from 'vitest';
import type { SyncRolesQuery } from '../host/generated/metadata.js';
import { mswServer } from '../host/msw-server.test-support.js';
import { ADMIN_ROLE_ID, MEMBER_ROLE_ID } from '../sandbox/seed-state.js';
import { syncOnce, syncWorld } from './apply-sandbox.test-support.js';
import { hostReadingOf, managedKeyOf, readHostState, unmanagedRoleKey } from './read-host.js';

const server = mswServer();

type Row = SyncRolesQuery['getRoles'][number];

function row(overrides: Partial<Row>): Row {
  return {
    id: 'role-1',
    label: 'Sales rep · Junior',
    description: 'Managed by Tiergate (rep@junior). Do not edit: changes are reverted.',
    isEditable: true,
    canReadAllObjectRecords: false,
    canUpdateAllObjectRecords: false,
    canSoftDeleteAllObjectRecords: false,
    canDestroyAllObjectRecords: false,
    objectPermissions: [],
    fieldPermissions: [],
    rowLevelPermissionPredicates: [],
    rowLevelPermissionPredicateGroups: [],
    workspaceMembers: [],
    ...overrides,
  };
}

describe('managedKeyOf', () => {
  it('finds the Tiergate key in a description and nothing in a foreign one', () => {
    expect(managedKeyOf('Managed by Tiergate (sales-rep@junior). Do not edit.')).toBe(
      'sales-rep@junior',
    );
    expect(managedKeyOf('Member role: every record, no settings')).toBeUndefined();
    expect(managedKeyOf(null)).toBeUndefined();
  });
});

describe('hostReadingOf', () => {
  it('keeps managed roles by key and assigns members of other roles to host:<id>', () => {
    const reading = hostReadingOf([
      row({ workspaceMembers: [{ id: 'a' }] }),
      row({ id: 'member', label: 'Member', description: null, workspaceMembers: [{ id: 'b' }] }),
    ]);
    expect(reading.state.roles.map((r) => r.key)).toEqual(['rep@junior']);
    expect(reading.roleIds).toEqual(new Map([['rep@junior', 'role-1']]));
    expect(reading.state.assignments).toEqual({ a: 'rep@junior', b: unmanagedRoleKey('member') });
    expect(reading.unmanaged).toEqual([
      { id: 'member', label: 'Member', admin: false, members: ['b'] },
    ]);
  });

  it('resolves null object switches to the role defaults and null field values to allowed', () => {
    const reading = hostReadingOf([
      row({
        canReadAllObjectRecords: true,
        objectPermissions: [
          {
            objectMetadataId: 'o',
            canReadObjectRecords: null,
            canUpdateObjectRecords: true,
            canSoftDeleteObjectRecords: null,
            canDestroyObjectRecords: false,
          },
        ],
        fieldPermissions: [
          {
            objectMetadataId: 'o',
            fieldMetadataId: 'f',
            canReadFieldValue: null,
            canUpdateFieldValue: false,
          },
        ],
      }),
    ]);
    const [role] = reading.state.roles;
    expect(role?.objectPermissions).toEqual([
      {
        objectMetadataId: 'o',
        canReadObjectRecords: true,
        canUpdateObjectRecords: true,
        canSoftDeleteObjectRecords: false,
        canDestroyObjectRecords: false,
      },
    ]);
    expect(role?.fieldPermissions).toEqual([
      {
        objectMetadataId: 'o',
        fieldMetadataId: 'f',
        canReadFieldValue: true,
        canUpdateFieldValue: false,
      },
    ]);
  });

  it('rebuilds row-level group links as indexes, ordered by position', () => {
    const predicate = (id: string, group: string | null, position: number) => ({
      id,
      objectMetadataId: 'o',
      fieldMetadataId: `f-${id}`,
      operand: 'IS' as const,
      value: { isCurrentWorkspaceMemberSelected: true },
      subFieldName: null,
      workspaceMemberFieldMetadataId: null,
      rowLevelPermissionPredicateGroupId: group,
      positionInRowLevelPermissionPredicateGroup: position,
    });
    const group = (id: string, parent: string | null, position: number) => ({
      id,
      objectMetadataId: 'o',
      parentRowLevelPermissionPredicateGroupId: parent,
      logicalOperator: 'OR' as const,
      positionInRowLevelPermissionPredicateGroup: position,
    });
    const reading = hostReadingOf([
      row({
        rowLevelPermissionPredicateGroups: [group('child', 'root', 1), group('root', null, 0)],
        rowLevelPermissionPredicates: [predicate('p2', 'child', 1), predicate('p1', null, 0)],
      }),
    ]);
    const rules = reading.state.roles[0]?.rowLevel.o;
    expect(rules?.groups).toEqual([
      { objectMetadataId: 'o', logicalOperator: 'OR' },
      { objectMetadataId: 'o', logicalOperator: 'OR', parent: 0 },
    ]);
    expect(rules?.predicates.map((p) => [p.fieldMetadataId, p.group])).toEqual([
      ['f-p1', undefined],
      ['f-p2', 1],
    ]);
  });

  it('refuses two host roles with the same key, which plan could not tell apart', () => {
    expect(() => hostReadingOf([row({}), row({ id: 'role-2' })])).toThrow(/rep@junior/);
  });
});

describe('readHostState against the sandbox', () => {
  it('reads a fresh workspace as no managed role, every member under a host: key', async () => {
    const world = await syncWorld(server, true);
    const reading = await readHostState(world.admin.metadata);
    expect(reading.state.roles).toEqual([]);
    expect(reading.unmanaged.map((r) => r.id).sort()).toEqual([ADMIN_ROLE_ID, MEMBER_ROLE_ID]);
    expect(reading.state.assignments[world.adminMemberId]).toBe(unmanagedRoleKey(ADMIN_ROLE_ID));
  });

  it('reads back what apply wrote: the compiled roles, read restrictions, row-level rules and assignments', async () => {
    const world = await syncWorld(server, true);
    await syncOnce(world);
    const reading = await readHostState(world.admin.metadata);
    // The company's two owner fields make an OR group: group links survive the round trip.
    const groups = world.desired.roles.flatMap((r) =>
      Object.values(r.rowLevel).flatMap((rules) => rules.groups),
    );
    expect(groups.length).toBeGreaterThan(0);
    const sorted = (items: readonly unknown[]) => [...items].map((i) => JSON.stringify(i)).sort();
    for (const desired of world.desired.roles) {
      const actual = reading.state.roles.find((r) => r.key === desired.key);
      expect(actual?.label).toBe(desired.label);
      expect(actual?.description).toBe(desired.description);
      expect(sorted(actual?.objectPermissions ?? [])).toEqual(sorted(desired.objectPermissions));
      // Update restrictions on objects the role cannot update are not sent (plan-compare.ts):
      // Twenty refuses them and they change nothing; read restrictions all come back.
      const hidden = desired.fieldPermissions.filter((p) => !p.canReadFieldValue);
      expect(sorted(actual?.fieldPermissions.filter((p) => !p.canReadFieldValue) ?? [])).toEqual(
        sorted(hidden),
      );
      expect(actual?.rowLevel).toEqual(desired.rowLevel);
    }
    for (const [member, key] of Object.entries(world.desired.assignments)) {
      expect(reading.state.assignments[member]).toBe(key);
    }
  });
});
