/** What an apply writes into the audit journal: each change with its before and after. */
import { describe, expect, it } from 'vitest';
import { appliedDrafts } from './journal-drafts.js';
import { BASE, plan, role, state, withRole } from './plan-fixtures.test-support.js';

describe('appliedDrafts', () => {
  it('journals each role change and member move with before and after, then the run', () => {
    const desired = state(
      [role('rep@junior', { label: 'Rep · Junior (renamed)' }), role('rep@lead')],
      { 'm-1': 'rep@lead', 'm-2': 'rep@junior' },
    );
    const { diff } = plan(desired);
    const drafts = appliedDrafts({
      actor: 'ops',
      why: 'tiergate apply',
      host: 'https://crm.example.com',
      plan: diff,
      before: BASE,
      after: desired,
      hostCalls: 7,
      viewers: [
        { object: 'company', records: 10, stale: 4, calls: 1 },
        { object: 'person', records: 5, stale: 0, calls: 0 },
      ],
    });
    expect(drafts.map((d) => [d.action, d.target])).toEqual([
      ['role.updated', 'role:rep@junior'],
      ['role.created', 'role:rep@lead'],
      ['role.deleted', 'role:rep@senior'],
      ['member.role-changed', 'member:m-1'],
      ['member.role-changed', 'member:m-2'],
      ['policy.applied', 'host:https://crm.example.com'],
    ]);
    expect(drafts.every((d) => d.actor === 'ops' && d.reason === 'tiergate apply')).toBe(true);
    const updated = drafts[0];
    expect(updated?.before).toMatchObject({ key: 'rep@junior', label: 'Role rep@junior' });
    expect(updated?.after).toMatchObject({ label: 'Rep · Junior (renamed)' });
    expect(drafts[2]?.after).toBeNull();
    expect(drafts[3]).toMatchObject({
      before: { role: 'rep@junior' },
      after: { role: 'rep@lead' },
    });
    expect(drafts.at(-1)?.after).toEqual({
      hostCalls: 7,
      roles: 3,
      members: 2,
      viewers: [{ object: 'company', records: 4 }],
    });
  });

  it('leaves out a role deletion the plan refused, since nothing happened to it', () => {
    // rep@senior still has a member the desired state does not move: its deletion is blocked.
    const desired = withRole(
      state([role('rep@junior')], { 'm-1': 'rep@junior' }),
      'rep@junior',
      {},
    );
    const { diff } = plan(desired);
    const actions = appliedDrafts({
      actor: 'ops',
      why: 'tiergate apply',
      host: 'h',
      plan: diff,
      before: BASE,
      after: desired,
      hostCalls: 0,
    }).map((d) => `${d.action} ${d.target}`);
    expect(diff.roles.find((r) => r.key === 'rep@senior')?.blocked).toBeDefined();
    expect(actions).not.toContain('role.deleted role:rep@senior');
  });
});
