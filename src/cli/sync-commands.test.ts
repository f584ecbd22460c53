/** `tiergate plan`, `apply` and `drift` against a sandbox on loopback, as an integrator runs them. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/sandbox.js';
import { ADMIN_KEY, dealRolesYaml, syncCli, type SyncCli } from '../sync/sync-cli.test-support.js';
import { runCli as run } from './run.test-support.js';

let cli: SyncCli | undefined;
afterEach(async () => {
  await cli?.server.close();
  cli = undefined;
});

/** A small policy over the sandbox's own members: reps read their own deals, without amounts. */
function policyFor(sandbox: Sandbox): string {
  const members = sandbox.state().members;
  const lines = members.map(
    (m, i) =>
      `    - { id: ${m.id}, role: ${i === 0 ? 'manager' : 'rep'}, tier: ${i % 2 === 0 ? 'senior' : 'junior'} }`,
  );
  const roles = dealRolesYaml({
    rep: {
      label: 'Rep',
      duties: 'Sells.',
      opportunity: [
        'read: { junior: own }',
        'update: { junior: own }',
        'fields: { default: { junior: read }, amount: { junior: hidden, senior: read } }',
      ],
    },
    manager: {
      label: 'Manager',
      duties: 'Leads.',
      opportunity: ['read: { junior: all }', 'fields: { default: { junior: edit } }'],
    },
  });
  return `version: 1
tiers: [{ id: junior }, { id: senior }]
objects:
  opportunity: { owner: [ownerId] }
${roles}
org:
  members:
${lines.join('\n')}
`;
}

async function workspace(): Promise<SyncCli> {
  cli = await syncCli(({ sandbox }) => policyFor(sandbox), {
    rls: true,
    seedCounts: { members: 16, companies: 6, people: 10, opportunities: 20 },
  });
  return cli;
}

describe('tiergate plan, apply and drift', () => {
  it('plans the roles to create, applies them with --yes, and then has nothing to change', async () => {
    const { cwd } = await workspace();
    const plan = await run(cwd, 'plan');
    expect(plan.code).toBe(2);
    expect(plan.out).toMatch(/^\+ role rep@junior \(Rep · junior\)$/m);
    const refused = await run(cwd, 'apply');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/run it again with --yes/);
    const applied = await run(cwd, 'apply', '--yes');
    expect(applied.code).toBe(0);
    expect(applied.out).toMatch(/Applied: \d+ host calls\./);
    expect(applied.err).toMatch(/Journaled as entries 1–\d+ \(tiergate audit log\)/);
    const log = await run(cwd, 'audit', 'log', '--json');
    const entries = JSON.parse(log.out) as {
      actor: string;
      action: string;
      target: string;
      before: string | null;
      after: string | null;
      reason: string;
    }[];
    const created = entries.find((e) => e.target === 'role:rep@junior');
    expect(created).toMatchObject({
      action: 'role.created',
      before: null,
      reason: 'tiergate apply',
    });
    expect(JSON.parse(created?.after ?? '{}')).toMatchObject({
      key: 'rep@junior',
      label: 'Rep · junior',
    });
    const moved = entries.find((e) => e.action === 'member.role-changed');
    expect(JSON.parse(moved?.after ?? '{}')).toHaveProperty('role');
    expect(entries.at(-1)?.action).toBe('policy.applied');
    // Verified in the store and the file; not installed, so Twenty holds no copy to compare.
    const verified = await run(cwd, 'audit', 'verify');
    expect(verified.out).toMatch(/^journal verified: 19 entries/);
    expect(verified.out).toContain('host comparison SKIPPED (the host at http://127.0.0.1');
    expect(verified.out).toContain('has no Tiergate audit object yet (run `tiergate install`');
    expect(verified.code).toBe(2);
    const again = await run(cwd, 'plan');
    expect(again.code).toBe(0);
    const reapply = await run(cwd, 'apply', '--yes');
    expect(reapply.out).toBe('Nothing to change: the host matches the policy.\n');
  }, 90_000);

  it("subscribes the installed webhook to the policy's objects on install, and apply keeps it so", async () => {
    const { cwd, sandbox } = await workspace();
    const installed = await run(
      cwd,
      'install',
      '--addon-url',
      'http://127.0.0.1:9',
      '--skip-delivery-check',
    );
    expect(installed.code).toBe(0);
    const webhook = () => sandbox.state().webhooks.find((w) => w.deletedAt === null);
    const governed = ['created', 'deleted', 'destroyed', 'restored', 'updated'].map(
      (action) => `opportunity.${action}`,
    );
    expect(webhook()?.operations).toEqual(governed);
    // Widened by hand, or by an install made before the policy: apply narrows it back.
    const found = webhook();
    if (found === undefined) throw new Error('no webhook installed');
    Object.assign(found, { operations: ['*.created', '*.updated'] });
    const applied = await run(cwd, 'apply', '--yes');
    expect(applied.code).toBe(0);
    expect(applied.out).toContain(
      `Webhook: subscribed to ${governed.join(', ')} (was *.created, *.updated).`,
    );
    expect(webhook()?.operations).toEqual(governed);
  });

  it('prints the plan as JSON with the duties left to the gateway', async () => {
    const { cwd } = await workspace();
    const { code, out, err } = await run(cwd, 'plan', '--json');
    expect(err).toBe('');
    expect(code).toBe(2);
    const json = JSON.parse(out) as {
      plan: { counts: { rolesToCreate: number } };
      gateway: unknown[];
      rowLevelEntitled: boolean;
    };
    expect(json.plan.counts.rolesToCreate).toBe(3);
    expect(json.rowLevelEntitled).toBe(true);
  }, 90_000);

  it('reports a role changed by hand as drift, and reverts it', async () => {
    const { cwd, sandbox } = await workspace();
    await run(cwd, 'apply', '--yes');
    const role = sandbox.state().roles.find((r) => r.label === 'Rep · junior');
    expect(role).toBeDefined();
    await sandbox.serverOptions.metadata.execute({
      source: `mutation { updateOneRole(updateRoleInput: { id: "${role?.id ?? ''}", update: { canDestroyAllObjectRecords: true } }) { id } }`,
      principal: {
        kind: 'apiKey',
        apiKeyId: sandbox.state().apiKeys[0]?.id ?? '',
        roleId: sandbox.state().apiKeys[0]?.roleId ?? '',
      },
    });
    const drift = await run(cwd, 'drift');
    expect(drift.code).toBe(2);
    expect(drift.out).toMatch(/~ role rep@junior/);
    // The hand-made change is journaled: as applied before, as found after.
    const logged = JSON.parse((await run(cwd, 'audit', 'log', '--json')).out) as {
      action: string;
      target: string;
      before: string | null;
      after: string | null;
    }[];
    const found = logged.find((e) => e.action === 'drift.role');
    expect(found?.target).toBe('role:rep@junior');
    expect(JSON.parse(found?.before ?? '{}')).toMatchObject({ canDestroyAllObjectRecords: false });
    expect(JSON.parse(found?.after ?? '{}')).toMatchObject({ canDestroyAllObjectRecords: true });
    expect((await run(cwd, 'drift', '--revert')).code).toBe(0);
    expect(await run(cwd, 'drift')).toMatchObject({
      code: 0,
      out: 'No drift: the host is as the last apply left it.\n',
    });
  }, 90_000);

  it('asks for a host when there is no sandbox here, and for an apply before drift', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tiergate-sync-'));
    writeFileSync(
      join(cwd, 'tiergate.policy.yaml'),
      readFileSync(new URL('../policy/fixtures/policy-md.yaml', import.meta.url)),
    );
    const plan = await run(cwd, 'plan');
    expect(plan.code).toBe(64);
    expect(plan.err).toMatch(/give --host URL and --api-key KEY/);
    const drift = await run(cwd, 'drift');
    expect(drift.code).toBe(1);
    expect(drift.err).toMatch(/no apply recorded here/);
  });

  it("validates a policy against the host's data model with validate --host", async () => {
    const { cwd } = await workspace();
    const url = cli?.server.url ?? '';
    const fits = await run(
      cwd,
      'validate',
      'tiergate.policy.yaml',
      '--host',
      url,
      '--api-key',
      ADMIN_KEY,
    );
    expect(fits.code).toBe(0);
    writeFileSync(
      join(cwd, 'tiergate.policy.yaml'),
      readFileSync(join(cwd, 'tiergate.policy.yaml'), 'utf8').replace(
        'amount: { junior: hidden',
        'probability: { junior: hidden',
      ),
    );
    const unknown = await run(
      cwd,
      'validate',
      'tiergate.policy.yaml',
      '--host',
      url,
      '--api-key',
      ADMIN_KEY,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.out).toMatch(
      /^roles\.rep\.objects\.opportunity\.fields\.probability: .*probability/m,
    );
    expect((await run(cwd, 'validate', 'tiergate.policy.yaml', '--host', url)).err).toMatch(
      /--host needs --api-key/,
    );
  }, 90_000);

  it('refuses a policy that does not fit the host, listing why', async () => {
    const { cwd } = await workspace();
    writeFileSync(
      join(cwd, 'tiergate.policy.yaml'),
      readFileSync(join(cwd, 'tiergate.policy.yaml'), 'utf8').replace(
        'opportunity: { owner: [ownerId] }',
        'opportunity: { owner: [ownerId] }\n  invoice: { owner: [ownerId] }',
      ),
    );
    const { code, err } = await run(cwd, 'plan');
    expect(code).toBe(1);
    expect(err).toMatch(/the policy does not fit the host:\n.*invoice/);
  }, 90_000);

  it("fills the records' tiergateViewers for team scopes on apply, and then has nothing to write", async () => {
    const { cwd } = await workspace();
    expect(
      (await run(cwd, 'install', '--addon-url', 'http://127.0.0.1:9', '--skip-delivery-check'))
        .code,
    ).toBe(0);
    const file = join(cwd, 'tiergate.policy.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .replace('read: { junior: own }', 'read: { junior: team }')
        .replaceAll(/(tier: (?:junior|senior)) }/g, '$1, teams: [field] }')
        .replace('org:\n', 'org:\n  teams: [{ id: field }]\n'),
    );
    const plan = await run(cwd, 'plan');
    expect(plan.code).toBe(2);
    // Every deal owned by a member gets viewers; one owned by nobody keeps none.
    const pending = /^tiergateViewers: (\d+) records to update \(opportunity \1\/20\)\.$/m.exec(
      plan.out,
    );
    expect(Number(pending?.[1])).toBeGreaterThan(10);
    const applied = await run(cwd, 'apply', '--yes');
    expect(applied.code).toBe(0);
    expect(applied.out).toContain(
      `tiergateViewers: ${pending?.[1] ?? ''} records updated (opportunity ${pending?.[1] ?? ''}/20) in `,
    );
    const again = await run(cwd, 'plan');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^tiergateViewers: every record is up to date\.$/m);
    const rolesOnly = await run(cwd, 'plan', '--roles-only');
    expect(rolesOnly.out).not.toMatch(/tiergateViewers/);
  }, 90_000);
});
