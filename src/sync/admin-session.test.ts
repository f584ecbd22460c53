import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import { ADMIN_ROLE_ID, MEMBER_ROLE_ID } from '../sandbox/seed-state.js';
import {
  ADMIN_SESSION_FILE,
  activeAdminSession,
  AdminSessionError,
  adminSessionStatus,
  readAdminSession,
  saveAdminSession,
  signIn,
  SignInError,
  whoIs,
} from './admin-session.js';

const PASSWORD = 'admin-session-test-password';
const SECRET = Buffer.alloc(32, 7).toString('base64');
const ENV = { TIERGATE_SECRET_KEY: SECRET };

let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function served(): Promise<{ sandbox: Sandbox; url: string; email: string; cwd: string }> {
  const sandbox = await createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: { members: 14, companies: 1, people: 1, opportunities: 1 },
    adminPassword: PASSWORD,
  });
  running = await startSandboxServer(sandbox.serverOptions, 0);
  const email = sandbox.adminLogin?.email ?? '';
  return { sandbox, url: running.url, email, cwd: mkdtempSync(join(tmpdir(), 'tg-session-')) };
}

async function signedIn(world: Awaited<ReturnType<typeof served>>) {
  const tokens = await signIn({ hostUrl: world.url, email: world.email, password: PASSWORD });
  const who = await whoIs(world.url, tokens.accessToken);
  const session = {
    ...tokens,
    hostUrl: world.url,
    ...who,
    signedInAt: new Date().toISOString(),
  };
  await saveAdminSession({ cwd: world.cwd, env: ENV }, session);
  return session;
}

describe('admin session', () => {
  it("signs in with Twenty's password flow as the admin member, who may manage roles", async () => {
    const world = await served();
    const tokens = await signIn({ hostUrl: world.url, email: world.email, password: PASSWORD });
    const who = await whoIs(world.url, tokens.accessToken);
    const admin = world.sandbox.state().members.find((m) => m.userEmail === world.email);
    expect(who).toEqual({ memberId: admin?.id, email: world.email, canManageRoles: true });
  });

  it('says how to fix a refused password, without the password in the message', async () => {
    const world = await served();
    const error: unknown = await signIn({
      hostUrl: world.url,
      email: world.email,
      password: 'not-the-password',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect((error as Error).message).toContain('refused the email or password');
    expect((error as Error).message).not.toContain('not-the-password');
  });

  it('keeps the tokens sealed on disk, readable only with the key', async () => {
    const world = await served();
    const session = await signedIn(world);
    const text = readFileSync(join(world.cwd, ADMIN_SESSION_FILE), 'utf8');
    expect(text).not.toContain(session.accessToken);
    expect(text).not.toContain(session.refreshToken);
    expect(text).toContain(world.email);
    await expect(readAdminSession({ cwd: world.cwd, env: ENV })).resolves.toMatchObject({
      accessToken: session.accessToken,
    });
    const otherKey = { TIERGATE_SECRET_KEY: Buffer.alloc(32, 9).toString('base64') };
    await expect(readAdminSession({ cwd: world.cwd, env: otherKey })).rejects.toBeInstanceOf(
      AdminSessionError,
    );
  });

  it('renews the access token with the refresh token when it is about to expire', async () => {
    const world = await served();
    const session = await signedIn(world);
    const soon = Date.parse(session.accessExpiresAt) - 60_000;
    const active = await activeAdminSession({
      cwd: world.cwd,
      env: ENV,
      hostUrl: world.url,
      now: () => soon,
    });
    expect(active?.accessToken).not.toBe(session.accessToken);
    // The renewed pair is saved, and the new token moves a member.
    const saved = await readAdminSession({ cwd: world.cwd, env: ENV });
    expect(saved?.accessToken).toBe(active?.accessToken);
    const who = await whoIs(world.url, active?.accessToken ?? '');
    expect(who.memberId).toBe(session.memberId);
  });

  it('asks for a new sign-in once the refresh token has expired', async () => {
    const world = await served();
    const session = await signedIn(world);
    const later = Date.parse(session.refreshExpiresAt) + 1;
    await expect(
      activeAdminSession({ cwd: world.cwd, env: ENV, hostUrl: world.url, now: () => later }),
    ).rejects.toThrow(/expired.*tiergate login --host/);
  });

  it('is not used for another host', async () => {
    const world = await served();
    await signedIn(world);
    await expect(
      activeAdminSession({ cwd: world.cwd, env: ENV, hostUrl: 'http://elsewhere.test' }),
    ).resolves.toBeUndefined();
  });

  describe('adminSessionStatus', () => {
    it('is not ok without a session, and names the login command', async () => {
      const world = await served();
      const status = await adminSessionStatus({ hostUrl: world.url }, { cwd: world.cwd, env: ENV });
      expect(status).toMatchObject({
        ok: false,
        state: 'missing',
        fix: `tiergate login --host ${world.url}`,
      });
    });

    it('is ok for a working session of an admin', async () => {
      const world = await served();
      await signedIn(world);
      const status = await adminSessionStatus({ hostUrl: world.url }, { cwd: world.cwd, env: ENV });
      expect(status).toMatchObject({ ok: true, state: 'active', email: world.email });
    });

    it('is not ok for a session of another host', async () => {
      const world = await served();
      await signedIn(world);
      const status = await adminSessionStatus(
        { hostUrl: 'http://elsewhere.test' },
        { cwd: world.cwd, env: ENV },
      );
      expect(status).toMatchObject({ ok: false, state: 'other-host' });
    });

    it('is not ok once the signed-in member no longer holds the roles setting', async () => {
      const world = await served();
      const session = await signedIn(world);
      // Another admin demotes the signed-in one, as done in Twenty's settings.
      const other = world.sandbox.state().members.find((m) => m.id !== session.memberId);
      if (other === undefined) throw new Error('no other member');
      const metadata = world.sandbox.serverOptions.metadata;
      const move = (member: string, role: string, by: string, byRole: string) =>
        metadata.execute({
          source: `mutation { updateWorkspaceMemberRole(workspaceMemberId: "${member}", roleId: "${role}") { id } }`,
          principal: { kind: 'member', memberId: by, roleId: byRole },
        });
      expect((await move(other.id, ADMIN_ROLE_ID, session.memberId, ADMIN_ROLE_ID)).errors).toBe(
        undefined,
      );
      expect((await move(session.memberId, MEMBER_ROLE_ID, other.id, ADMIN_ROLE_ID)).errors).toBe(
        undefined,
      );
      const status = await adminSessionStatus({ hostUrl: world.url }, { cwd: world.cwd, env: ENV });
      expect(status).toMatchObject({ ok: false, state: 'not-admin' });
    });
  });

  describe('the session file', () => {
    const session = (accessToken: string) => ({
      hostUrl: 'http://crm.test',
      email: 'admin@crm.test',
      memberId: 'member-1',
      signedInAt: '2026-01-01T00:00:00.000Z',
      accessToken,
      accessExpiresAt: '2026-01-01T00:30:00.000Z',
      refreshToken: 'refresh-token',
      refreshExpiresAt: '2026-03-01T00:00:00.000Z',
    });

    it('is replaced whole by a renamed new file of mode 0600, never rewritten in place', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'tg-session-file-'));
      const place = { cwd, env: ENV };
      const file = join(cwd, ADMIN_SESSION_FILE);
      await saveAdminSession(place, session('first-token'));
      const before = statSync(file).ino;
      await saveAdminSession(place, session('second-token'));
      // A new inode: the old file was swapped out, so no reader ever sees half of the new one.
      expect(statSync(file).ino).not.toBe(before);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(
        readdirSync(join(cwd, '.tiergate')).filter((f) => f.startsWith('admin-session')),
      ).toEqual(['admin-session.json']);
      await expect(readAdminSession(place)).resolves.toMatchObject({ accessToken: 'second-token' });
    });

    it('that is not JSON is an AdminSessionError naming the file and tiergate login', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'tg-session-file-'));
      mkdirSync(join(cwd, '.tiergate'));
      const file = join(cwd, ADMIN_SESSION_FILE);
      writeFileSync(file, '{"hostUrl": "http://crm.te');
      const error: unknown = await readAdminSession({ cwd, env: ENV }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdminSessionError);
      expect((error as Error).message).toContain(file);
      expect((error as Error).message).toContain('tiergate login');
    });
  });
});
