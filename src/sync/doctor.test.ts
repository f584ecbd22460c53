import { afterEach, describe, expect, it } from 'vitest';
import {
  InstallRevokeApiKeyDocument,
  InstallSetPermissionFlagsDocument,
} from '../host/generated/metadata.js';
import { connectHost, type Host } from '../host/host.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { startSandboxServer } from '../sandbox/server.js';
import { ADMIN_ROLE_ID } from '../sandbox/seed-state.js';
import { loadPolicy } from '../policy/load.js';
import { policyText } from './sync-cli.test-support.js';
import {
  adminSessionCheck,
  apiKeyCheck,
  gatewayCheck,
  hostReachableCheck,
  policyGatewayDuties,
  rolesInSyncCheck,
  runDoctor,
  sweepFreshCheck,
  webhookCheck,
} from './doctor.js';
import { install } from './install.js';
import type { Installation } from './installation.js';
import { tiergateManifest } from '../twenty-app/manifest.js';

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of closing.splice(0)) await item.close();
});

const answering =
  (status: number): typeof fetch =>
  () =>
    Promise.resolve(new Response('{}', { status }));
const refusing: typeof fetch = () =>
  Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));

const INSTALLATION: Installation = {
  hostUrl: 'http://twenty.test',
  addonUrl: 'http://addon.test',
  installedAt: '2026-06-30T12:00:00.000Z',
  created: [],
  webhookId: 'w1',
  sealedWebhookSecret: 'sealed',
  rlsEntitled: false,
  apiKeyId: null,
  sealedApiKey: null,
  workspace: null,
};

describe('host reachable', () => {
  it('passes when Twenty answers /healthz', async () => {
    const result = await hostReachableCheck('http://twenty.test/', answering(200)).run();
    expect(result).toEqual({ ok: true, detail: 'http://twenty.test/healthz answers' });
  });

  it('fails naming the refusal and what to check', async () => {
    const result = await hostReachableCheck('http://twenty.test', refusing).run();
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('http://twenty.test/healthz ECONNREFUSED');
    expect(result.fix).toContain('check that Twenty runs at http://twenty.test');
    expect((await hostReachableCheck('http://twenty.test', answering(503)).run()).detail).toContain(
      'answered HTTP 503',
    );
  });
});

describe('API key valid with its flags', () => {
  async function installed(): Promise<{
    admin: Host;
    addon: Host;
    created: Installation['created'];
  }> {
    const sandbox = await createSandbox({ rls: false, seed: 'none', adminKey: 'doctor-admin-key' });
    const running = await startSandboxServer(sandbox.serverOptions, 0);
    closing.push(running);
    const admin = connectHost({ baseUrl: running.url, token: 'doctor-admin-key' });
    const report = await install(admin, tiergateManifest(), { addonUrl: 'http://127.0.0.1:9' });
    const token = report.appKey?.token;
    if (token === undefined) throw new Error('install made no add-on key');
    return {
      admin,
      addon: connectHost({ baseUrl: running.url, token }),
      created: report.createdItems,
    };
  }

  it("passes when the add-on's key reads its role and the role holds the manifest's flags", async () => {
    const { addon, created } = await installed();
    const result = await apiKeyCheck(addon.metadata, tiergateManifest(), { created }).run();
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('ROLES');
  });

  it('fails naming a revoked key, with reinstall as the fix', async () => {
    const { admin, addon, created } = await installed();
    const keyId = created.find((i) => i.kind === 'apiKey')?.id ?? '';
    await admin.metadata.request(InstallRevokeApiKeyDocument, { input: { id: keyId } });
    const result = await apiKeyCheck(addon.metadata, tiergateManifest(), { created }).run();
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('refuses the add-on');
    expect(result.fix).toContain('tiergate install');
  });

  it('fails naming the flags the role lost', async () => {
    const { admin, addon, created } = await installed();
    const roleId = created.find((i) => i.kind === 'role')?.id ?? '';
    const keep = tiergateManifest()
      .applicationRole.permissionFlags.map((f) => f.flag)
      .filter((f) => f !== 'DATA_MODEL');
    await admin.metadata.request(InstallSetPermissionFlagsDocument, {
      input: { roleId, permissionFlagKeys: keep },
    });
    const result = await apiKeyCheck(addon.metadata, tiergateManifest(), { created }).run();
    expect(result).toMatchObject({ ok: false, detail: "Tiergate's role lacks DATA_MODEL" });
  });

  it('fails when the installation has no add-on key', async () => {
    const result = await apiKeyCheck(undefined, tiergateManifest(), { created: [] }).run();
    expect(result.ok).toBe(false);
  });
});

describe('admin session', () => {
  it('reports what the injected status function says', async () => {
    const ok = { ok: true, detail: 'signed in as ada@example.com' };
    expect(await adminSessionCheck(INSTALLATION, () => Promise.resolve(ok)).run()).toEqual(ok);
    const expired = { ok: false, detail: 'the session expired', fix: 'run tiergate login' };
    expect(await adminSessionCheck(INSTALLATION, () => Promise.resolve(expired)).run()).toEqual(
      expired,
    );
  });
});

describe('webhook delivered and signed', () => {
  it('is the delivery proof under its name', async () => {
    const check = webhookCheck(() => Promise.resolve({ ok: false, detail: 'none', fix: 'f' }));
    expect(check.name).toBe('webhook delivered and signed');
    expect((await check.run()).ok).toBe(false);
  });
});

describe('sweep cursor fresh', () => {
  const now = () => new Date('2026-06-30T12:00:00Z');
  const at = (minutesAgo: number) => new Date(now().getTime() - minutesAgo * 60_000);

  it('passes when every governed object was swept within the limit', async () => {
    const check = sweepFreshCheck(
      () =>
        Promise.resolve([
          { objectName: 'company', sweptAt: at(3) },
          { objectName: 'person', sweptAt: at(9) },
        ]),
      ['company', 'person'],
      { now, maxAgeMs: 15 * 60_000 },
    );
    expect((await check.run()).ok).toBe(true);
  });

  it('fails naming each stale or never-swept object', async () => {
    const check = sweepFreshCheck(
      () => Promise.resolve([{ objectName: 'company', sweptAt: at(40) }]),
      ['company', 'person'],
      { now, maxAgeMs: 15 * 60_000 },
    );
    const result = await check.run();
    expect(result.ok).toBe(false);
    expect(result.detail).toBe(
      'company last swept 40 min ago; person never swept (fresh is within 15 min)',
    );
    expect(result.fix).toContain('tiergate serve');
  });
});

describe('roles in sync', () => {
  it('passes with no drift', async () => {
    const check = rolesInSyncCheck(() => Promise.resolve({ applied: true, changes: [] }));
    expect((await check.run()).ok).toBe(true);
  });

  it('fails naming the drift, and when nothing was ever applied', async () => {
    const drifted = await rolesInSyncCheck(() =>
      Promise.resolve({ applied: true, changes: ['move ada from Sales to Admin'] }),
    ).run();
    expect(drifted).toMatchObject({
      ok: false,
      detail: 'drift since the last apply: move ada from Sales to Admin',
    });
    expect(drifted.fix).toContain('tiergate drift --revert');
    const never = await rolesInSyncCheck(() =>
      Promise.resolve({ applied: false, changes: [] }),
    ).run();
    expect(never.ok).toBe(false);
    expect(never.fix).toContain('tiergate apply');
  });
});

describe('gateway reachable', () => {
  const noDuties = () => Promise.resolve([]);
  const duties = (count: number) => () =>
    Promise.resolve(
      Array.from({ length: count }, (_, i) => ({ path: `rule.${i + 1}`, reason: 'why' })),
    );

  it('passes when the gateway answers its health path', async () => {
    const result = await gatewayCheck('http://gw.test', duties(3), answering(200)).run();
    expect(result).toEqual({ ok: true, detail: 'http://gw.test/tiergate/healthz answers' });
  });

  it('fails when the gateway given does not answer', async () => {
    const result = await gatewayCheck('http://gw.test', noDuties, refusing).run();
    expect(result.ok).toBe(false);
    expect(result.fix).toContain('check that tiergate gateway runs at http://gw.test');
  });

  it('fails without a gateway when the policy has rules only the gateway enforces, naming how many and two of them', async () => {
    const result = await gatewayCheck(undefined, duties(3)).run();
    expect(result.ok).toBe(false);
    expect(result.detail).toContain("3 of the policy's rules are enforced only by the gateway");
    expect(result.detail).toContain('rule.1, rule.2, …');
    expect(result.detail).not.toContain('rule.3');
    expect(result.fix).toBe(
      'run tiergate gateway and give its URL with --gateway-url (or $TIERGATE_GATEWAY_URL)',
    );
    const one = await gatewayCheck(undefined, duties(1)).run();
    expect(one.detail).toContain(
      "1 of the policy's rules is enforced only by the gateway (rule.1;",
    );
  });

  it('passes without a gateway when Twenty enforces every rule of the policy', async () => {
    const result = await gatewayCheck(undefined, noDuties).run();
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('none needed');
  });

  it('cannot tell without a policy, and asks for --policy', async () => {
    const result = await gatewayCheck(undefined, () => Promise.resolve(undefined)).run();
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('cannot be told');
    expect(result.fix).toContain('--policy FILE');
  });

  it('fails without a gateway on a workspace entitled to row-level rules when the policy has an export limit, which Twenty cannot hold', async () => {
    const sandbox = await createSandbox({
      rls: true,
      seed: 'default',
      seedCounts: { members: 14, companies: 1, people: 1, opportunities: 2 },
      adminKey: 'doctor-admin-key',
    });
    const running = await startSandboxServer(sandbox.serverOptions, 0);
    closing.push(running);
    const host = connectHost({ baseUrl: running.url, token: 'doctor-admin-key' });
    const members = sandbox
      .state()
      .members.filter((m) => m.roleId !== ADMIN_ROLE_ID)
      .slice(0, 2)
      .map((m) => m.id);
    const policy = loadPolicy(
      `${policyText(members)}security:\n  export: { maxRowsWithoutStepUp: 100 }\n`,
    );
    const result = await gatewayCheck(undefined, () => policyGatewayDuties(host, policy)).run();
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/\d+ of the policy's rules are enforced only by the gateway/);
    const owed = await policyGatewayDuties(host, policy);
    expect(owed.map((d) => d.path)).toContain('security.export.maxRowsWithoutStepUp');
  });
});

describe('runDoctor', () => {
  it('runs every check, fails when one fails, and turns a throw into a failure of that check', async () => {
    const report = await runDoctor([
      { name: 'fine', run: () => Promise.resolve({ ok: true, detail: 'yes' }) },
      { name: 'broken', run: () => Promise.reject(new Error('store locked')) },
      { name: 'after', run: () => Promise.resolve({ ok: true, detail: 'still run' }) },
    ]);
    expect(report.ok).toBe(false);
    expect(report.checks.map((c) => c.name)).toEqual(['fine', 'broken', 'after']);
    expect(report.checks[1]?.result.detail).toBe('the check itself failed: store locked');
  });
});
