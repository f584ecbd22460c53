/** A member moved by hand to a role outside the policy is drift, reported by name and reverted. */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_ROLE_ID, MEMBER_ROLE_ID } from '../sandbox/seed-state.js';
import { LAST_ADMIN_REFUSAL } from './plan-refusals.js';
import {
  assignByHand,
  createRoleByHand,
  EMAIL,
  listing,
  policyText,
  roleOf,
  syncCli,
  type SyncCli,
} from './sync-cli.test-support.js';

let cli: SyncCli | undefined;
afterEach(async () => {
  await cli?.server.close();
  cli = undefined;
});

/** Every member but the admin listed, nobody left to lock: only escalations change. */
async function applied(): Promise<SyncCli> {
  cli = await syncCli(listing(undefined, 'keep'));
  expect((await cli.run('apply', '--yes')).code).toBe(0);
  expect((await cli.run('drift')).code).toBe(0);
  return cli;
}

const escalations: [string, (world: SyncCli) => Promise<{ id: string; label: string }>][] = [
  ['Admin', () => Promise.resolve({ id: ADMIN_ROLE_ID, label: 'Admin' })],
  ["Twenty's Member role", () => Promise.resolve({ id: MEMBER_ROLE_ID, label: 'Member' })],
  [
    'a custom role made by hand',
    async ({ sandbox }) => ({
      id: await createRoleByHand(sandbox, 'Power users'),
      label: 'Power users',
    }),
  ],
];

describe('a member moved by hand to a role the policy does not give it', () => {
  it.each(escalations)(
    'to %s: drift names it, exits 2, and --revert moves it back',
    async (_, target) => {
      const world = await applied();
      const [member] = world.others;
      if (member === undefined) throw new Error('no member');
      const role = await target(world);
      await assignByHand(world.sandbox, member.id, role.id);

      const drift = await world.run('drift');
      expect(drift.code).toBe(2);
      const line = drift.out.split('\n').find((l) => EMAIL(member).test(l));
      expect(line).toBe(`~ member ${lineName(world, member.id)}: ${role.label} -> rep@junior`);

      const plan = await world.run('plan');
      expect(plan.code).toBe(2);
      expect(plan.out).toMatch(/^Changes to apply:$/m);
      expect(plan.out).not.toMatch(/Nothing to apply|No changes/);
      expect(plan.out).toContain(
        `~ member ${lineName(world, member.id)}: ${role.label} -> rep@junior`,
      );

      const reverted = await world.run('drift', '--revert');
      expect(reverted.code).toBe(0);
      expect(roleOf(world.sandbox, member.id)).toBe('Rep · junior');
      expect(await world.run('drift')).toMatchObject({ code: 0 });
      expect((await world.run('plan')).code).toBe(0);
    },
    90_000,
  );

  it('reports a member Twenty will not move (the last admin) with the reason, and exits 2', async () => {
    const world = await applied();
    const [member] = world.others;
    if (member === undefined) throw new Error('no member');
    // The member becomes admin, then the workspace's admin is demoted: the member is the last one.
    await assignByHand(world.sandbox, member.id, ADMIN_ROLE_ID);
    await assignByHand(world.sandbox, world.admin.id, MEMBER_ROLE_ID);

    const drift = await world.run('drift');
    expect(drift.code).toBe(2);
    expect(drift.out).toContain(
      `! member ${lineName(world, member.id)}: stays Admin, not moved to rep@junior (${LAST_ADMIN_REFUSAL})`,
    );
    const reverted = await world.run('drift', '--revert');
    expect(reverted.code).toBe(2);
    expect(roleOf(world.sandbox, member.id)).toBe('Admin');

    const plan = await world.run('plan');
    expect(plan.out).toContain(
      `! member ${lineName(world, member.id)}: stays Admin, not moved to rep@junior (${LAST_ADMIN_REFUSAL})`,
    );
  }, 90_000);

  it('keeps the admin who held Admin at the last apply when both admins are placed elsewhere', async () => {
    cli = await syncCli(({ admin, others }) =>
      policyText(
        [...others, admin].map((m) => m.id),
        'keep',
      ),
    );
    const world = cli;
    const [member] = world.others;
    if (member === undefined) throw new Error('no member');
    expect((await world.run('apply', '--yes')).code).toBe(0);
    await assignByHand(world.sandbox, member.id, ADMIN_ROLE_ID);
    expect((await world.run('apply', '--yes')).code).toBe(0);
    expect(roleOf(world.sandbox, member.id)).toBe('Rep · junior');
    expect(roleOf(world.sandbox, world.admin.id)).toBe('Admin');
  }, 90_000);
});

/** How plan and drift name a member: `First Last <email>`. */
function lineName(world: SyncCli, memberId: string): string {
  const record = world.sandbox.state().records.workspaceMember?.[memberId] as
    { name?: { firstName?: string; lastName?: string }; userEmail?: string } | undefined;
  const name = `${record?.name?.firstName ?? ''} ${record?.name?.lastName ?? ''}`.trim();
  return `${name} <${record?.userEmail ?? ''}>`;
}
