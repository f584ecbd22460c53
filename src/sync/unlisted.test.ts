/** Workspace members the policy does not list: kept or locked as `org.unlisted` says, always listed. */
import { afterEach, describe, expect, it } from 'vitest';
import { policyJsonSchema } from '../policy/json-schema.js';
import { loadPolicy } from '../policy/load.js';
import { SIGNED_IN_SELF_REFUSAL } from './plan-refusals.js';
import {
  assignByHand,
  dealsReadBy,
  EMAIL,
  listing,
  policyText,
  roleOf,
  syncCli,
  type SyncCli,
} from './sync-cli.test-support.js';
import { MEMBER_ROLE_ID } from '../sandbox/seed-state.js';

let cli: SyncCli | undefined;
afterEach(async () => {
  await cli?.server.close();
  cli = undefined;
});

/** The first four non-admin members listed; the others (and the admin) are not. */
async function world(unlisted?: 'keep' | 'lock'): Promise<SyncCli> {
  cli = await syncCli(listing(4, unlisted));
  return cli;
}

function unlistedOf(w: SyncCli) {
  const outside = w.others.slice(4);
  const [first] = outside;
  if (first === undefined) throw new Error('no unlisted member');
  return { outside, first };
}

function lineOf(out: string, member: { userEmail: string }): string | undefined {
  return out.split('\n').find((l) => l.startsWith('  ') && EMAIL(member).test(l));
}

describe('org.unlisted', () => {
  it('keep: plan lists every unlisted member, and apply leaves them their Twenty role', async () => {
    const w = await world('keep');
    const { outside, first } = unlistedOf(w);
    const plan = await w.run('plan');
    expect(plan.out).toContain(
      `Members the policy does not list (org.unlisted: keep): ${outside.length + 1}.`,
    );
    for (const member of [...outside, w.admin]) {
      expect(lineOf(plan.out, member)).toMatch(/: keeps (Member|Admin)$/);
    }
    expect((await w.run('apply', '--yes')).code).toBe(0);
    expect(outside.map((m) => roleOf(w.sandbox, m.id))).toEqual(outside.map(() => 'Member'));
    expect((await dealsReadBy(w, first.token)).names.length).toBeGreaterThan(0);
  }, 90_000);

  it('lock: apply moves them to a role that reads no deal, and the admin is reported', async () => {
    const w = await world('lock');
    const { outside, first } = unlistedOf(w);
    const control = await dealsReadBy(w, first.token);
    expect(control.names.length).toBeGreaterThan(0);

    const plan = await w.run('plan');
    expect(plan.code).toBe(2);
    expect(lineOf(plan.out, first)).toMatch(/: Member -> locked \(no record access\)$/);
    // The signed-in admin, whom Twenty lets nobody move (themself included).
    expect(lineOf(plan.out, w.admin)).toContain(
      `: stays Admin, not locked (${SIGNED_IN_SELF_REFUSAL})`,
    );
    expect((await w.run('apply', '--yes')).code).toBe(0);

    expect(outside.map((m) => roleOf(w.sandbox, m.id))).toEqual(
      outside.map(() => 'Tiergate · Locked'),
    );
    for (const member of outside) {
      const read = await dealsReadBy(w, member.token);
      expect(read.names).toEqual([]);
      expect(control.names.some((name) => read.names.includes(name))).toBe(false);
    }
    expect(roleOf(w.sandbox, w.admin.id)).toBe('Admin');
    const again = await w.run('plan');
    expect(again.code).toBe(0);
    expect(lineOf(again.out, first)).toMatch(/: locked$/);
  }, 90_000);

  it('lock: a locked member given a role by hand is drift, and --revert locks it again', async () => {
    const w = await world('lock');
    const { first } = unlistedOf(w);
    expect((await w.run('apply', '--yes')).code).toBe(0);
    await assignByHand(w.sandbox, first.id, MEMBER_ROLE_ID);
    const drift = await w.run('drift');
    expect(drift.code).toBe(2);
    expect(drift.out).toMatch(
      new RegExp(`~ member .*${EMAIL(first).source}.*: Member -> tiergate:locked`),
    );
    expect((await w.run('drift', '--revert')).code).toBe(0);
    expect(roleOf(w.sandbox, first.id)).toBe('Tiergate · Locked');
    expect((await dealsReadBy(w, first.token)).names).toEqual([]);
  }, 90_000);

  it('unset: plan says the default locks them', async () => {
    const w = await world();
    const { first } = unlistedOf(w);
    const plan = await w.run('plan');
    expect(plan.out).toMatch(/org\.unlisted is not set, so they are locked/);
    expect(lineOf(plan.out, first)).toMatch(/: Member -> locked/);
  }, 90_000);

  it('is keep or lock in the policy file and its JSON Schema', () => {
    const base = policyText(['m1']);
    const with_ = (value: string) => base.replace('org:\n', `org:\n  unlisted: ${value}\n`);
    expect(loadPolicy(with_('keep')).org.unlisted).toBe('keep');
    expect(loadPolicy(with_('lock')).org.unlisted).toBe('lock');
    expect(loadPolicy(base).org.unlisted).toBeUndefined();
    expect(() => loadPolicy(with_('maybe'))).toThrow(/unlisted/);
    const schema = policyJsonSchema() as {
      properties: { org: { properties: { unlisted: { enum: string[] } } } };
    };
    expect(schema.properties.org.properties.unlisted.enum).toEqual(['keep', 'lock']);
  });
});
