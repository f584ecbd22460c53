/** The `tiergate` commands, run in-process with captured output. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

const FIXTURE = fileURLToPath(new URL('../policy/fixtures/policy-md.yaml', import.meta.url));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    cwd: process.cwd(),
    env: {},
  });
  return { code, out, err };
}

function explainArgs(member: string, object: string, action: string): string[] {
  return ['explain', FIXTURE, '--member', member, '--object', object, '--action', action];
}

function tempFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tiergate-cli-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('tiergate', () => {
  it('lists its commands under --help and exits 0', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    for (const command of ['validate', 'explain', 'test', 'schema', 'demo'])
      expect(out).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('prints usage on stderr and exits 64 with no command or an unknown one', async () => {
    expect((await run()).code).toBe(64);
    const unknown = await run('vaildate');
    expect(unknown.code).toBe(64);
    expect(unknown.err).toMatch(/unknown command "vaildate"/);
  });

  it.each(['validate', 'explain', 'test', 'schema', 'demo'])(
    'gives %s a --help with its usage and options',
    async (command) => {
      const { code, out } = await run(command, '--help');
      expect(code).toBe(0);
      expect(out).toMatch(new RegExp(`^Usage: tiergate ${command}`));
      expect(out).toMatch(/-h, --help/);
    },
  );

  it("rejects an unknown option with the command's usage", async () => {
    const { code, err } = await run('validate', FIXTURE, '--jsn');
    expect(code).toBe(64);
    expect(err).toMatch(/Unknown option '--jsn'/);
    expect(err).toMatch(/Usage: tiergate validate/);
  });
});

describe('tiergate validate', () => {
  it('exits 0 for a valid policy and says what it holds', async () => {
    const { code, out } = await run('validate', FIXTURE);
    expect(code).toBe(0);
    expect(out).toMatch(/valid \(5 tiers, 2 roles, 2 members, 1 restriction\)/);
  });

  it('exits 1 with one path: message line per problem', async () => {
    const file = tempFile('bad.yaml', 'version: 2\ntiers: []\nroles: {}\n');
    const { code, out } = await run('validate', file);
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toEqual([
      'version: version must be 1 (line 1)',
      'tiers: at least one tier is needed (line 2)',
    ]);
  });

  it('prints the problems as JSON with --json', async () => {
    const file = tempFile(
      'bad.yaml',
      'version: 1\ntiers: [{ id: a }]\nroles: { r: { label: R, duties: D, defaultTier: b } }\n',
    );
    const { code, out } = await run('validate', file, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(out)).toEqual({
      valid: false,
      issues: [{ path: 'roles.r.defaultTier', message: 'unknown tier "b" (known: a)', line: 3 }],
      warnings: [],
    });
  });

  it('exits 1 and names the file when it cannot be read', async () => {
    const { code, err } = await run('validate', 'no/such/policy.yaml');
    expect(code).toBe(1);
    expect(err).toMatch(/cannot read policy no\/such\/policy\.yaml: no such file/);
  });
});

describe('tiergate explain', () => {
  it("prints POLICY.md §4's JSON for m-alice updating an opportunity", async () => {
    const { code, out } = await run(...explainArgs('m-alice', 'opportunity', 'update'), '--json');
    expect(code).toBe(0);
    const answer = JSON.parse(out) as Record<string, unknown>;
    expect(answer).toMatchObject({
      effect: 'allow',
      scope: 'own',
      where: { stage: { neq: 'CUSTOMER' } },
      filter: { and: [{ ownerId: { in: ['m-alice'] } }, { stage: { neq: 'CUSTOMER' } }] },
      fields: { amount: 'read' },
      reasons: [
        'roles.sales-rep.objects.opportunity.update.junior: scope own where stage neq CUSTOMER',
      ],
    });
  });

  it('decides for a record and applies its when rules with --record', async () => {
    const record = tempFile(
      'o.json',
      JSON.stringify({
        id: 'o1',
        ownerId: 'm-alice',
        stage: 'NEW',
        amount: { amountMicros: 200000000000 },
      }),
    );
    const { out } = await run(
      ...explainArgs('m-alice', 'opportunity', 'read'),
      '--record',
      record,
      '--json',
    );
    const answer = JSON.parse(out) as { effect: string; fields: Record<string, string> };
    expect(answer.effect).toBe('allow');
    expect(answer.fields.amount).toBe('hidden');
    expect(answer.fields.stage).toBe('edit');
  });

  it('reports one field and the path that sets it with --field', async () => {
    const { out } = await run(
      ...explainArgs('m-alice', 'person', 'read'),
      '--field',
      'phones',
      '--json',
    );
    const answer = JSON.parse(out) as { fields: Record<string, string>; reasons: string[] };
    expect(answer.fields).toEqual({ phones: 'masked' });
    expect(answer.reasons).toContain(
      'roles.sales-rep.objects.person.fields.phones.junior: phones masked (last4)',
    );
  });

  it('honours temporary grants at the time given by --now', async () => {
    const grants = tempFile(
      'grants.yaml',
      '- { id: g1, member: m-alice, role: analyst, tier: intermediate, expiresAt: "2026-07-01T00:00:00Z" }\n',
    );
    const args = [...explainArgs('m-alice', 'opportunity', 'read'), '--grants', grants, '--json'];
    const during = JSON.parse((await run(...args, '--now', '2026-06-30T12:00:00Z')).out) as {
      scope: string;
    };
    const after = JSON.parse((await run(...args, '--now', '2026-07-02T00:00:00Z')).out) as {
      scope: string;
    };
    expect(during.scope).toBe('all');
    expect(after.scope).toBe('own');
  });

  it('prints a readable summary without --json', async () => {
    const { out } = await run(...explainArgs('m-alice', 'opportunity', 'delete'));
    expect(out).toMatch(/^DENY {2}m-alice delete opportunity/);
    expect(out).toMatch(/tier senior would allow own/);
  });

  it('exits 64 naming what is missing or unknown', async () => {
    const missing = await run('explain', FIXTURE, '--object', 'opportunity', '--action', 'read');
    expect(missing.code).toBe(64);
    expect(missing.err).toMatch(/--member is required/);
    const unknown = await run(...explainArgs('m-zed', 'opportunity', 'read'));
    expect(unknown.code).toBe(64);
    expect(unknown.err).toMatch(/unknown member "m-zed" \(known: m-alice, m-bob\)/);
    const action = await run(...explainArgs('m-alice', 'opportunity', 'approve'));
    expect(action.err).toMatch(
      /--action "approve" is not one of read, create, update, delete, destroy, export/,
    );
    expect(action.code).toBe(64);
    const now = await run(...explainArgs('m-alice', 'opportunity', 'read'), '--now', 'yesterday');
    expect(now.code).toBe(64);
    expect(now.err).toMatch(/--now "yesterday" is not an ISO 8601 time/);
  });
});

describe('tiergate test', () => {
  const cases = (expect2: string) => `policy: ${FIXTURE}
now: 2026-06-30T12:00:00Z
cases:
  - name: a junior cannot read a colleague's opportunity
    member: m-alice
    object: opportunity
    action: read
    record: { id: o1, ownerId: m-carol, stage: NEW }
    expect: ${expect2}
  - name: a junior sees phone numbers masked
    member: m-alice
    object: person
    action: read
    record: { id: p1, createdBy: { workspaceMemberId: m-alice }, phones: { primaryPhoneNumber: "5550101" } }
    expect: allow
    expectFields: { phones: masked }
`;

  it("runs POLICY.md §3's cases and ends with N passed, N failed", async () => {
    const { code, out } = await run('test', tempFile('t.yaml', cases('deny')));
    expect(code).toBe(0);
    expect(out).toBe('2 passed, 0 failed\n');
  });

  it('prints one line per failing case and exits 1', async () => {
    const { code, out } = await run('test', tempFile('t.yaml', cases('allow')));
    expect(code).toBe(1);
    expect(out.split('\n')[0]).toMatch(
      /^FAIL a junior cannot read a colleague's opportunity: expected allow, got deny \(out-of-scope/,
    );
    expect(out).toMatch(/^1 passed, 1 failed$/m);
  });

  it('rejects a malformed test file with the path and line of each problem', async () => {
    const { code, err } = await run('test', tempFile('t.yaml', cases('maybe')));
    expect(code).toBe(1);
    expect(err).toMatch(/cases\[0\]\.expect: .* \(line 9\)/);
  });
});

describe('tiergate schema', () => {
  it('prints the JSON Schema of the policy file', async () => {
    const { code, out } = await run('schema');
    expect(code).toBe(0);
    const schema = JSON.parse(out) as { $schema: string; $defs: Record<string, unknown> };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.$defs)).toContain('Condition');
  });
});

describe('tiergate demo', () => {
  it("prints each member's access matrix with scopes and field states", async () => {
    const { code, out } = await run('demo', FIXTURE);
    expect(code).toBe(0);
    expect(out).toMatch(/^m-alice · role sales-rep, tier junior · teams emea · manager m-bob$/m);
    expect(out).toMatch(/^opportunity\s+own\s+yes\s+own if stage neq CUSTOMER\s+-\s+-\s+-$/m);
    expect(out).toMatch(/person: edit: .*masked: .*phones/);
  });

  it('shows the records a restriction removes from a grant', async () => {
    const restricted = readFileSync(FIXTURE, 'utf8').replace(
      '    tierBelow: director\n',
      '    tierBelow: director\n  - { id: keep-customers, objects: [opportunity], actions: [delete], where: { stage: { eq: CUSTOMER } } }\n',
    );
    const { out } = await run('demo', tempFile('p.yaml', restricted), '--member', 'm-bob');
    expect(out).toMatch(/own except stage eq CUSTOMER/);
  });

  it('shows one member with --member', async () => {
    const { out } = await run('demo', FIXTURE, '--member', 'm-bob');
    expect(out).not.toMatch(/^m-alice/m);
    expect(out).toMatch(/^m-bob/m);
  });
});
