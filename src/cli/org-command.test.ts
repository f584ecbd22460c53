/**
 * org.source: host through the command line: `tiergate org pull`, `explain` for members read
 * from Twenty, and `plan` / `apply` placing members by their tiergate* fields, against a sandbox
 * on loopback after `tiergate install`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { ADMIN_PASSWORD, signInHere } from '../sync/sync-cli.test-support.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import { runCli as run } from './run.test-support.js';

const ADMIN_KEY = 'admin-key-for-org-tests';
let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const POLICY = `version: 1
tiers: [{ id: junior }, { id: senior }]
objects:
  opportunity: { owner: [ownerId] }
org:
  source: host
  teams: [{ id: sales }]
  members:
    - { id: m-lead, email: LEAD@placeholder, role: manager }
roles:
  rep:
    label: Rep
    duties: Sells.
    defaultTier: junior
    objects:
      opportunity:
        read: { junior: own, senior: all }
        fields: { default: { junior: read }, amount: { junior: hidden, senior: read } }
  manager:
    label: Manager
    duties: Leads.
    defaultTier: senior
    objects:
      opportunity:
        read: { junior: all }
        fields: { default: { junior: edit } }
`;

interface World {
  readonly cwd: string;
  readonly sandbox: Sandbox;
  readonly members: readonly { id: string; email: string }[];
}

/** Sets tiergate* fields of a workspace member through Twenty's core API, as an admin would. */
async function setOrgFields(id: string, data: string): Promise<void> {
  const response = await fetch(`${running?.url ?? ''}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `mutation($id: UUID!) { updateWorkspaceMember(id: $id, data: ${data}) { id } }`,
      variables: { id },
    }),
  });
  const body = (await response.json()) as { errors?: unknown };
  expect(body.errors).toBeUndefined();
}

async function world(options: { install: boolean }): Promise<World> {
  const sandbox = await createSandbox({
    rls: true,
    seed: 'default',
    seedCounts: { members: 16, companies: 4, people: 4, opportunities: 30 },
    adminKey: ADMIN_KEY,
    adminPassword: ADMIN_PASSWORD,
  });
  running = await startSandboxServer(sandbox.serverOptions, 0);
  const cwd = mkdtempSync(join(tmpdir(), 'tiergate-org-'));
  mkdirSync(join(cwd, '.tiergate'));
  writeFileSync(
    join(cwd, '.tiergate', 'sandbox.json'),
    JSON.stringify({ url: running.url, adminKey: ADMIN_KEY }),
  );
  // Members move only with an admin's own session, as tiergate login leaves it.
  await signInHere(cwd, running.url, sandbox.adminLogin?.email ?? '');
  const members = Object.values(sandbox.state().records.workspaceMember ?? {}).map((r) => ({
    id: r.id,
    email: String(r.userEmail),
  }));
  const lead = members[0]?.email ?? '';
  writeFileSync(join(cwd, 'tiergate.policy.yaml'), POLICY.replace('LEAD@placeholder', lead));
  if (options.install) {
    const installed = await run(
      cwd,
      'install',
      '--addon-url',
      'http://127.0.0.1:9',
      '--skip-delivery-check',
    );
    expect(installed.code).toBe(0);
  }
  return { cwd, sandbox, members };
}

/** Every member but the lead a rep; the second a senior one, reporting to the lead. */
async function placeEveryone(members: World['members']): Promise<void> {
  const [lead, senior, ...rest] = members;
  await setOrgFields(
    senior?.id ?? '',
    `{ tiergateRole: "rep", tiergateTier: "senior", tiergateTeams: ["sales"], tiergateManager: "${lead?.id ?? ''}" }`,
  );
  for (const member of rest) await setOrgFields(member.id, '{ tiergateRole: "rep" }');
}

describe('tiergate org pull', () => {
  it('asks for tiergate install when the org fields are not on the host yet', async () => {
    const { cwd } = await world({ install: false });
    const pulled = await run(cwd, 'org', 'pull');
    expect(pulled.code).toBe(1);
    expect(pulled.err).toMatch(/has no tiergateRole, .* run tiergate install first/);
  }, 90_000);

  it('lists members placed from Twenty and from the policy, and those left out, with exit 1', async () => {
    const { cwd, members } = await world({ install: true });
    const [lead, senior, third] = members;
    await setOrgFields(
      senior?.id ?? '',
      `{ tiergateRole: "rep", tiergateTier: "senior", tiergateManager: "${lead?.id ?? ''}" }`,
    );
    await setOrgFields(third?.id ?? '', '{ tiergateRole: "rep", tiergateTier: "seniour" }');

    const pulled = await run(cwd, 'org', 'pull');
    expect(pulled.code).toBe(1);
    expect(pulled.out).toMatch(
      /^org\.source: host · http:\/\/127\.0\.0\.1:\d+ · 2 members placed, 14 warnings$/m,
    );
    // The lead: role from the policy entry (*), tier the role's default (°), id kept.
    expect(pulled.out).toMatch(
      new RegExp(`${lead?.email ?? ''}\\s+manager\\*\\s+senior°.*${lead?.id ?? ''} \\(m-lead\\)`),
    );
    expect(pulled.out).toMatch(
      new RegExp(
        `${senior?.email ?? ''}\\s+rep\\s+senior\\s+\\S+ \\S+\\s+${senior?.id ?? ''}$`,
        'm',
      ),
    );
    expect(pulled.out).toContain(
      `${third?.email ?? ''}: left out: tier "seniour" (from tiergateTier) is not a tier of the policy; did you mean "senior"?`,
    );

    const json = JSON.parse((await run(cwd, 'org', 'pull', '--json')).out) as {
      source: string;
      members: { id: string; manager: string | null }[];
      problems: unknown[];
    };
    expect(json.source).toBe('host');
    expect(json.members.map((m) => [m.id, m.manager])).toEqual([
      [lead?.id, null],
      [senior?.id, lead?.id],
    ]);
    expect(json.problems).toHaveLength(14);
  }, 90_000);

  it('exits 0 when every workspace member is placed', async () => {
    const { cwd, members } = await world({ install: true });
    await placeEveryone(members);
    const pulled = await run(cwd, 'org', 'pull');
    expect(pulled.err).toBe('');
    expect(pulled).toMatchObject({ code: 0 });
    expect(pulled.out).toMatch(/16 members placed\n/);
  }, 90_000);
});

describe('explain and plan with org.source: host', () => {
  it('decides for a member by email with the tier Twenty holds for it, and follows a change of it', async () => {
    const { cwd, members } = await world({ install: true });
    await placeEveryone(members);
    const rep = members[2];
    const explain = () =>
      run(
        cwd,
        'explain',
        'tiergate.policy.yaml',
        '--member',
        rep?.email ?? '',
        '--object',
        'opportunity',
        '--action',
        'read',
        '--json',
      );
    const junior = JSON.parse((await explain()).out) as {
      scope: string;
      fields: Record<string, string>;
    };
    expect(junior.scope).toBe('own');
    expect(junior.fields.amount).toBe('hidden');

    await setOrgFields(rep?.id ?? '', '{ tiergateTier: "senior" }');
    const senior = JSON.parse((await explain()).out) as {
      scope: string;
      fields: Record<string, string>;
    };
    expect(senior.scope).toBe('all');
    expect(senior.fields.amount).toBe('read');
  }, 90_000);

  it('assigns members to the roles their tiergate fields name, and plans a move when Twenty changes one', async () => {
    const { cwd, sandbox, members } = await world({ install: true });
    await placeEveryone(members);
    const applied = await run(cwd, 'apply', '--yes');
    expect(applied.code).toBe(0);
    const roleOf = (memberId: string): string | undefined => {
      const state = sandbox.state();
      const roleId = state.members.find((m) => m.id === memberId)?.roleId;
      return state.roles.find((r) => r.id === roleId)?.label;
    };
    // The first member is the workspace's only admin: Twenty never takes Admin from its last holder.
    expect(roleOf(members[0]?.id ?? '')).toBe('Admin');
    expect(roleOf(members[1]?.id ?? '')).toBe('Rep · senior');
    expect(roleOf(members[5]?.id ?? '')).toBe('Rep · junior');

    await setOrgFields(members[5]?.id ?? '', '{ tiergateTier: "senior" }');
    const plan = await run(cwd, 'plan');
    expect(plan.code).toBe(2);
    expect(plan.out).toContain(`<${members[5]?.email ?? ''}>: rep@junior -> rep@senior`);
    expect((await run(cwd, 'apply', '--yes')).code).toBe(0);
    expect(roleOf(members[5]?.id ?? '')).toBe('Rep · senior');
  }, 90_000);

  it('locks a member whose fields are cleared, as org.unlisted does by default', async () => {
    const { cwd, members } = await world({ install: true });
    await placeEveryone(members);
    await run(cwd, 'apply', '--yes');
    await setOrgFields(members[5]?.id ?? '', '{ tiergateRole: null, tiergateTier: null }');
    const plan = await run(cwd, 'plan');
    expect(plan.err).toContain(`${members[5]?.email ?? ''}: left out`);
    expect(plan.out).toContain(`<${members[5]?.email ?? ''}>: rep@junior -> tiergate:locked`);
    expect(plan.out).toContain('org.unlisted is not set, so they are locked');
  }, 90_000);
});
