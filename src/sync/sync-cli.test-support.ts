/**
 * `tiergate plan`, `apply` and `drift` run in-process against a sandbox on loopback, with a
 * small policy listing the members a test chooses, and the hand-made changes an admin would
 * make in Twenty's settings (sent as the sandbox's admin API key).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from '../cli/run.test-support.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import type { SeedCounts } from '../sandbox/seed/seed.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import { ADMIN_ROLE_ID } from '../sandbox/seed-state.js';
import type { SandboxMember } from '../sandbox/workspace.js';
import { saveAdminSession, signIn, whoIs } from './admin-session.js';

/** The sandbox's admin API key, which `.tiergate/sandbox.json` names. */
export const ADMIN_KEY = 'admin-key-for-sync-tests';

export interface SyncCli {
  readonly cwd: string;
  readonly sandbox: Sandbox;
  readonly server: RunningSandbox;
  /** The seeded members other than the workspace's admin, in seed order. */
  readonly others: readonly SandboxMember[];
  readonly admin: SandboxMember;
  readonly run: (...argv: string[]) => Promise<CliRun>;
}

/** A role of a small policy over deals: its rules on `opportunity`, one YAML line each. */
export interface DealRole {
  readonly label: string;
  readonly duties: string;
  readonly opportunity: readonly string[];
}

/** The `roles:` section of a small policy over deals, as YAML lines. */
export function dealRolesYaml(roles: Readonly<Record<string, DealRole>>): string {
  const lines = Object.entries(roles).flatMap(([id, role]) => [
    `  ${id}:`,
    `    label: ${role.label}`,
    `    duties: ${role.duties}`,
    '    objects:',
    '      opportunity:',
    ...role.opportunity.map((rule) => `        ${rule}`),
  ]);
  return ['roles:', ...lines].join('\n');
}

/** Rep reads its own deals; manager reads them all. `listed` members alternate rep, manager. */
export function policyText(listed: readonly string[], unlisted?: 'keep' | 'lock'): string {
  const lines = listed.map(
    (id, i) => `    - { id: ${id}, role: ${i % 2 === 0 ? 'rep' : 'manager'}, tier: junior }`,
  );
  const roles = dealRolesYaml({
    rep: {
      label: 'Rep',
      duties: 'Sells.',
      opportunity: ['read: { junior: own }', 'fields: { default: { junior: read } }'],
    },
    manager: {
      label: 'Manager',
      duties: 'Leads.',
      opportunity: ['read: { junior: all }', 'fields: { default: { junior: read } }'],
    },
  });
  return `version: 1
tiers: [{ id: junior }]
objects:
  opportunity: { owner: [ownerId] }
${roles}
org:
${unlisted === undefined ? '' : `  unlisted: ${unlisted}\n`}  members:
${lines.join('\n')}
`;
}

/** The first `count` seeded non-admin members listed (every one without a count). */
export function listing(count?: number, unlisted?: 'keep' | 'lock') {
  return ({ others }: Omit<SyncCli, 'run'>): string =>
    policyText(
      others.slice(0, count).map((m) => m.id),
      unlisted,
    );
}

/** How the sandbox is seeded: Twenty's row-level security off unless asked for. */
export interface SyncCliOptions {
  readonly rls?: boolean;
  readonly seedCounts?: Partial<SeedCounts>;
  /** Sign the sandbox's admin in here, as `tiergate login` does (default true). */
  readonly signedIn?: boolean;
}

/** The sandbox admin's password in these tests. */
export const ADMIN_PASSWORD = 'admin-password-for-sync-tests';

/** A seeded sandbox served on loopback, a working directory pointing at it, and its policy. */
export async function syncCli(
  policy: (cli: Omit<SyncCli, 'run'>) => string,
  options: SyncCliOptions = {},
): Promise<SyncCli> {
  const sandbox = await createSandbox({
    rls: options.rls ?? false,
    seed: 'default',
    seedCounts: options.seedCounts ?? { members: 14, companies: 3, people: 3, opportunities: 12 },
    adminKey: ADMIN_KEY,
    adminPassword: ADMIN_PASSWORD,
  });
  const server = await startSandboxServer(sandbox.serverOptions, 0);
  const cwd = sandboxDirectory('tiergate-sync-', server.url, ADMIN_KEY);
  const members = sandbox.state().members;
  const admin = members.find((m) => m.roleId === ADMIN_ROLE_ID);
  if (admin === undefined) throw new Error('the sandbox has no admin');
  if (options.signedIn !== false) await signInHere(cwd, server.url, admin.userEmail);
  const world = { cwd, sandbox, server, admin, others: members.filter((m) => m !== admin) };
  writeFileSync(join(cwd, 'tiergate.policy.yaml'), policy(world));
  return { ...world, run: (...argv) => runCli(cwd, ...argv) };
}

/** What `tiergate login` leaves in `cwd` (the CLI in these tests runs with an empty env). */
export async function signInHere(cwd: string, url: string, email: string): Promise<void> {
  const tokens = await signIn({ hostUrl: url, email, password: ADMIN_PASSWORD });
  const who = await whoIs(url, tokens.accessToken);
  await saveAdminSession(
    { cwd, env: {} },
    { ...tokens, hostUrl: url, ...who, signedInAt: new Date().toISOString() },
  );
}

async function asAdmin(sandbox: Sandbox, source: string): Promise<unknown> {
  const key = sandbox.state().apiKeys[0];
  const result = await sandbox.serverOptions.metadata.execute({
    source,
    principal: { kind: 'apiKey', apiKeyId: key?.id ?? '', roleId: key?.roleId ?? '' },
  });
  if (result.errors !== undefined) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.data;
}

/**
 * What an admin does in Twenty's settings: gives the member another role. Done in an admin's
 * own session (no API key may), by an admin other than the member (nobody moves themself).
 */
export async function assignByHand(sandbox: Sandbox, memberId: string, roleId: string) {
  const actor = sandbox
    .state()
    .members.find((m) => m.roleId === ADMIN_ROLE_ID && m.id !== memberId);
  if (actor === undefined) throw new Error(`no other admin to move ${memberId}`);
  const result = await sandbox.serverOptions.metadata.execute({
    source: `mutation { updateWorkspaceMemberRole(workspaceMemberId: "${memberId}", roleId: "${roleId}") { id } }`,
    principal: { kind: 'member', memberId: actor.id, roleId: actor.roleId },
  });
  if (result.errors !== undefined) throw new Error(result.errors.map((e) => e.message).join('; '));
}

/** A role Tiergate does not manage, made by hand, reading every record. */
export async function createRoleByHand(sandbox: Sandbox, label: string): Promise<string> {
  const data = (await asAdmin(
    sandbox,
    `mutation { createOneRole(createRoleInput: { label: "${label}", canReadAllObjectRecords: true }) { id } }`,
  )) as { createOneRole: { id: string } };
  return data.createOneRole.id;
}

export function roleOf(sandbox: Sandbox, memberId: string): string | undefined {
  const member = sandbox.state().members.find((m) => m.id === memberId);
  return sandbox.state().roles.find((r) => r.id === member?.roleId)?.label;
}

/** A direct core API read with the member's own token: the deals' names, or the error code. */
export async function dealsReadBy(
  cli: SyncCli,
  token: string,
): Promise<{ names: string[]; error?: string }> {
  const response = await fetch(`${cli.server.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ opportunities(first: 60) { edges { node { name } } } }' }),
  });
  const body = (await response.json()) as {
    data?: { opportunities?: { edges: { node: { name: string } }[] } | null } | null;
    errors?: { extensions?: { code?: string } }[];
  };
  const names = body.data?.opportunities?.edges.map((e) => e.node.name) ?? [];
  const error = body.errors?.[0]?.extensions?.code;
  return error === undefined ? { names } : { names, error };
}

export const EMAIL = (member: { readonly userEmail: string }): RegExp =>
  new RegExp(member.userEmail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** A new directory whose `.tiergate/sandbox.json` points the CLI at a sandbox server. */
export function sandboxDirectory(prefix: string, url: string, adminKey: string): string {
  const cwd = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(cwd, '.tiergate'));
  writeFileSync(join(cwd, '.tiergate', 'sandbox.json'), JSON.stringify({ url, adminKey }));
  return cwd;
}
