import { describe, expect, it } from 'vitest';

import { BASE, fail, plan, role, withRole } from './plan-fixtures.test-support.js';

describe('diffHostState on row-level predicates', () => {
  it('upserts the row-level predicates of the one role and object that changed', () => {
    const desired = withRole(BASE, 'rep@junior', {
      rowLevel: {
        'obj-deal': {
          predicates: [
            { objectMetadataId: 'obj-deal', fieldMetadataId: 'fld-owner', operand: 'IS_NOT' },
          ],
          groups: [],
        },
      },
    });
    const { diff, ops } = plan(desired);
    expect(diff.counts.rowLevelChanges).toBe(1);
    expect(ops).toEqual([
      {
        kind: 'upsertRowLevelPermissionPredicates',
        roleKey: 'rep@junior',
        objectMetadataId: 'obj-deal',
        predicates: [
          { objectMetadataId: 'obj-deal', fieldMetadataId: 'fld-owner', operand: 'IS_NOT' },
        ],
        predicateGroups: [],
      },
    ]);
  });

  it('sees a predicate moved to another group as a change', () => {
    const rules = role('rep@junior').rowLevel['obj-deal'] ?? fail();
    const desired = withRole(BASE, 'rep@junior', {
      rowLevel: {
        'obj-deal': { ...rules, predicates: rules.predicates.map((p) => ({ ...p, group: 1 })) },
      },
    });
    expect(plan(desired).diff.counts.rowLevelChanges).toBe(1);
  });

  it('sees a group whose operator changed as a change', () => {
    const rules = role('rep@junior').rowLevel['obj-deal'] ?? fail();
    const groups = rules.groups.map((g) => ({ ...g, logicalOperator: 'AND' as const }));
    const desired = withRole(BASE, 'rep@junior', {
      rowLevel: { 'obj-deal': { ...rules, groups } },
    });
    expect(plan(desired).diff.counts.rowLevelChanges).toBe(1);
  });

  it('refuses row-level groups that form a cycle', () => {
    const desired = withRole(BASE, 'rep@junior', {
      rowLevel: {
        'obj-deal': {
          predicates: [],
          groups: [{ objectMetadataId: 'obj-deal', logicalOperator: 'OR', parent: 0 }],
        },
      },
    });
    expect(() => plan(desired)).toThrow('row-level groups form a cycle at group 0');
  });

  it('refuses a predicate in a group that does not exist', () => {
    const predicate = { objectMetadataId: 'obj-deal', fieldMetadataId: 'fld-owner', group: 3 };
    const desired = withRole(BASE, 'rep@junior', {
      rowLevel: { 'obj-deal': { predicates: [{ ...predicate, operand: 'IS' }], groups: [] } },
    });
    expect(() => plan(desired)).toThrow('row-level predicate names missing group 3');
  });
});
