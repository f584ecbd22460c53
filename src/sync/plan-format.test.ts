import { describe, expect, it } from 'vitest';

import { BASE, plan, role, state } from './plan-fixtures.test-support.js';
import { formatPlan, planJson } from './plan.js';

describe('formatPlan', () => {
  it('prints a small plan grouped by role with markers and counts', () => {
    const desired = state(
      [role('rep@senior', { canDestroyAllObjectRecords: true, fieldPermissions: [] })],
      { 'm-2': 'rep@senior' },
    );
    const { diff } = plan(desired);
    expect(formatPlan(diff)).toBe(
      [
        'Changes to apply:',
        '',
        '! role rep@junior (Role rep@junior): not deleted, still held by 1 member: m-1',
        '~ role rep@senior (Role rep@senior)',
        '    ~ canDestroyAllObjectRecords: false -> true',
        '    - field obj-deal.fld-amount: hidden (lifted)',
        '    - field obj-deal.fld-stage: read-only (lifted)',
        '',
        'Roles: 0 to create, 1 to update, 0 to delete.',
        'Permissions: 0 object changes, 2 field changes, 0 row-level changes.',
        'Members: 0 reassignments. Blocked: 1.',
        '',
      ].join('\n'),
    );
  });

  it('says so when the host matches', () => {
    expect(formatPlan(plan(BASE).diff)).toContain('No changes: the host matches the policy.\n');
  });

  it('gives the plan itself as JSON', () => {
    const { diff } = plan(BASE);
    expect(JSON.parse(planJson(diff))).toEqual(JSON.parse(JSON.stringify(diff)));
  });
});
