import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectHost, type Host } from '../host/host.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import type { OutboundHttpConfig } from '../sandbox/outbound-safe-mode.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import {
  diagnoseSilence,
  listenerWatcher,
  metricsWatcher,
  probeObject,
  proveDelivery,
  webhookCounts,
  type DeliveryWatcher,
} from './delivery-proof.js';
import { install } from './install.js';
import { tiergateManifest } from './manifest.js';

const ADMIN_KEY = 'admin-key-for-delivery-proof-tests';
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Installed {
  readonly sandbox: Sandbox;
  readonly host: Host;
  readonly addonUrl: string;
  readonly webhook: { readonly id: string; readonly secret: string };
}

/** A sandbox over loopback HTTP with Tiergate installed, its webhook at a free local port. */
async function installed(worker: OutboundHttpConfig): Promise<Installed> {
  const sandbox = await createSandbox({
    rls: false,
    seed: 'none',
    adminKey: ADMIN_KEY,
    outbound: { worker },
  });
  const running: RunningSandbox = await startSandboxServer(sandbox.serverOptions, 0);
  opened.push(running);
  const host = connectHost({ baseUrl: running.url, token: ADMIN_KEY });
  const addonUrl = `http://127.0.0.1:${await freePort()}`;
  const report = await install(host, tiergateManifest(), { addonUrl });
  return { sandbox, host, addonUrl, webhook: report.webhook };
}

async function prove(setup: Installed, watcher: DeliveryWatcher, timeoutMs = 3_000) {
  opened.push(watcher);
  return proveDelivery({
    core: setup.host.core,
    metadata: setup.host.metadata,
    webhookId: setup.webhook.id,
    addonUrl: setup.addonUrl,
    watcher,
    timeoutMs,
  });
}

describe('proveDelivery against the sandbox', () => {
  it("proves delivery when the worker's allow-list names the add-on's host, and removes the probe", async () => {
    const setup = await installed({ safeModeEnabled: true, allowedInternalHosts: ['127.0.0.1'] });
    const result = await prove(setup, await listenerWatcher(setup.addonUrl, setup.webhook.secret));
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(
      /a company change reached http:\/\/127\.0\.0\.1:\d+ in [\d.]+ s with a valid signature/,
    );
    await setup.sandbox.settle();
    const companies = Object.values(setup.sandbox.state().records.company ?? {});
    expect(companies).toHaveLength(0);
  });

  it('names safe mode and the setting for server AND worker when the allow-list is unset', async () => {
    const setup = await installed({ safeModeEnabled: true, allowedInternalHosts: [] });
    const result = await prove(
      setup,
      await listenerWatcher(setup.addonUrl, setup.webhook.secret),
      500,
    );
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('no webhook reached');
    expect(result.detail).toContain('OUTBOUND_HTTP_SAFE_MODE_ENABLED');
    expect(result.fix).toContain('OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS=127.0.0.1');
    expect(result.fix).toMatch(/BOTH the Twenty server and the Twenty worker/);
    // The sandbox dropped it as Twenty does: nothing sent, the refusal recorded only.
    expect(setup.sandbox.deliveries[0]).toMatchObject({ blocked: true, ok: false });
  });

  it('reports a signature that does not verify with the secret it was given', async () => {
    const setup = await installed({ safeModeEnabled: true, allowedInternalHosts: ['*'] });
    const result = await prove(setup, await listenerWatcher(setup.addonUrl, 'not-the-secret'));
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('signature does not match');
    expect(result.fix).toContain('tiergate install');
  });

  it('fails when the host has no webhook with the recorded id', async () => {
    const setup = await installed({ safeModeEnabled: true, allowedInternalHosts: ['*'] });
    const result = await proveDelivery({
      core: setup.host.core,
      metadata: setup.host.metadata,
      webhookId: 'no-such-webhook',
      addonUrl: setup.addonUrl,
      watcher: {
        description: 'none',
        outcome: () => Promise.resolve({ arrived: false }),
        close: () => Promise.resolve(),
      },
    });
    expect(result).toMatchObject({ ok: false, detail: 'the host has no webhook no-such-webhook' });
  });
});

describe('probeObject', () => {
  it('prefers company among the objects whose created events the webhook follows', () => {
    expect(probeObject(['*.created', '*.updated'])).toBe('company');
    expect(probeObject(['opportunity.created', 'person.created'])).toBe('person');
    expect(probeObject(['pet.*'])).toBe('pet');
    expect(probeObject(['company.updated'])).toBeUndefined();
  });
});

describe('diagnoseSilence', () => {
  const lookup = (table: Record<string, string>) => (name: string) =>
    table[name] === undefined
      ? Promise.reject(new Error('ENOTFOUND'))
      : Promise.resolve({ address: table[name] ?? '' });

  it('blames safe mode for a compose service name on a private network', async () => {
    const { cause, fix } = await diagnoseSilence(
      'http://tiergate:3031',
      lookup({ tiergate: '172.18.0.4' }),
    );
    expect(cause).toContain('private or loopback address (172.18.0.4)');
    expect(fix).toContain('OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS=tiergate');
    expect(fix).toContain('worker');
  });

  it('says the allow-list cannot open a link-local address', async () => {
    const { cause } = await diagnoseSilence('http://169.254.10.10:3031', lookup({}));
    expect(cause).toContain('link-local');
  });

  it('points at the worker and the network, not safe mode, for a public address', async () => {
    const { cause, fix } = await diagnoseSilence(
      'https://addon.example.com',
      lookup({ 'addon.example.com': '203.0.113.7' }),
    );
    expect(cause).toContain('safe mode is not the cause');
    expect(fix).toContain('start the Twenty worker');
  });

  it('still names the setting when the name does not resolve here', async () => {
    const { fix } = await diagnoseSilence('http://tiergate:3031', lookup({}));
    expect(fix).toContain('OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS=tiergate');
  });
});

describe('metricsWatcher', () => {
  const metrics = (accepted: number, unauthorized: number): string =>
    `# HELP x\ntiergate_webhooks_received_total{outcome="accepted"} ${accepted}\n` +
    `tiergate_webhooks_received_total{outcome="unauthorized"} ${unauthorized}\n`;
  const probe = { object: 'company', recordId: 'r1', eventName: 'company.created' };

  function scripted(bodies: string[]): typeof fetch {
    let call = 0;
    return () =>
      Promise.resolve(
        new Response(bodies[Math.min(call++, bodies.length - 1)] ?? '', { status: 200 }),
      );
  }

  it('reads the counts by outcome from the Prometheus text', () => {
    expect(webhookCounts(metrics(3, 1))).toEqual(
      new Map([
        ['accepted', 3],
        ['unauthorized', 1],
      ]),
    );
  });

  it('sees a verified arrival when the accepted count grows', async () => {
    const watcher = await metricsWatcher('http://addon', {
      fetch: scripted([metrics(1, 0), metrics(2, 0)]),
    });
    expect(await watcher.outcome(probe, 1_000)).toMatchObject({ arrived: true, signatureOk: true });
  });

  it('sees a bad signature when only the unauthorized count grows', async () => {
    const watcher = await metricsWatcher('http://addon', {
      fetch: scripted([metrics(1, 0), metrics(1, 1)]),
    });
    expect(await watcher.outcome(probe, 1_000)).toMatchObject({
      arrived: true,
      signatureOk: false,
    });
  });

  it('sees nothing when no count grows in time', async () => {
    const watcher = await metricsWatcher('http://addon', { fetch: scripted([metrics(1, 0)]) });
    expect(await watcher.outcome(probe, 300)).toEqual({ arrived: false });
  });

  it('refuses to start when the metrics cannot be read', async () => {
    await expect(
      metricsWatcher('http://addon', {
        fetch: () => Promise.resolve(new Response('', { status: 401 })),
      }),
    ).rejects.toThrow('GET http://addon/metrics answered 401');
  });
});
