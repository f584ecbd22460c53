import { describe, expect, it } from 'vitest';

import type { HostPermissionState } from './host-state.js';
import { BASE, fail, kinds, plan, role, state, withRole } from './plan-fixtures.test-support.js';

describe('diffHostState', () => {
  it('finds nothing to do when the states are identical', () => {
    const { diff, ops } = plan(BASE);
    expect(diff.empty).toBe(true);
    expect(ops).toEqual([]);
    expect(diff.roles.map((r) => r.change)).toEqual(['unchanged', 'unchanged']);
  });

  it('sees no change when permissions, predicates and groups are listed in another order', () => {
    const junior = role('rep@junior');
    const rules = junior.rowLevel['obj-deal'];
    if (rules === undefined) throw new Error('fixture');
    const [p0, p1, p2] = rules.predicates;
    if (p0 === undefined || p1 === undefined || p2 === undefined) throw new Error('fixture');
    const reordered = withRole(BASE, 'rep@junior', {
      objectPermissions: [...junior.objectPermissions].reverse(),
      fieldPermissions: [...junior.fieldPermissions].reverse(),
      rowLevel: {
        'obj-deal': {
          // The same tree with the two groups swapped: indexes differ, content does not.
          groups: [
            { objectMetadataId: 'obj-deal', logicalOperator: 'AND', parent: 1 },
            { objectMetadataId: 'obj-deal', logicalOperator: 'OR' },
          ],
          predicates: [p2, { ...p1, group: 0 }, { ...p0, group: 1 }],
        },
      },
    });
    expect(plan(reordered).diff.empty).toBe(true);
  });

  it('treats a field permission with both values true as no restriction', () => {
    const junior = role('rep@junior');
    const open = { objectMetadataId: 'obj-deal', fieldMetadataId: 'fld-x' };
    const desired = withRole(BASE, 'rep@junior', {
      fieldPermissions: [
        ...junior.fieldPermissions,
        { ...open, canReadFieldValue: true, canUpdateFieldValue: true },
      ],
    });
    expect(plan(desired).diff.empty).toBe(true);
  });

  it('creates a new role and then sets the permissions that differ from its defaults', () => {
    const desired = state([role('rep@junior'), role('rep@senior'), role('rep@lead')], {
      'm-1': 'rep@junior',
      'm-2': 'rep@senior',
    });
    const { diff, ops } = plan(desired);
    const lead = diff.roles.find((r) => r.key === 'rep@lead');
    expect(lead?.change).toBe('create');
    expect(diff.counts).toMatchObject({ rolesToCreate: 1, rolesToUpdate: 0 });
    expect(kinds(ops)).toEqual([
      'createRole rep@lead',
      'upsertObjectPermissions rep@lead',
      'upsertFieldPermissions rep@lead',
      'upsertRowLevelPermissionPredicates rep@lead',
    ]);
    expect(ops[0]).toEqual({
      kind: 'createRole',
      roleKey: 'rep@lead',
      input: {
        label: 'Role rep@lead',
        description: 'tiergate:rep@lead',
        canReadAllObjectRecords: true,
        canUpdateAllObjectRecords: true,
        canSoftDeleteAllObjectRecords: false,
        canDestroyAllObjectRecords: false,
      },
    });
    expect(ops[2]).toEqual({
      kind: 'upsertFieldPermissions',
      roleKey: 'rep@lead',
      fieldPermissions: [
        {
          objectMetadataId: 'obj-deal',
          fieldMetadataId: 'fld-amount',
          canReadFieldValue: false,
          canUpdateFieldValue: false,
        },
        {
          objectMetadataId: 'obj-deal',
          fieldMetadataId: 'fld-stage',
          canReadFieldValue: null,
          canUpdateFieldValue: false,
        },
      ],
    });
  });

  it('upserts field permissions for the one role whose restriction changed', () => {
    const desired = withRole(BASE, 'rep@senior', {
      fieldPermissions: [
        {
          objectMetadataId: 'obj-deal',
          fieldMetadataId: 'fld-amount',
          canReadFieldValue: true,
          canUpdateFieldValue: false,
        },
        role('rep@senior').fieldPermissions[1] ?? fail(),
      ],
    });
    const { diff, ops } = plan(desired);
    expect(diff.counts.fieldPermissionChanges).toBe(1);
    expect(ops).toEqual([
      {
        kind: 'upsertFieldPermissions',
        roleKey: 'rep@senior',
        // The role's whole set: 2.43 deletes every restriction the call leaves out.
        fieldPermissions: [
          {
            objectMetadataId: 'obj-deal',
            fieldMetadataId: 'fld-amount',
            canReadFieldValue: null,
            canUpdateFieldValue: false,
          },
          {
            objectMetadataId: 'obj-deal',
            fieldMetadataId: 'fld-stage',
            canReadFieldValue: null,
            canUpdateFieldValue: false,
          },
        ],
      },
    ]);
  });

  it('lifts a removed restriction with an entry of two nulls, beside the restrictions that stay', () => {
    const desired = withRole(BASE, 'rep@junior', {
      fieldPermissions: [role('rep@junior').fieldPermissions[0] ?? fail()],
    });
    const { diff, ops } = plan(desired);
    expect(diff.roles[0]?.fieldPermissions).toEqual([
      {
        objectMetadataId: 'obj-deal',
        fieldMetadataId: 'fld-stage',
        before: role('rep@junior').fieldPermissions[1],
      },
    ]);
    expect(ops).toEqual([
      {
        kind: 'upsertFieldPermissions',
        roleKey: 'rep@junior',
        fieldPermissions: [
          {
            objectMetadataId: 'obj-deal',
            fieldMetadataId: 'fld-amount',
            canReadFieldValue: false,
            canUpdateFieldValue: false,
          },
          {
            objectMetadataId: 'obj-deal',
            fieldMetadataId: 'fld-stage',
            canReadFieldValue: null,
            canUpdateFieldValue: null,
          },
        ],
      },
    ]);
  });

  it('refuses a state in which two roles share a key', () => {
    const twice = { ...BASE, roles: [...BASE.roles, role('rep@junior')] };
    expect(() => plan(twice)).toThrow('two roles share the key rep@junior');
  });

  it('compares an object without its own permission with the new role defaults', () => {
    // The host follows the old defaults (read only) for obj-note; the policy now grants updates
    // by default but keeps obj-note read only, so obj-note needs its own permission.
    const readOnly = {
      objectMetadataId: 'obj-note',
      canReadObjectRecords: true,
      canUpdateObjectRecords: false,
      canSoftDeleteObjectRecords: false,
      canDestroyObjectRecords: false,
    };
    const actual = withRole(BASE, 'rep@junior', {
      canUpdateAllObjectRecords: false,
      objectPermissions: [],
    });
    const desired = withRole(BASE, 'rep@junior', { objectPermissions: [readOnly] });
    const { ops } = plan(desired, actual);
    expect(ops).toEqual([
      { kind: 'updateRole', roleKey: 'rep@junior', update: { canUpdateAllObjectRecords: true } },
      { kind: 'upsertObjectPermissions', roleKey: 'rep@junior', objectPermissions: [readOnly] },
    ]);
  });

  it('makes the role defaults explicit for an object whose own permission is dropped', () => {
    const junior = role('rep@junior');
    const desired = withRole(BASE, 'rep@junior', {
      objectPermissions: junior.objectPermissions.slice(0, 1),
    });
    const { ops } = plan(desired);
    expect(ops).toEqual([
      {
        kind: 'upsertObjectPermissions',
        roleKey: 'rep@junior',
        objectPermissions: [
          {
            objectMetadataId: 'obj-note',
            canReadObjectRecords: true,
            canUpdateObjectRecords: true,
            canSoftDeleteObjectRecords: false,
            canDestroyObjectRecords: false,
          },
          // The permission the role keeps, sent whole beside the change.
          junior.objectPermissions[0] ?? fail(),
        ],
      },
    ]);
  });

  it('never touches roles that managedRoleKeys refuses', () => {
    const actual = withRole(BASE, 'Admin', {
      canDestroyAllObjectRecords: true,
      fieldPermissions: [],
    });
    const desired = { ...BASE, roles: BASE.roles.filter((r) => r.key !== 'Admin') };
    const { diff, ops } = plan(desired, actual);
    expect(diff.roles.map((r) => r.key)).toEqual(['rep@junior', 'rep@senior']);
    expect(ops).toEqual([]);
  });

  it('moves a member between roles', () => {
    const desired = { ...BASE, assignments: { ...BASE.assignments, 'm-1': 'rep@senior' } };
    const { diff, ops } = plan(desired);
    expect(diff.assignments).toEqual([
      { memberId: 'm-1', before: 'rep@junior', after: 'rep@senior' },
    ]);
    expect(ops).toEqual([
      { kind: 'updateWorkspaceMemberRole', workspaceMemberId: 'm-1', roleKey: 'rep@senior' },
    ]);
  });

  it('deletes a role after moving its members out of it', () => {
    const desired = state([role('rep@senior')], { 'm-1': 'rep@senior', 'm-2': 'rep@senior' });
    const { diff, ops } = plan(desired);
    expect(diff.counts).toMatchObject({ rolesToDelete: 1, assignmentChanges: 1, blocked: 0 });
    expect(kinds(ops)).toEqual(['updateWorkspaceMemberRole rep@senior', 'deleteRole rep@junior']);
  });

  it('blocks deleting a role that members would still hold', () => {
    const desired = state([role('rep@senior')], { 'm-2': 'rep@senior' });
    const { diff, ops } = plan(desired);
    expect(diff.roles[0]).toMatchObject({
      key: 'rep@junior',
      change: 'delete',
      blocked: 'still held by 1 member: m-1',
    });
    expect(diff.counts).toMatchObject({ rolesToDelete: 0, blocked: 1 });
    expect(ops).toEqual([]);
  });

  it('orders operations: create, settings, objects, fields, row level, members, deletions', () => {
    const desired = state(
      [
        role('rep@lead'),
        role('rep@senior', {
          label: 'Senior',
          objectPermissions: [],
          fieldPermissions: [],
          rowLevel: {},
        }),
      ],
      { 'm-1': 'rep@lead', 'm-2': 'rep@senior' },
    );
    const { ops } = plan(desired);
    expect(kinds(ops)).toEqual([
      'createRole rep@lead',
      'updateRole rep@senior',
      'upsertObjectPermissions rep@lead',
      'upsertObjectPermissions rep@senior',
      'upsertFieldPermissions rep@lead',
      'upsertFieldPermissions rep@senior',
      'upsertRowLevelPermissionPredicates rep@lead',
      'upsertRowLevelPermissionPredicates rep@senior',
      'updateWorkspaceMemberRole rep@lead',
      'deleteRole rep@junior',
    ]);
    expect(ops[1]).toEqual({
      kind: 'updateRole',
      roleKey: 'rep@senior',
      update: { label: 'Senior' },
    });
  });

  it('is empty exactly when there is no operation', () => {
    const cases: HostPermissionState[] = [
      BASE,
      state([role('rep@senior')], { 'm-2': 'rep@senior' }),
      state([role('rep@junior')], { 'm-1': 'rep@junior', 'm-2': 'rep@junior' }),
      withRole(BASE, 'rep@junior', { description: 'changed' }),
      { ...BASE, assignments: { ...BASE.assignments, 'm-9': 'not-a-role' } },
    ];
    for (const desired of cases) {
      const { diff, ops } = plan(desired);
      expect(diff.empty).toBe(ops.length === 0);
    }
  });
});
