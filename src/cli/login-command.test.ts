import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_SESSION_FILE, readAdminSession, saveAdminSession } from '../sync/admin-session.js';
import { SIGNED_IN_SELF_REFUSAL } from '../sync/plan-refusals.js';
import {
  ADMIN_PASSWORD,
  policyText,
  roleOf,
  syncCli,
  type SyncCli,
} from '../sync/sync-cli.test-support.js';
import { loginCommand } from './commands/login.js';
import { runCommand } from './run.test-support.js';

let cli: SyncCli | undefined;
afterEach(async () => {
  await cli?.server.close();
  cli = undefined;
});

/** The admin and three others listed (the admin as a rep), nobody signed in yet. */
async function unsignedWorld(): Promise<SyncCli> {
  cli = await syncCli(
    ({ admin, others }) => policyText([admin.id, ...others.slice(0, 3).map((m) => m.id)]),
    { signedIn: false },
  );
  return cli;
}

const login = (world: SyncCli, password = ADMIN_PASSWORD) =>
  runCommand(loginCommand, ['--email', world.admin.userEmail], world.cwd, {
    TIERGATE_PASSWORD: password,
  });

describe('tiergate login, and member moves without and with it', () => {
  it('plan and apply name the moves that wait for a sign-in and the command, and apply the rest', async () => {
    const world = await unsignedWorld();
    const [first] = world.others;
    if (first === undefined) throw new Error('no member');
    const plan = await world.run('plan');
    expect(plan.code).toBe(2);
    expect(plan.out).toContain('member moves wait for an admin session');
    expect(plan.out).toContain(first.userEmail);
    expect(plan.out).toContain(`tiergate login --host ${world.server.url}`);

    const apply = await world.run('apply', '--yes');
    expect(apply.code).toBe(2);
    expect(apply.out).toContain(`tiergate login --host ${world.server.url}`);
    // The roles were made with the key; nobody was moved.
    expect(world.sandbox.state().roles.map((r) => r.label)).toContain('Rep · junior');
    expect(roleOf(world.sandbox, first.id)).toBe('Member');
  }, 90_000);

  it('signs the admin in from $TIERGATE_PASSWORD, never printing it, and apply then moves members', async () => {
    const world = await unsignedWorld();
    const [first, second] = world.others;
    if (first === undefined || second === undefined) throw new Error('no member');
    const signed = await login(world);
    expect(signed.code).toBe(0);
    expect(signed.out).toContain(`as ${world.admin.userEmail}`);
    expect(signed.out + signed.err).not.toContain(ADMIN_PASSWORD);
    expect(readFileSync(join(world.cwd, ADMIN_SESSION_FILE), 'utf8')).not.toContain(ADMIN_PASSWORD);

    const apply = await world.run('apply', '--yes');
    expect(apply.code).toBe(0);
    // The policy alternates rep and manager from the admin on.
    expect(roleOf(world.sandbox, first.id)).toBe('Manager · junior');
    expect(roleOf(world.sandbox, second.id)).toBe('Rep · junior');
    // The signed-in admin is listed as a rep, but never moved: reported instead.
    expect(roleOf(world.sandbox, world.admin.id)).toBe('Admin');
    expect(apply.out).toContain(SIGNED_IN_SELF_REFUSAL);
    expect((await world.run('login', '--status')).code).toBe(0);
  }, 90_000);

  it('refuses a wrong password with exit 1, keeps no session, and does not echo it', async () => {
    const world = await unsignedWorld();
    const refused = await login(world, 'wrong-password-123');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('refused the email or password');
    expect(refused.out + refused.err).not.toContain('wrong-password-123');
    expect(existsSync(join(world.cwd, ADMIN_SESSION_FILE))).toBe(false);
    const status = await world.run('login', '--status');
    expect(status.code).toBe(1);
    expect(status.out).toContain(`fix: tiergate login --host ${world.server.url}`);
  }, 60_000);

  it('drift --revert moves a member back with the session, and logout makes moves wait again', async () => {
    const world = await unsignedWorld();
    const [first] = world.others;
    if (first === undefined) throw new Error('no member');
    expect((await login(world)).code).toBe(0);
    expect((await world.run('apply', '--yes')).code).toBe(0);
    const { assignByHand } = await import('../sync/sync-cli.test-support.js');
    const member = world.sandbox.state().roles.find((r) => r.label === 'Member');
    await assignByHand(world.sandbox, first.id, member?.id ?? '');
    const reverted = await world.run('drift', '--revert');
    expect(roleOf(world.sandbox, first.id)).toBe('Manager · junior');
    expect(reverted.out).toContain('Reverted');

    expect((await world.run('logout')).out).toContain('Signed out');
    await assignByHand(world.sandbox, first.id, member?.id ?? '');
    const waiting = await world.run('drift', '--revert');
    expect(waiting.code).toBe(2);
    expect(waiting.out).toContain(`tiergate login --host ${world.server.url}`);
    expect(roleOf(world.sandbox, first.id)).toBe('Member');
  }, 120_000);

  it('with an expired session, plan and apply treat the moves as waiting, say why, and exit 2', async () => {
    const world = await unsignedWorld();
    const [first] = world.others;
    if (first === undefined) throw new Error('no member');
    expect((await login(world)).code).toBe(0);
    const place = { cwd: world.cwd, env: {} };
    const session = await readAdminSession(place);
    if (session === undefined) throw new Error('no session saved');
    const past = new Date(Date.now() - 60_000).toISOString();
    await saveAdminSession(place, { ...session, accessExpiresAt: past, refreshExpiresAt: past });

    const plan = await world.run('plan');
    expect(plan.code).toBe(2);
    expect(plan.out).toContain(`the admin session of ${world.admin.userEmail} expired`);
    expect(plan.out).toContain(first.userEmail);
    expect(plan.out).toContain(
      `tiergate login --host ${world.server.url} --email ${world.admin.userEmail}`,
    );

    const apply = await world.run('apply', '--yes');
    expect(apply.code).toBe(2);
    expect(apply.out).toContain('expired');
    expect(apply.out).toContain(`tiergate login --host ${world.server.url}`);
    // Everything else was applied with the key; nobody was moved.
    expect(world.sandbox.state().roles.map((r) => r.label)).toContain('Rep · junior');
    expect(roleOf(world.sandbox, first.id)).toBe('Member');
  }, 90_000);

  it('with a session Twenty refuses to renew, plan lists the waiting moves with the sign-in command', async () => {
    const world = await unsignedWorld();
    expect((await login(world)).code).toBe(0);
    const place = { cwd: world.cwd, env: {} };
    const session = await readAdminSession(place);
    if (session === undefined) throw new Error('no session saved');
    await saveAdminSession(place, {
      ...session,
      accessExpiresAt: new Date(Date.now() - 60_000).toISOString(),
      refreshToken: 'a-refresh-token-twenty-never-issued',
    });
    const plan = await world.run('plan');
    expect(plan.code).toBe(2);
    expect(plan.out).toContain('Twenty refused to renew the admin session');
    expect(plan.out).toContain(`tiergate login --host ${world.server.url}`);
    expect(plan.out + plan.err).not.toContain('a-refresh-token-twenty-never-issued');
  }, 90_000);
});
