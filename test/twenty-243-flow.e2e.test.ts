/**
 * The whole integrator's flow, with the built CLI (`node bin/tiergate.js`, as `npx tiergate`
 * runs it) against a sandbox that keeps Twenty 2.43's rules: outbound safe mode on with the
 * add-on's host allowed on the server and the worker, `updateWorkspaceMemberRole` refusing API
 * keys (only a signed-in admin moves members), and Twenty's default API rate limit. In one
 * sequence: install with its delivery proof, plan/apply waiting for a sign-in, login, apply,
 * drift, a member's change journaled through `tiergate serve`, and doctor passing every check
 * with the gateway running (the policy has rules only the gateway enforces).
 *
 * Not repeated here: doctor naming OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS when the allow-list is
 * unset; test/delivery.e2e.test.ts asserts exactly that.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../src/cli/free-port.test-support.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openGateway } from '../src/gateway/index.js';
import { loadPolicy } from '../src/policy/load.js';
import { TWENTY_DEFAULT_RATE_LIMIT } from '../src/sandbox/rate-limit.js';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { ADMIN_ROLE_ID } from '../src/sandbox/seed-state.js';
import { startSandboxServer, type RunningSandbox } from '../src/sandbox/server.js';
import type { SandboxMember } from '../src/sandbox/workspace.js';
import { SIGNED_IN_SELF_REFUSAL } from '../src/sync/plan-refusals.js';
import { dealRolesYaml, roleOf, sandboxDirectory } from '../src/sync/sync-cli.test-support.js';

const BIN = fileURLToPath(new URL('../bin/tiergate.js', import.meta.url));
const ADMIN_KEY = 'admin-key-for-twenty-243-flow';
const ADMIN_PASSWORD = 'admin-password-for-twenty-243-flow';

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The environment the CLI gets: only PATH and what a step sets. Not the test process's: vitest
 * raises the sandbox's rate limit there (vitest.config.ts), and an inherited TIERGATE_* variable
 * would change what the CLI reads.
 */
const cliEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '',
  ...extra,
});

/**
 * Runs `tiergate …` as a child process. Asynchronously: the sandbox it talks to is served by
 * this very process, so a synchronous spawn would block the server it waits on.
 */
function tiergate(cwd: string, argv: readonly string[], env: Record<string, string> = {}) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, env: cliEnv(env) });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** `tiergate serve` as a child process, resolved once it announces where it serves. */
async function serve(cwd: string, port: number) {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], {
    cwd,
    env: cliEnv({}),
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const announced = /serving on (http:\/\/\S+)/.exec(err)?.[1];
      // Processing is wired after the listener: ready once it says what it processes.
      if (announced !== undefined && err.includes('processing:')) resolve(announced);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  let stopped = false;
  const stop = async (): Promise<number | null> => {
    if (!stopped) child.kill('SIGTERM');
    stopped = true;
    return exited;
  };
  cleanups.push(async () => {
    await stop();
  });
  return { url, stop, output: () => ({ out, err }) };
}

async function graphql(url: string, token: string, query: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

/** Reps read and edit their own deals; managers every deal. One tier keeps the roles few. */
function policyYaml(assignments: readonly { id: string; role: 'rep' | 'manager' }[]): string {
  const roles = dealRolesYaml({
    rep: {
      label: 'Rep',
      duties: 'Sells.',
      opportunity: [
        'read: { junior: own }',
        'update: { junior: own }',
        'fields: { default: { junior: edit } }',
      ],
    },
    manager: {
      label: 'Manager',
      duties: 'Leads.',
      opportunity: [
        'read: { junior: all }',
        'update: { junior: all }',
        'fields: { default: { junior: edit } }',
      ],
    },
  });
  const members = assignments.map((a) => `    - { id: ${a.id}, role: ${a.role}, tier: junior }`);
  return `version: 1
tiers: [{ id: junior }]
objects:
  opportunity: { owner: [ownerId] }
${roles}
org:
  members:
${members.join('\n')}
`;
}

interface World {
  readonly sandbox: Sandbox;
  readonly server: RunningSandbox;
  readonly cwd: string;
  readonly addonPort: number;
  readonly admin: SandboxMember;
  /** A rep who owns `deal`: the one whose change the journal must show. */
  readonly changer: SandboxMember;
  readonly deal: string;
  /** Each listed member's expected role label once applied (the admin's stays Admin). */
  readonly expected: ReadonlyMap<string, string>;
}

async function world(): Promise<World> {
  const sandbox = await createSandbox({
    // Row-level entitlement on: Twenty enforces `own` itself; the policy's other rules (no
    // exports) only the gateway enforces, so doctor is given one.
    rls: true,
    seed: 'default',
    // Small (14 members is the seed's least), so the run stays well inside Twenty's default
    // limit of 100 API-key calls a minute.
    seedCounts: { members: 14, companies: 2, people: 2, opportunities: 6 },
    adminKey: ADMIN_KEY,
    adminPassword: ADMIN_PASSWORD,
    outbound: {
      server: { safeModeEnabled: true, allowedInternalHosts: ['127.0.0.1'] },
      worker: { safeModeEnabled: true, allowedInternalHosts: ['127.0.0.1'] },
    },
    // Twenty's own defaults, explicitly: vitest.config.ts raises them for the rest of the suite.
    rateLimit: TWENTY_DEFAULT_RATE_LIMIT,
  });
  const server = await startSandboxServer(sandbox.serverOptions, 0);
  cleanups.push(() => server.close());
  const cwd = sandboxDirectory('tiergate-243-flow-', server.url, ADMIN_KEY);

  const members = sandbox.state().members;
  const admin = members.find((m) => m.roleId === ADMIN_ROLE_ID);
  if (admin === undefined) throw new Error('the sandbox has no admin');
  const others = members.filter((m) => m !== admin);
  const deals = Object.values(sandbox.state().records.opportunity ?? {});
  const owned = deals.find((d) => others.some((m) => m.id === d.ownerId));
  const changer = others.find((m) => m.id === owned?.ownerId);
  if (owned === undefined || changer === undefined) throw new Error('no deal owned by a member');
  // The changer is a rep (it edits its own deal); the others alternate, so both roles are used.
  const assignments = [
    // Listed like everyone, but signed in: Twenty forbids moving oneself.
    { id: admin.id, role: 'manager' as const },
    { id: changer.id, role: 'rep' as const },
    ...others
      .filter((m) => m !== changer)
      .map((m, i) => ({ id: m.id, role: i % 2 === 0 ? ('manager' as const) : ('rep' as const) })),
  ];
  writeFileSync(join(cwd, 'tiergate.policy.yaml'), policyYaml(assignments));
  const expected = new Map(
    assignments.map((a) => [
      a.id,
      a.id === admin.id ? 'Admin' : a.role === 'rep' ? 'Rep · junior' : 'Manager · junior',
    ]),
  );
  return {
    sandbox,
    server,
    cwd,
    addonPort: await freePort(),
    admin,
    changer,
    deal: owned.id,
    expected,
  };
}

/** The add-on's metrics, read from tiergate serve's own listener. */
async function metric(addonUrl: string, pattern: RegExp): Promise<number> {
  const text = await (await fetch(`${addonUrl}/metrics`)).text();
  // A labelled counter is absent until it first counts.
  return Number(pattern.exec(text)?.[1] ?? '0');
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < timeoutMs;) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

describe('the Twenty 2.43 flow end to end, with the built CLI', () => {
  it('installs with delivery proven, waits for a sign-in to move members, moves them after login, journals a webhook-driven change, and passes doctor', async () => {
    const w = await world();
    const { cwd, sandbox, server } = w;
    const addonUrl = `http://127.0.0.1:${w.addonPort}`;
    const emails = [...w.expected.keys()]
      .filter((id) => id !== w.admin.id)
      .map((id) => sandbox.state().members.find((m) => m.id === id)?.userEmail ?? id);

    // 1. Install: nothing listens on the add-on's port yet, so install listens there itself,
    //    and the worker's allow-list lets the proof's webhook through.
    const install = await tiergate(cwd, [
      'install',
      '--addon-url',
      addonUrl,
      '--delivery-wait',
      '10',
    ]);
    expect(install.err).not.toMatch(/error/i);
    expect(install.out).toMatch(
      /ok {3}webhook delivery: an? \w+ change reached .* with a valid signature/,
    );
    expect(install.code).toBe(0);

    // 2. No admin session: roles can be made with the key, but member moves wait (Twenty's
    //    UserAuthGuard refuses API keys), and both commands say which moves and how to sign in.
    const login = `tiergate login --host ${server.url}`;
    const plan = await tiergate(cwd, ['plan']);
    expect(plan.out).toContain('member moves wait for an admin session');
    for (const email of emails) expect(plan.out).toContain(email);
    expect(plan.out).toContain(login);
    expect(plan.code).toBe(2);
    const waiting = await tiergate(cwd, ['apply', '--yes']);
    expect(waiting.out).toContain('member moves wait for an admin session');
    expect(waiting.out).toContain(login);
    expect(waiting.code).toBe(2);
    expect(roleOf(sandbox, w.changer.id)).toBe('Member');

    // 3. Sign in as the seeded admin, the password from the environment, never echoed.
    const signed = await tiergate(cwd, ['login', '--email', w.admin.userEmail], {
      TIERGATE_PASSWORD: ADMIN_PASSWORD,
    });
    expect(signed.out).toContain(`as ${w.admin.userEmail}`);
    expect(signed.out + signed.err).not.toContain(ADMIN_PASSWORD);
    expect(signed.code).toBe(0);

    // 4. Apply with the session: every member lands on their role, read back from Twenty's own
    //    getRoles; the signed-in admin is listed but not moved, and the output says why.
    const applied = await tiergate(cwd, ['apply', '--yes']);
    expect(applied.out).toContain(SIGNED_IN_SELF_REFUSAL);
    expect(applied.code).toBe(0);
    const roles = (await graphql(
      `${server.url}/metadata`,
      ADMIN_KEY,
      '{ getRoles { label workspaceMembers { id } } }',
    )) as { data: { getRoles: { label: string; workspaceMembers: { id: string }[] }[] } };
    const roleByMember = new Map(
      roles.data.getRoles.flatMap((r) => r.workspaceMembers.map((m) => [m.id, r.label] as const)),
    );
    for (const [id, label] of w.expected) expect([id, roleByMember.get(id)]).toEqual([id, label]);

    // 5. Nothing drifted since that apply.
    const drift = await tiergate(cwd, ['drift']);
    expect(drift.out).toBe('No drift: the host is as the last apply left it.\n');
    expect(drift.code).toBe(0);

    // 6. The add-on server takes the webhooks; the rep edits its own deal with its own session,
    //    and the change is journaled under that rep once serve has processed the delivery.
    const addon = await serve(cwd, w.addonPort);
    expect(addon.url).toBe(addonUrl);
    const accepted = () =>
      metric(addonUrl, /tiergate_webhooks_received_total\{outcome="accepted"\} (\d+)/);
    const drained = async () =>
      (await metric(addonUrl, /tiergate_webhook_inbox_events\{status="pending"\} (\d+)/)) === 0 &&
      (await metric(addonUrl, /tiergate_webhook_inbox_events\{status="processing"\} (\d+)/)) === 0;
    const before = await accepted();
    const renamed = (await graphql(
      `${server.url}/graphql`,
      w.changer.token,
      `mutation { updateOpportunity(id: "${w.deal}", data: { name: "Renamed by its rep" }) { id } }`,
    )) as { errors?: unknown };
    expect(renamed.errors).toBeUndefined();
    await sandbox.settle();
    expect(await until(async () => (await accepted()) > before && (await drained()), 20_000)).toBe(
      true,
    );
    // serve's embedded store is one process's at a time: stop it before reading the journal.
    expect(await addon.stop()).toBe(0);
    const log = await tiergate(cwd, ['audit', 'log', '--json', '--limit', '100']);
    expect(log.code).toBe(0);
    const entries = JSON.parse(log.out) as { actor: string; action: string; target: string }[];
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: w.changer.id,
        action: 'record.updated',
        target: `opportunity/${w.deal}`,
      }),
    );

    // 7. Doctor: every check, the admin session's included, with the admin key for the
    //    harmless change it undoes (the add-on's own key may not destroy records), and the
    //    gateway running: the policy forbids exports, which Twenty cannot hold by itself.
    const gateway = await openGateway({
      hostUrl: server.url,
      apiKey: ADMIN_KEY,
      policy: loadPolicy(readFileSync(join(cwd, 'tiergate.policy.yaml'), 'utf8')),
      port: 0,
      bind: '127.0.0.1',
      log: () => undefined,
    });
    cleanups.push(() => gateway.close());
    const doctor = await tiergate(cwd, [
      'doctor',
      '--api-key',
      ADMIN_KEY,
      '--delivery-wait',
      '10',
      '--gateway-url',
      gateway.url,
      '--json',
    ]);
    const report = JSON.parse(doctor.out) as {
      ok: boolean;
      checks: { name: string; result: { ok: boolean; detail: string } }[];
    };
    expect(report.checks.find((c) => c.name === 'admin session')?.result.ok).toBe(true);
    expect(report.checks.filter((c) => !c.result.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(doctor.code).toBe(0);
  }, 120_000);
});
