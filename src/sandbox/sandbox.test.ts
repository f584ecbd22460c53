import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../host/webhook/signature.js';
import { createSandbox, type Sandbox } from './sandbox.js';
import type { Principal } from './workspace.js';

const COUNTS = { members: 16, companies: 12, people: 30, opportunities: 20 };
const NOW = new Date('2026-06-30T12:00:00Z');

function admin(sandbox: Sandbox): Principal {
  return {
    kind: 'apiKey',
    apiKeyId: sandbox.state().apiKeys[0]?.id ?? '',
    roleId: sandbox.state().apiKeys[0]?.roleId ?? '',
  };
}

function member(sandbox: Sandbox, index = 1): Principal {
  const m = sandbox.state().members[index];
  return { kind: 'member', memberId: m?.id ?? '', roleId: m?.roleId ?? '' };
}

describe('createSandbox', () => {
  it('serves the seeded records through the core API and the roles through the metadata API', async () => {
    const sandbox = await createSandbox({
      rls: false,
      seed: 'default',
      seedCounts: COUNTS,
      now: () => NOW,
    });
    const people = await sandbox.serverOptions.core.execute({
      source: '{ people { totalCount } }',
      principal: member(sandbox),
    });
    expect(people).toEqual({ data: { people: { totalCount: 30 } } });
    const roles = await sandbox.serverOptions.metadata.execute({
      source: '{ getRoles { label } }',
      principal: admin(sandbox),
    });
    expect(roles.data).toEqual({ getRoles: [{ label: 'Admin' }, { label: 'Member' }] });
  });

  it('starts empty but for the admin key with --seed none', async () => {
    const sandbox = await createSandbox({ rls: false, seed: 'none', adminKey: 'my-key' });
    expect(sandbox.state().members).toEqual([]);
    expect(sandbox.adminKey).toBe('my-key');
    const result = await sandbox.serverOptions.core.execute({
      source: '{ companies { totalCount } }',
      principal: admin(sandbox),
    });
    expect(result).toEqual({ data: { companies: { totalCount: 0 } } });
  });

  it('delivers a signed webhook for a record a member creates', async () => {
    const received: { body: string; headers: Headers }[] = [];
    const recorder: typeof fetch = (_url, init) => {
      received.push({
        body: typeof init?.body === 'string' ? init.body : '',
        headers: new Headers(init?.headers),
      });
      return Promise.resolve(new Response(null, { status: 200 }));
    };
    const sandbox = await createSandbox({
      rls: false,
      seed: 'default',
      seedCounts: COUNTS,
      now: () => NOW,
      fetch: recorder,
    });
    const created = await sandbox.serverOptions.metadata.execute({
      source:
        'mutation { createWebhook(input: { targetUrl: "https://addon.test/hooks", operations: ["person.created"], secret: "whsec-0123456789abcdef" }) { id } }',
      principal: admin(sandbox),
    });
    expect(created.errors).toBeUndefined();
    const person = await sandbox.serverOptions.core.execute({
      source:
        'mutation { createPerson(data: { name: { firstName: "Ada", lastName: "Lovelace" } }) { id } }',
      principal: member(sandbox),
    });
    expect(person.errors).toBeUndefined();
    await sandbox.settle();
    expect(received).toHaveLength(1);
    const { body, headers } = received[0] ?? { body: '', headers: new Headers() };
    expect(JSON.parse(body)).toMatchObject({
      eventName: 'person.created',
      record: { name: { firstName: 'Ada' } },
    });
    expect(
      verifySignature(body, Object.fromEntries(headers.entries()), {
        secrets: ['whsec-0123456789abcdef'],
        now: NOW.getTime(),
      }),
    ).toBe(NOW.getTime());
    expect(sandbox.deliveries).toMatchObject([
      { eventName: 'person.created', ok: true, status: 200 },
    ]);
  });

  it('refuses row-level predicates without the entitlement, as Twenty does', async () => {
    const sandbox = await createSandbox({ rls: false, seed: 'none' });
    const object = sandbox.state().objects.find((o) => o.nameSingular === 'opportunity');
    const field = object?.fields.find((f) => f.name === 'name');
    const result = await sandbox.serverOptions.metadata.execute({
      source: `mutation { upsertRowLevelPermissionPredicates(input: { roleId: "${sandbox.state().defaultRoleId}", objectMetadataId: "${object?.id ?? ''}", predicates: [{ fieldMetadataId: "${field?.id ?? ''}", operand: IS, value: "x" }], predicateGroups: [] }) { predicates { id } } }`,
      principal: admin(sandbox),
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      subCode: 'ROW_LEVEL_PERMISSION_FEATURE_DISABLED',
    });
  });

  it('keeps its workspace in the state file across restarts', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'tiergate-sandbox-')), 'state.json');
    const first = await createSandbox({ rls: false, seed: 'none', statePath, adminKey: 'k1' });
    await first.serverOptions.core.execute({
      source: 'mutation { createCompany(data: { name: "Initech" }) { id } }',
      principal: admin(first),
    });
    await first.settle();
    const second = await createSandbox({ rls: true, seed: 'none', statePath, adminKey: 'k2' });
    const companies = await second.serverOptions.core.execute({
      source: '{ companies { edges { node { name } } } }',
      principal: admin(second),
    });
    expect(companies.data).toEqual({ companies: { edges: [{ node: { name: 'Initech' } }] } });
    expect(second.state().rlsEnabled).toBe(true);
    expect(Object.keys(second.state().apiKeyTokens)).toEqual(expect.arrayContaining(['k1', 'k2']));
  });
});
