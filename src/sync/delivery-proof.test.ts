import { randomUUID } from 'node:crypto';
import { freePort } from '../cli/free-port.test-support.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../events/logger.js';
import { createMetrics } from '../events/metrics.js';
import { startServer, type RunningServer } from '../events/server.js';
import { signedHeaders } from '../host/webhook/signature.js';
import { IN_MEMORY, openStore, type Store } from '../store/store.js';
import type { HostClient } from '../host/client.js';
import { connectHost, type Host } from '../host/host.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import type { OutboundHttpConfig } from '../sandbox/outbound-safe-mode.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import {
  diagnoseSilence,
  listenerWatcher,
  metricsWatcher,
  probeObject,
  withArticle,
  proveDelivery,
  type DeliveryWatcher,
} from './delivery-proof.js';
import { install } from './install.js';
import { tiergateManifest } from '../twenty-app/manifest.js';
import { WEBHOOK_PATH } from '../twenty-app/names.js';

const ADMIN_KEY = 'admin-key-for-delivery-proof-tests';
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

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

describe('withArticle', () => {
  it('says an before a vowel sound and a before a consonant sound', () => {
    expect(withArticle('opportunity')).toBe('an opportunity');
    expect(withArticle('company')).toBe('a company');
    expect(withArticle('person')).toBe('a person');
    expect(withArticle('invoice')).toBe('an invoice');
    expect(withArticle('user')).toBe('a user');
    expect(withArticle('update')).toBe('an update');
  });
});

describe('proveDelivery on an object whose name starts with a vowel', () => {
  /** A host whose webhook follows opportunities only, and that makes and removes records. */
  const host = {
    metadata: {
      request: () =>
        Promise.resolve({ webhooks: [{ id: 'w1', operations: ['opportunity.created'] }] }),
    } as unknown as HostClient,
    core: {
      request: () => Promise.resolve({ createOpportunity: { id: 'o1' } }),
    } as unknown as HostClient,
  };
  const watching = (arrived: boolean): DeliveryWatcher => ({
    description: 'a script',
    outcome: () =>
      Promise.resolve(
        arrived ? { arrived: true, signatureOk: true, how: 'scripted' } : { arrived },
      ),
    close: () => Promise.resolve(),
  });
  const prove = (arrived: boolean) =>
    proveDelivery({
      ...host,
      webhookId: 'w1',
      addonUrl: 'http://addon.example.com',
      watcher: watching(arrived),
      timeoutMs: 100,
      lookup: () => Promise.resolve({ address: '203.0.113.7' }),
    });

  it('says "an opportunity change", not "a opportunity change"', async () => {
    const result = await prove(true);
    expect(result.detail).toMatch(/^an opportunity change reached http:\/\/addon\.example\.com/);
  });

  it('says "an opportunity created and removed" when nothing arrives', async () => {
    const result = await prove(false);
    expect(result.detail).toContain('(an opportunity created and removed)');
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

  it("says that localhost in a Dockerised Twenty's worker is the worker's own container, and names the host it should use", async () => {
    for (const addonUrl of ['http://localhost:3031', 'http://127.0.0.1:3031']) {
      const { cause, fix } = await diagnoseSilence(addonUrl, lookup({ localhost: '127.0.0.1' }));
      expect(cause).toContain("the worker's own container, not this machine");
      expect(fix).toContain('when Twenty runs in Docker');
      expect(fix).toContain('host.docker.internal');
      expect(fix).toContain("the add-on's compose service name");
      expect(fix).toContain('tiergate install --addon-url http://host.docker.internal:3031');
      expect(fix).toMatch(/BOTH the Twenty server and the Twenty worker/);
      // Outside Docker, loopback is this machine: allowing it is still the fix there.
      expect(fix).toContain(
        `outside Docker: set OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS=${new URL(addonUrl).hostname}`,
      );
    }
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

describe('metricsWatcher, against a running add-on server', () => {
  const SECRET = 'whsec-for-the-metrics-watcher';
  const probe = {
    object: 'company',
    recordId: '6a1f0b7e-8c2d-4e5f-9a0b-1c2d3e4f5a6b',
    eventName: 'company.created',
  };
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ dataDir: IN_MEMORY });
    await store.migrate();
  }, 120_000);
  afterAll(() => store.close());

  async function addon(): Promise<RunningServer> {
    const server = await startServer({
      store,
      webhookSecret: () => SECRET,
      logger: createLogger({ destination: { write: () => undefined }, secrets: () => [SECRET] }),
      metrics: createMetrics({ processMetrics: false }),
      closeStore: false,
    });
    opened.push(server);
    return server;
  }

  /** A company.created webhook for `recordId`, as Twenty posts it, signed with `secret`. */
  async function deliver(url: string, recordId: string, secret = SECRET): Promise<number> {
    const body = JSON.stringify({
      targetUrl: `${url}${WEBHOOK_PATH}`,
      eventName: 'company.created',
      objectMetadata: { id: 'obj-company', nameSingular: 'company' },
      workspaceId: 'ws-1',
      webhookId: 'wh-1',
      eventDate: new Date().toISOString(),
      record: { id: recordId, name: null },
    });
    const response = await fetch(`${url}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: signedHeaders(secret, body, Date.now()),
      body,
    });
    await response.body?.cancel();
    return response.status;
  }

  it("does not pass on other records' webhooks arriving while it waits", async () => {
    const server = await addon();
    const watcher = await metricsWatcher(server.url);
    const waiting = watcher.outcome(probe, 1_500);
    for (let i = 0; i < 5; i++) expect(await deliver(server.url, randomUUID())).toBe(200);
    expect(await waiting).toEqual({ arrived: false });
    // What the watcher used to read grew all the same.
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('tiergate_webhooks_received_total{outcome="accepted"} 5');
  });

  it("sees the probe's own webhook, by its record id, among others", async () => {
    const server = await addon();
    const watcher = await metricsWatcher(server.url);
    const waiting = watcher.outcome(probe, 3_000);
    await deliver(server.url, randomUUID());
    await deliver(server.url, probe.recordId);
    expect(await waiting).toMatchObject({ arrived: true, signatureOk: true });
  });

  it("sees the probe's webhook refused when it is signed with another secret", async () => {
    const server = await addon();
    const watcher = await metricsWatcher(server.url);
    const waiting = watcher.outcome(probe, 3_000);
    expect(await deliver(server.url, probe.recordId, 'another-secret')).toBe(401);
    expect(await waiting).toMatchObject({ arrived: true, signatureOk: false });
  });

  it('asks for the metrics token, and refuses to start without it', async () => {
    const server = await addon();
    await server.close();
    const guarded = await startServer({
      store,
      webhookSecret: () => SECRET,
      logger: createLogger({ destination: { write: () => undefined }, secrets: () => [SECRET] }),
      metrics: createMetrics({ processMetrics: false }),
      closeStore: false,
      metricsToken: 'metrics-token',
    });
    opened.push(guarded);
    await expect(metricsWatcher(guarded.url)).rejects.toThrow(/answered 401/);
    const watcher = await metricsWatcher(guarded.url, { token: 'metrics-token' });
    const waiting = watcher.outcome(probe, 3_000);
    await deliver(guarded.url, probe.recordId);
    expect(await waiting).toMatchObject({ arrived: true, signatureOk: true });
  });

  it('refuses to start against a server that cannot say which records it saw', async () => {
    await expect(
      metricsWatcher('http://addon', {
        fetch: () => Promise.resolve(new Response('{"error":"not-found"}', { status: 404 })),
      }),
    ).rejects.toThrow(/answered 404: the add-on server there cannot tell the probe's webhook/);
  });
});
