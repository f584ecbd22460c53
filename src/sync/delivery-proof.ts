/**
 * Proof that Twenty's webhooks reach the add-on: a harmless change (a record created in an object
 * the webhook follows, then destroyed), and its `created` webhook seen within seconds with a
 * signature the installed secret verifies. When nothing arrives, the likely cause and the Twenty
 * setting that fixes it: Twenty's worker drops webhooks to private addresses silently
 * (OUTBOUND_HTTP_SAFE_MODE_ENABLED, on by default) unless OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS
 * names the add-on's host, on the worker as well as the server
 * (`secure-http-client/utils/get-is-blocked-ip.util.ts`).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import type { HostClient } from '../host/client.js';
import { InstallWebhooksDocument } from '../host/generated/metadata.js';
import { verifySignature } from '../host/webhook/signature.js';
import {
  ALLOWED_INTERNAL_HOSTS_VARIABLE,
  SAFE_MODE_VARIABLE,
  isLinkLocalIp,
  isPrivateIp,
  type HostLookup,
} from '../host/outbound-rules.js';
import { DELIVERIES_PATH } from '../twenty-app/names.js';

/** How long the proof waits for the webhook by default: Twenty posts within a second or two. */
export const DEFAULT_DELIVERY_WAIT_MS = 10_000;

/** A check's answer: what was found, and when not ok, what to do. */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string;
}

/** One webhook request as it arrived. */
export interface ArrivedWebhook {
  readonly rawBody: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** What a watcher saw after the change. */
export type WatchOutcome =
  | { readonly arrived: false }
  | { readonly arrived: true; readonly signatureOk: boolean; readonly how: string };

/**
 * Where the proof watches for the webhook: a listener of its own on the add-on's address (before
 * the add-on server runs), or what the add-on server says it saw for the probe's record (while
 * it runs).
 */
export interface DeliveryWatcher {
  readonly description: string;
  /** Waits until the probe's webhook has arrived or `timeoutMs` has passed. */
  outcome(probe: Probe, timeoutMs: number): Promise<WatchOutcome>;
  close(): Promise<void>;
}

/** The harmless change: the record it made, and the event its webhook carries. */
export interface Probe {
  readonly object: string;
  readonly recordId: string;
  readonly eventName: string;
}

const capitalise = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);
const PREFERRED_OBJECTS = ['company', 'person', 'opportunity'];

/** An object whose `created` events the webhook follows, or undefined when it follows none. */
export function probeObject(operations: readonly string[]): string | undefined {
  const followed = operations
    .map((op) => op.split('.'))
    .filter(([, action]) => action === 'created' || action === '*')
    .map(([object = '']) => object);
  if (followed.includes('*')) return PREFERRED_OBJECTS[0];
  return PREFERRED_OBJECTS.find((o) => followed.includes(o)) ?? followed[0];
}

/** Creates the probe record: empty, so no one's data is touched. */
export async function makeProbe(core: HostClient, object: string): Promise<Probe> {
  const name = capitalise(object);
  const data = await core.request<Record<string, { id: string }>>(
    `mutation TiergateDeliveryProbe { create${name}(data: {}) { id } }`,
  );
  const recordId = data[`create${name}`]?.id;
  if (recordId === undefined) throw new Error(`create${name} answered no id`);
  return { object, recordId, eventName: `${object}.created` };
}

/** Removes the probe record for good; a failure is reported, never thrown. */
export async function removeProbe(core: HostClient, probe: Probe): Promise<string | undefined> {
  const name = capitalise(probe.object);
  try {
    await core.request(
      `mutation TiergateDeliveryProbeRemove($id: UUID!) { destroy${name}(id: $id) { id } }`,
      { id: probe.recordId },
    );
    return undefined;
  } catch (error) {
    return `the probe ${probe.object} ${probe.recordId} could not be removed (${(error as Error).message}); delete it by hand`;
  }
}

const defaultLookup: HostLookup = (hostname) => dnsLookup(hostname);

/** localhost and 127.0.0.0/8 and ::1: this machine, which for a container is the container. */
function isLoopback(hostname: string, address: string | undefined): boolean {
  const loopback = (name: string): boolean =>
    name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name) || /^::ffff:127\./i.test(name);
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    loopback(hostname) ||
    (address !== undefined && loopback(address))
  );
}

/** "a" or "an" before an object's name, as it is said: an opportunity, a company, a user. */
export function withArticle(name: string): string {
  const vowelSound = /^(?:[aeio]|u(?!ni|s[eu]|ti)|hour|honest)/i.test(name);
  return `${vowelSound ? 'an' : 'a'} ${name}`;
}

/**
 * Why Twenty's webhook to `addonUrl` did not arrive, as far as this machine can tell, and the
 * setting that fixes it. The address is resolved here; Twenty's worker may resolve it otherwise
 * (a compose service name resolves there only), so each answer says what it assumed.
 */
export async function diagnoseSilence(
  addonUrl: string,
  lookup: HostLookup = defaultLookup,
): Promise<{ readonly cause: string; readonly fix: string }> {
  const hostname = new URL(addonUrl).hostname.replace(/^\[|\]$/g, '');
  let address: string | undefined = isIP(hostname) !== 0 ? hostname : undefined;
  if (address === undefined) {
    try {
      ({ address } = await lookup(hostname));
    } catch {
      address = undefined;
    }
  }
  const setting =
    `set ${ALLOWED_INTERNAL_HOSTS_VARIABLE}=${hostname} in the environment of BOTH the Twenty ` +
    `server and the Twenty worker (the worker sends webhooks: set on the server only, the job ` +
    `logs "processed" and nothing is delivered), restart both, then run this again`;
  if (address !== undefined && isLinkLocalIp(address))
    return {
      cause: `the add-on's address ${hostname} (${address}) is link-local: Twenty never calls link-local addresses, even when allowed`,
      fix: 'give the add-on an address outside 169.254.0.0/16 and fe80::/10, then run tiergate install --addon-url <that URL>',
    };
  if (isLoopback(hostname, address)) {
    const port = new URL(addonUrl).port;
    const reachable = (name: string): string =>
      `${new URL(addonUrl).protocol}//${name}${port === '' ? '' : `:${port}`}`;
    return {
      cause:
        `the add-on's host ${hostname} is a loopback address${address === undefined ? '' : ` (${address})`}: ` +
        `Twenty's outbound safe mode (${SAFE_MODE_VARIABLE}, on by default) drops webhooks to it ` +
        `silently unless ${ALLOWED_INTERNAL_HOSTS_VARIABLE} names it; and when Twenty runs in ` +
        `Docker, ${hostname} in its worker is the worker's own container, not this machine, so ` +
        `the webhook cannot reach the add-on even when allowed`,
      fix:
        `when Twenty runs in Docker (the usual self-hosting): set ${ALLOWED_INTERNAL_HOSTS_VARIABLE} ` +
        `to the host name the worker reaches the add-on by (host.docker.internal for an add-on on ` +
        `the Docker host, or the add-on's compose service name) in the environment of BOTH the ` +
        `Twenty server and the Twenty worker, restart both, and run tiergate install --addon-url ` +
        `${reachable('host.docker.internal')} (or ${reachable('<service name>')}) so that the ` +
        `webhook uses that name; when Twenty runs on this machine outside Docker: ${setting}`,
    };
  }
  if (address !== undefined && isPrivateIp(address))
    return {
      cause:
        `the add-on's host ${hostname} is a private or loopback address (${address}), and Twenty's ` +
        `outbound safe mode (${SAFE_MODE_VARIABLE}, on by default) drops webhooks to such addresses ` +
        `silently unless ${ALLOWED_INTERNAL_HOSTS_VARIABLE} names the host`,
      fix: setting,
    };
  if (address === undefined)
    return {
      cause:
        `${hostname} does not resolve here; if it resolves to a private address on Twenty's ` +
        `network (a compose service name does), Twenty's outbound safe mode (${SAFE_MODE_VARIABLE}, ` +
        `on by default) drops the webhooks silently`,
      fix: `${setting}; otherwise check that Twenty's worker can reach ${addonUrl}`,
    };
  return {
    cause: `${hostname} is a public address (${address}), so safe mode is not the cause: Twenty's worker is not running, or cannot reach ${addonUrl} (firewall, proxy, TLS)`,
    fix: `start the Twenty worker (it sends webhooks) and check from its host that ${addonUrl} answers`,
  };
}

function checkSignature(arrived: ArrivedWebhook, secret: string, now: number): boolean {
  try {
    verifySignature(arrived.rawBody, arrived.headers, { secrets: [secret], now });
    return true;
  } catch {
    return false;
  }
}

function isProbe(arrived: ArrivedWebhook, probe: Probe): boolean {
  try {
    const body = JSON.parse(arrived.rawBody) as { eventName?: unknown; record?: { id?: unknown } };
    return body.eventName === probe.eventName && body.record?.id === probe.recordId;
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Listens where the add-on will (its URL's port, on loopback when the host is local) and answers
 * every POST 200, keeping what arrived. Rejects with the listen error (EADDRINUSE when the add-on
 * server already runs there).
 */
export async function listenerWatcher(
  addonUrl: string,
  secret: string,
  now: () => number = Date.now,
): Promise<DeliveryWatcher> {
  const url = new URL(addonUrl);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (url.protocol !== 'http:')
    throw Object.assign(new Error(`cannot listen for ${url.protocol} here`), { code: 'EPROTO' });
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const bind = hostname === 'localhost' ? '127.0.0.1' : hostname;
  const arrivals: ArrivedWebhook[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST') {
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(request.headers))
          if (typeof value === 'string') headers[key] = value;
        arrivals.push({ rawBody: Buffer.concat(chunks).toString('utf8'), headers });
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status":"accepted"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bind, resolve);
  });
  return {
    description: `a listener of its own on ${bind}:${port} (the add-on server is not running)`,
    async outcome(probe, timeoutMs) {
      const deadline = now() + timeoutMs;
      for (;;) {
        const found = arrivals.find((a) => isProbe(a, probe));
        if (found !== undefined)
          return {
            arrived: true,
            signatureOk: checkSignature(found, secret, now()),
            how: `received on ${bind}:${port}`,
          };
        if (now() >= deadline) return { arrived: false };
        await sleep(50);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The outcomes a webhook gets only once its signature verified. */
const VERIFIED_OUTCOMES: ReadonlySet<string> = new Set([
  'accepted',
  'duplicate',
  'ignored',
  'store_unavailable',
]);

/** An id no record has: asked once at the start, to learn that the server can answer at all. */
const NO_RECORD_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Watches a running add-on server through GET <addon>/metrics/deliveries/<probe's record id>:
 * the probe's own webhook, by its record id, verified or refused. Not the webhook counts: on a
 * busy workspace other webhooks make them grow while the probe's never arrives. Throws when the
 * server cannot be asked (an older one has no such path), so that nothing is proven by guess.
 */
export async function metricsWatcher(
  addonUrl: string,
  options: { readonly token?: string; readonly fetch?: typeof fetch } = {},
): Promise<DeliveryWatcher> {
  const send = options.fetch ?? fetch;
  const base = `${addonUrl.replace(/\/+$/, '')}${DELIVERIES_PATH}`;
  const read = async (recordId: string): Promise<readonly SeenWebhook[]> => {
    const url = `${base}/${encodeURIComponent(recordId)}`;
    const response = await send(url, {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      signal: AbortSignal.timeout(3_000),
    });
    if (response.status === 404)
      throw new Error(
        `GET ${url} answered 404: the add-on server there cannot tell the probe's webhook from others (restart it with this version of tiergate)`,
      );
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    const body = (await response.json()) as { webhooks?: unknown };
    return Array.isArray(body.webhooks) ? body.webhooks.filter(isSeenWebhook) : [];
  };
  await read(NO_RECORD_ID);
  return {
    description: `the add-on server's record of the webhooks it saw (${base})`,
    async outcome(probe, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = (await read(probe.recordId).catch(() => [])).filter(
          (w) => w.eventName === probe.eventName,
        );
        if (seen.some((w) => VERIFIED_OUTCOMES.has(w.outcome)))
          return {
            arrived: true,
            signatureOk: true,
            how: `seen by the add-on server (${base}/${probe.recordId})`,
          };
        if (seen.some((w) => w.outcome === 'unauthorized'))
          return {
            arrived: true,
            signatureOk: false,
            how: `refused by the add-on server (${base}/${probe.recordId})`,
          };
        if (Date.now() >= deadline) return { arrived: false };
        await sleep(200);
      }
    },
    close: () => Promise.resolve(),
  };
}

interface SeenWebhook {
  readonly eventName: string;
  readonly outcome: string;
}

function isSeenWebhook(value: unknown): value is SeenWebhook {
  const w = value as Partial<Record<keyof SeenWebhook, unknown>> | null;
  return typeof w?.eventName === 'string' && typeof w.outcome === 'string';
}

export interface ProveDeliveryOptions {
  /** The core API, with a key that may create and destroy records of the probe's object. */
  readonly core: HostClient;
  readonly metadata: HostClient;
  readonly webhookId: string;
  readonly addonUrl: string;
  readonly watcher: DeliveryWatcher;
  readonly timeoutMs?: number;
  readonly lookup?: HostLookup;
}

/** Makes the harmless change and reports whether its webhook arrived, signed, in time. */
export async function proveDelivery(options: ProveDeliveryOptions): Promise<CheckResult> {
  const { core, metadata, webhookId, addonUrl, watcher } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_WAIT_MS;
  const { webhooks } = await metadata.request(InstallWebhooksDocument);
  const webhook = webhooks.find((w) => w.id === webhookId);
  if (webhook === undefined)
    return {
      ok: false,
      detail: `the host has no webhook ${webhookId}`,
      fix: 'run tiergate install again: it registers the webhook',
    };
  const object = probeObject(webhook.operations);
  if (object === undefined)
    return {
      ok: false,
      detail: `the webhook follows no created events (${webhook.operations.join(', ') || 'none'}), so no harmless change can prove delivery`,
      fix: 'run tiergate apply (it subscribes the webhook to the governed objects), then this again',
    };
  const started = Date.now();
  const probe = await makeProbe(core, object);
  let outcome: WatchOutcome;
  let leftover: string | undefined;
  try {
    outcome = await watcher.outcome(probe, timeoutMs);
  } finally {
    leftover = await removeProbe(core, probe);
  }
  const note = leftover === undefined ? '' : `; note: ${leftover}`;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!outcome.arrived) {
    const { cause, fix } = await diagnoseSilence(addonUrl, options.lookup);
    return {
      ok: false,
      detail: `no webhook reached ${addonUrl} within ${timeoutMs / 1000} s of a change (${withArticle(object)} created and removed); the likely cause: ${cause}${note}`,
      fix,
    };
  }
  if (!outcome.signatureOk)
    return {
      ok: false,
      detail: `the webhook arrived (${outcome.how}) but its signature does not match the installed secret${note}`,
      fix: 'run tiergate install again (it keeps the host webhook and records its secret), and restart tiergate serve so it reads the same secret',
    };
  return {
    ok: true,
    detail: `${withArticle(object)} change reached ${addonUrl} in ${seconds} s with a valid signature (${outcome.how})${note}`,
  };
}
