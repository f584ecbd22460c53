/**
 * Exit codes, as a shell sees them from the built binary (`npm run build` first): each code has
 * one meaning, so a script can tell "changes pending" (2) from a typo (64).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { ADMIN_PASSWORD, signInHere } from '../sync/sync-cli.test-support.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import { main } from './main.js';

const BIN = fileURLToPath(new URL('../../bin/tiergate.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../policy/fixtures/policy-md.yaml', import.meta.url));
const ADMIN_KEY = 'admin-key-for-exit-code-tests';

/** Runs the binary in `cwd` without blocking the event loop (the sandbox runs in this process). */
function tiergate(cwd: string, ...argv: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...argv], {
      cwd,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, err }));
  });
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tiergate-exit-'));
}

function tempFile(name: string, content: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

beforeAll(() => {
  expect(existsSync(BUILT), 'run `npm run build` before the CLI tests').toBe(true);
});

describe('tiergate exit codes without a host', () => {
  const here = process.cwd();

  it('exits 0 when the command succeeds', async () => {
    expect(await tiergate(here, 'validate', FIXTURE)).toMatchObject({ code: 0 });
    expect(await tiergate(here, '--help')).toMatchObject({ code: 0 });
  });

  it.each([
    ['an invalid policy', ['validate', tempFile('p.yaml', 'version: 2\ntiers: []\nroles: {}\n')]],
    ['an unreadable policy file', ['validate', 'no/such/policy.yaml']],
    [
      'a failing policy test',
      [
        'test',
        tempFile(
          't.yaml',
          `policy: ${FIXTURE}\nnow: 2026-06-30T12:00:00Z\ncases:\n  - { name: c, member: m-alice, object: opportunity, action: read, record: { id: o1, ownerId: m-carol, stage: NEW }, expect: allow }\n`,
        ),
      ],
    ],
    [
      'a host that cannot be reached',
      ['plan', '--policy', FIXTURE, '--host', 'http://127.0.0.1:9', '--api-key', 'k'],
    ],
  ])('exits 1 for %s', async (_what, argv) => {
    expect(await tiergate(here, ...argv)).toMatchObject({ code: 1 });
  });

  it.each([
    ['no command', []],
    ['an unknown command', ['vaildate']],
    ['an unknown option', ['validate', FIXTURE, '--jsn']],
    ['a missing argument', ['validate']],
    ['an extra argument', ['schema', 'extra']],
    [
      'a missing required option',
      ['explain', FIXTURE, '--object', 'opportunity', '--action', 'read'],
    ],
    [
      'a bad option value',
      ['explain', FIXTURE, '--member', 'm-alice', '--object', 'opportunity', '--action', 'approve'],
    ],
    ['a port that is not one', ['sandbox', '--port', 'eighty']],
    ['no host to talk to', ['plan', '--policy', FIXTURE]],
  ])('exits 64 for %s, never 2', async (_what, argv) => {
    const { code, err } = await tiergate(tempDir(), ...argv);
    expect(code).toBe(64);
    expect(err).not.toBe('');
  });
});

describe('tiergate exit codes against a host', () => {
  let running: RunningSandbox | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function workspace(): Promise<{ cwd: string; sandbox: Sandbox }> {
    const sandbox = await createSandbox({
      rls: true,
      seed: 'default',
      seedCounts: { members: 16, companies: 2, people: 2, opportunities: 4 },
      adminKey: ADMIN_KEY,
      adminPassword: ADMIN_PASSWORD,
    });
    running = await startSandboxServer(sandbox.serverOptions, 0);
    const cwd = tempDir();
    mkdirSync(join(cwd, '.tiergate'));
    writeFileSync(
      join(cwd, '.tiergate', 'sandbox.json'),
      JSON.stringify({ url: running.url, adminKey: ADMIN_KEY }),
    );
    // Members move only with an admin's own session, as tiergate login leaves it.
    await signInHere(cwd, running.url, sandbox.adminLogin?.email ?? '');
    const members = sandbox
      .state()
      .members.map((m) => `    - { id: ${m.id}, role: rep, tier: junior }`);
    writeFileSync(
      join(cwd, 'tiergate.policy.yaml'),
      `version: 1
tiers: [{ id: junior }]
objects: { opportunity: { owner: [ownerId] } }
roles:
  rep:
    label: Rep
    duties: Sells.
    objects: { opportunity: { read: { junior: own } } }
org:
  members:
${members.join('\n')}
`,
    );
    return { cwd, sandbox };
  }

  it('exits 2 while changes are pending, 1 when apply is refused, 0 once applied', async () => {
    const { cwd } = await workspace();
    expect(await tiergate(cwd, 'plan', '--roles-only')).toMatchObject({ code: 2 });
    expect(await tiergate(cwd, 'apply', '--roles-only')).toMatchObject({ code: 1 });
    expect(await tiergate(cwd, 'apply', '--roles-only', '--yes')).toMatchObject({ code: 0 });
    expect(await tiergate(cwd, 'plan', '--roles-only')).toMatchObject({ code: 0 });
  }, 120_000);

  it('exits 2 when drift is found, and 0 once reverted', async () => {
    const { cwd, sandbox } = await workspace();
    expect(await tiergate(cwd, 'apply', '--roles-only', '--yes')).toMatchObject({ code: 0 });
    expect(await tiergate(cwd, 'drift')).toMatchObject({ code: 0 });
    const role = sandbox.state().roles.find((r) => r.label === 'Rep · junior');
    const key = sandbox.state().apiKeys[0];
    await sandbox.serverOptions.metadata.execute({
      source: `mutation { updateOneRole(updateRoleInput: { id: "${role?.id ?? ''}", update: { canDestroyAllObjectRecords: true } }) { id } }`,
      principal: { kind: 'apiKey', apiKeyId: key?.id ?? '', roleId: key?.roleId ?? '' },
    });
    expect(await tiergate(cwd, 'drift')).toMatchObject({ code: 2 });
    expect(await tiergate(cwd, 'drift', '--revert')).toMatchObject({ code: 0 });
  }, 120_000);
});

/** The top-level help, and the commands it lists (so a new command cannot be left out). */
async function help(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await main([...argv, '--help'], {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: () => undefined },
    cwd: process.cwd(),
    env: {},
  });
  return { code, out };
}

describe('tiergate --help', () => {
  it('lists every exit code in the top-level help', async () => {
    const { out } = await help();
    for (const code of ['0', '1', '2', '64'])
      expect(out).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
  });

  it("lists each command's exit codes, 64 for bad usage among them", async () => {
    const listed = (await help()).out.split('Commands:\n')[1]?.split('\n\n')[0] ?? '';
    const commands = [...listed.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1] ?? '');
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) {
      const { code, out } = await help(command);
      expect(code, command).toBe(0);
      expect(out, command).toMatch(/^Exit codes:\n {2}0 +\S.*\n {2}1 +\S/m);
      expect(out, command).toMatch(/^ {2}64 +bad usage/m);
      expect(out, command).not.toMatch(/\b2 bad usage/);
    }
  });
});
