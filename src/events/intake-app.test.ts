/**
 * The webhook intake over real HTTP on 127.0.0.1, against an in-memory PGlite store shared by
 * the whole file (emptied before each test), with bodies in Twenty's key order signed exactly as
 * the sandbox signs them (`signedHeaders` from the host layer). Then end to end: the sandbox CRM
 * delivers a company.created webhook to the server, which stores it.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  NONCE_HEADER,
  SIGNATURE_HEADER,
  signedHeaders,
  TIMESTAMP_HEADER,
} from '../host/webhook/signature.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import { bodySha256 } from '../store/inbox.js';
import type { Database } from '../store/schema.js';
import { emptyStore } from '../store/store.test-support.js';
import { IN_MEMORY, openStore, type Store } from '../store/store.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './intake-app.js';
import { CENSOR, createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { startServer, type RunningServer, type ServerOptions } from './server.js';
import { WEBHOOK_PATH } from '../twenty-app/names.js';

const SECRET = 'whsec-test-0123456789abcdef-SECRET';
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const RESTRICTED = 'RESTRICTED-salary-figure-8842';

let store: Store;
beforeAll(async () => {
  store = await openStore({ dataDir: IN_MEMORY });
  await store.migrate();
}, 120_000);
afterAll(() => store.close());
beforeEach(() => emptyStore(store));

interface TestServer extends RunningServer {
  /** Everything logged so far. */
  log(): string;
}

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function serve(overrides: Partial<ServerOptions> = {}): Promise<TestServer> {
  const lines: string[] = [];
  const logger = createLogger({
    destination: { write: (line: string) => void lines.push(line) },
    secrets: () => [SECRET],
    // Every line, accepted deliveries included, so the redaction tests see them all.
    level: 'debug',
  });
  const server = await startServer({
    store,
    webhookSecret: () => SECRET,
    logger,
    metrics: createMetrics({ processMetrics: false }),
    now: () => NOW,
    closeStore: false,
    ...overrides,
  });
  running.push(server);
  return { ...server, log: () => lines.join('') };
}

/** A record event as Twenty posts it: its keys in Twenty's order. */
function twentyBody(
  options: {
    recordId?: string;
    eventDate?: string;
    eventName?: string;
    record?: Record<string, unknown>;
  } = {},
): string {
  const eventName = options.eventName ?? 'company.created';
  return JSON.stringify({
    targetUrl: 'http://127.0.0.1/webhooks/twenty',
    eventName,
    objectMetadata: { id: 'obj-company', nameSingular: eventName.split('.')[0] },
    workspaceId: 'ws-1',
    webhookId: 'wh-1',
    eventDate: options.eventDate ?? new Date(NOW - 20).toISOString(),
    record: options.record ?? {
      id: options.recordId ?? 'c-1',
      name: 'Acme',
      tiergateNote: RESTRICTED,
      updatedAt: '2026-03-01T11:59:59.900Z',
    },
  });
}

async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = signedHeaders(SECRET, body, NOW),
): Promise<{ status: number; json: Record<string, unknown>; sent: Record<string, string> }> {
  const response = await fetch(`${url}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
  return {
    status: response.status,
    json: (await response.json()) as Record<string, unknown>,
    sent: headers,
  };
}

function inboxRows() {
  return store.db.selectFrom('tiergate_webhook_inbox').selectAll().orderBy('id').execute();
}

function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

/** A PostgreSQL store at a port nothing listens on: every query fails at once. */
function unreachableStore(): Store {
  const pool = new pg.Pool({
    connectionString: 'postgres://nobody@127.0.0.1:1/none',
    connectionTimeoutMillis: 2_000,
  });
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    location: 'PostgreSQL at 127.0.0.1:1/none',
    transaction: (fn) => db.transaction().execute(fn),
    migrate: () => Promise.reject(new Error('unreachable')),
    close: () => db.destroy(),
  };
}

describe('POST /webhooks/twenty', () => {
  it('accepts a signed event and has stored its raw body by the time the 200 arrives', async () => {
    const server = await serve();
    const body = twentyBody();
    const answer = await post(server.url, body);
    const rows = await inboxRows();
    expect(answer).toMatchObject({ status: 200, json: { status: 'accepted' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      body,
      body_sha256: bodySha256(body),
      event_name: 'company.created',
      object_name: 'company',
      record_id: 'c-1',
      status: 'pending',
      dedupe_key: JSON.stringify([
        'wh-1',
        'company.created',
        'c-1',
        new Date(NOW - 20).toISOString(),
      ]),
      received_at: new Date(NOW),
      record_version: '2026-03-01T11:59:59.900Z',
    });
  });

  it('answers the same body delivered twice as a duplicate and stores it once', async () => {
    const server = await serve();
    const body = twentyBody();
    expect((await post(server.url, body)).json).toEqual({ status: 'accepted' });
    // A second delivery: fresh timestamp and nonce, same bytes.
    const again = await post(server.url, body, signedHeaders(SECRET, body, NOW + 1_000));
    expect(again).toMatchObject({ status: 200, json: { status: 'duplicate' } });
    expect(await inboxRows()).toHaveLength(1);
  });

  it('answers a different body for the same webhook, event, record and event date as a duplicate', async () => {
    const server = await serve();
    const first = twentyBody();
    const second = twentyBody({ record: { id: 'c-1', name: 'Acme (renamed in between)' } });
    expect(second).not.toBe(first);
    expect((await post(server.url, first)).json).toEqual({ status: 'accepted' });
    expect(await post(server.url, second)).toMatchObject({
      status: 200,
      json: { status: 'duplicate' },
    });
    const rows = await inboxRows();
    expect(rows.map((r) => r.body)).toEqual([first]);
  });

  it('stores a later version of the same record as a new event', async () => {
    const server = await serve();
    const version = (updatedAt: string, eventDate: string) =>
      twentyBody({ eventDate, record: { id: 'c-1', name: 'Acme', updatedAt } });
    await post(server.url, version('2026-03-01T11:58:59.000Z', '2026-03-01T11:59:00.000Z'));
    const later = await post(
      server.url,
      version('2026-03-01T11:59:29.000Z', '2026-03-01T11:59:30.000Z'),
    );
    expect(later.json).toEqual({ status: 'accepted' });
    expect(await inboxRows()).toHaveLength(2);
  });

  it('stores two deliveries of one record version as two events (a destroy keeps the version)', async () => {
    const server = await serve();
    const record = {
      id: 'c-1',
      updatedAt: '2026-03-01T11:59:59.900Z',
      deletedAt: '2026-03-01T11:59:59.950Z',
    };
    const deleted = twentyBody({ eventName: 'company.deleted', record });
    expect((await post(server.url, deleted)).json).toEqual({ status: 'accepted' });
    const destroyed = twentyBody({
      eventName: 'company.destroyed',
      record,
      eventDate: '2026-03-01T11:59:59.990Z',
    });
    expect((await post(server.url, destroyed)).json).toEqual({ status: 'accepted' });
    expect(await inboxRows()).toHaveLength(2);
  });

  it("answers an event of Tiergate's own audit object without storing it", async () => {
    const server = await serve();
    const answer = await post(server.url, twentyBody({ eventName: 'tiergateAuditEntry.created' }));
    expect(answer).toMatchObject({ status: 200, json: { status: 'ignored' } });
    expect(await inboxRows()).toEqual([]);
  });

  it('takes the same delivery sent ten times at once exactly once', async () => {
    const server = await serve();
    const body = twentyBody();
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(server.url, body)));
    const statuses = answers.map((a) => a.json.status).sort();
    expect(statuses).toEqual(['accepted', ...Array<string>(9).fill('duplicate')]);
    expect(await inboxRows()).toHaveLength(1);
  });

  const unsigned = (headers: Record<string, string>, drop: string): Record<string, string> =>
    Object.fromEntries(Object.entries(headers).filter(([name]) => name !== drop));

  it.each([
    {
      case: 'a signature made with another secret',
      headers: (body: string) => signedHeaders('whsec-some-other-secret-000000', body, NOW),
      error: 'no-matching-signature',
    },
    {
      case: 'no signature header',
      headers: (body: string) => unsigned(signedHeaders(SECRET, body, NOW), SIGNATURE_HEADER),
      error: 'missing-signature',
    },
    {
      case: 'no timestamp header',
      headers: (body: string) => unsigned(signedHeaders(SECRET, body, NOW), TIMESTAMP_HEADER),
      error: 'missing-timestamp',
    },
    {
      case: 'a timestamp 300,001 ms old',
      headers: (body: string) => signedHeaders(SECRET, body, NOW - 300_001),
      error: 'timestamp-too-old',
    },
    {
      case: 'a timestamp 300,001 ms ahead',
      headers: (body: string) => signedHeaders(SECRET, body, NOW + 300_001),
      error: 'timestamp-too-new',
    },
    {
      case: 'a signature of the body before it was re-serialised',
      headers: (body: string) =>
        signedHeaders(SECRET, JSON.stringify(JSON.parse(body), null, 1), NOW),
      error: 'no-matching-signature',
    },
    {
      case: 'a truncated signature',
      headers: (body: string) => {
        const headers = signedHeaders(SECRET, body, NOW);
        return { ...headers, [SIGNATURE_HEADER]: (headers[SIGNATURE_HEADER] ?? '').slice(2) };
      },
      error: 'bad-signature-format',
    },
  ])('refuses $case with 401 and the reason, and stores nothing', async ({ headers, error }) => {
    const server = await serve();
    const body = twentyBody();
    const answer = await post(server.url, body, headers(body));
    expect(answer.status).toBe(401);
    expect(answer.json.error).toBe(error);
    expect(answer.json.message).toEqual(expect.any(String));
    expect(await inboxRows()).toEqual([]);
  });

  it('accepts a timestamp exactly 300,000 ms old or ahead', async () => {
    const server = await serve();
    const old = twentyBody({ recordId: 'c-old' });
    const ahead = twentyBody({ recordId: 'c-ahead' });
    expect((await post(server.url, old, signedHeaders(SECRET, old, NOW - 300_000))).status).toBe(
      200,
    );
    expect(
      (await post(server.url, ahead, signedHeaders(SECRET, ahead, NOW + 300_000))).status,
    ).toBe(200);
  });

  it('stores a 5 MB record by default: Twenty takes writes of up to 100 MiB', async () => {
    expect(DEFAULT_BODY_LIMIT_BYTES).toBe(100 * 1024 * 1024);
    const server = await serve();
    const body = twentyBody({ record: { id: 'c-1', notes: 'x'.repeat(5_000_000) } });
    expect((await post(server.url, body)).status).toBe(200);
    expect(await inboxRows()).toHaveLength(1);
  });

  it('refuses a body over the limit with 413, naming the limit, and stores nothing', async () => {
    const server = await serve({ bodyLimitBytes: 1024 });
    const body = twentyBody({ record: { id: 'c-1', notes: 'x'.repeat(1024) } });
    const answer = await post(server.url, body);
    expect(answer).toMatchObject({ status: 413, json: { error: 'too-large' } });
    expect(String(answer.json.message)).toContain('1024 bytes');
    expect(await inboxRows()).toEqual([]);
  });

  it('takes a body just under the configured limit and refuses one just over it', async () => {
    const server = await serve({ bodyLimitBytes: 600 });
    const pad = (n: number) => twentyBody({ record: { id: 'c-pad', notes: 'x'.repeat(n) } });
    const under = pad(600 - pad(0).length);
    const over = pad(601 - pad(0).length);
    expect(Buffer.byteLength(under)).toBe(600);
    expect((await post(server.url, under)).status).toBe(200);
    expect((await post(server.url, over)).status).toBe(413);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'])(
    'refuses content type %s with 415 and stores nothing',
    async (type) => {
      const server = await serve();
      const body = twentyBody();
      const answer = await post(server.url, body, {
        ...signedHeaders(SECRET, body, NOW),
        'content-type': type,
      });
      expect(answer).toMatchObject({ status: 415, json: { error: 'unsupported-media-type' } });
      expect(await inboxRows()).toEqual([]);
    },
  );

  it('takes application/json with a UTF-8 charset', async () => {
    const server = await serve();
    const body = twentyBody();
    const answer = await post(server.url, body, {
      ...signedHeaders(SECRET, body, NOW),
      'content-type': 'application/json; charset=utf-8',
    });
    expect(answer.json).toEqual({ status: 'accepted' });
  });

  it('refuses a signed body that is not JSON with 400 and stores nothing', async () => {
    const server = await serve();
    const answer = await post(server.url, '{"eventName": "company.created",');
    expect(answer).toMatchObject({ status: 400, json: { error: 'bad-json' } });
    expect(await inboxRows()).toEqual([]);
  });

  it('refuses a signed body that is not UTF-8 with 400', async () => {
    const server = await serve();
    const answer = await post(server.url, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(answer).toMatchObject({ status: 400, json: { error: 'bad-encoding' } });
  });

  it.each([
    {
      case: 'no record id',
      body: () => twentyBody({ record: { name: 'Acme' } }),
      what: 'record.id',
    },
    { case: 'an empty record', body: () => twentyBody({ record: {} }), what: 'record.id' },
    {
      case: 'no webhook id',
      body: () => JSON.stringify({ ...(JSON.parse(twentyBody()) as object), webhookId: undefined }),
      what: 'webhookId',
    },
    {
      case: 'a bad event date',
      body: () => twentyBody({ eventDate: 'yesterday' }),
      what: 'eventDate',
    },
    {
      case: 'an event name that is not object.action',
      body: () => twentyBody({ eventName: 'company' }),
      what: 'eventName',
    },
    {
      // Twenty's webhooks never carry it: only workflow triggers see upserts.
      case: 'the upserted action',
      body: () => twentyBody({ eventName: 'company.upserted' }),
      what: 'eventName',
    },
    {
      case: 'an event name of another object than objectMetadata',
      body: () =>
        JSON.stringify({
          ...(JSON.parse(twentyBody()) as object),
          objectMetadata: { id: 'o', nameSingular: 'person' },
        }),
      what: 'objectMetadata.nameSingular',
    },
  ])('refuses a signed event with $case with 422 naming the field', async ({ body, what }) => {
    const server = await serve();
    const answer = await post(server.url, body());
    expect(answer).toMatchObject({ status: 422, json: { error: 'invalid-event' } });
    expect(String(answer.json.message)).toContain(what);
    expect(await inboxRows()).toEqual([]);
  });

  it('answers 503 when the store is down, logs it, and counts it', async () => {
    const server = await serve({ store: unreachableStore(), closeStore: true });
    const answer = await post(server.url, twentyBody());
    expect(answer).toMatchObject({ status: 503, json: { error: 'store-unavailable' } });
    const lines = server
      .log()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'webhook not stored',
        outcome: 'store_unavailable',
        eventName: 'company.created',
        recordId: 'c-1',
        err: expect.stringContaining('ECONNREFUSED') as unknown,
      }),
    );
    const metrics = await server.metrics.registry.metrics();
    expect(metric(metrics, 'tiergate_webhooks_received_total{outcome="store_unavailable"}')).toBe(
      1,
    );
  });

  it('answers 503 rather than keep Twenty waiting when the store does not answer in time', async () => {
    const server = await serve({ persistTimeoutMs: 200 });
    // PGlite has one connection: while this transaction holds it, the insert cannot run.
    const answer = await store.transaction(() => post(server.url, twentyBody()));
    expect(answer).toMatchObject({ status: 503, json: { error: 'store-unavailable' } });
    expect(server.log()).toContain('writing to the inbox took more than 200 ms');
  });

  it('fails closed with 503 when no webhook secret is configured', async () => {
    const server = await serve({ webhookSecret: () => undefined });
    const answer = await post(server.url, twentyBody());
    expect(answer).toMatchObject({ status: 503, json: { error: 'no-secret' } });
    expect(await inboxRows()).toEqual([]);
  });

  it('answers other methods with 405 and the allowed one', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}${WEBHOOK_PATH}`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('health, readiness and metrics', () => {
  it('answers /healthz with 200', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 when the store answers and the secret is known', async () => {
    const server = await serve();
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { store: 'ok', webhookSecret: 'ok' },
    });
  });

  it('answers /readyz with 503 naming the store when it does not answer', async () => {
    const server = await serve({ store: unreachableStore(), closeStore: true });
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    const json = (await response.json()) as { status: string; checks: Record<string, string> };
    expect(json.status).toBe('not-ready');
    expect(json.checks.webhookSecret).toBe('ok');
    expect(json.checks.store).toMatch(
      /^PostgreSQL at 127\.0\.0\.1:1\/none does not answer: .*ECONNREFUSED/,
    );
  });

  it('answers /readyz with 503 naming the secret when none is configured', async () => {
    const server = await serve({ webhookSecret: () => undefined });
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not-ready',
      checks: { store: 'ok', webhookSecret: 'no webhook secret is configured' },
    });
  });

  it('counts each outcome, times each write and reports the inbox by status on /metrics', async () => {
    const server = await serve({ metrics: createMetrics() });
    const body = twentyBody();
    await post(server.url, body);
    await post(server.url, body);
    await post(server.url, twentyBody({ recordId: 'c-2' }));
    await post(server.url, body, signedHeaders('whsec-some-other-secret-000000', body, NOW));
    await post(server.url, body, {
      ...signedHeaders(SECRET, body, NOW),
      'content-type': 'text/plain',
    });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await response.text();
    const received = (outcome: string) =>
      metric(text, `tiergate_webhooks_received_total{outcome="${outcome}"}`);
    expect(received('accepted')).toBe(2);
    expect(received('duplicate')).toBe(1);
    expect(received('unauthorized')).toBe(1);
    expect(received('unsupported_media_type')).toBe(1);
    expect(received('too_large')).toBe(0);
    expect(metric(text, 'tiergate_webhook_persist_seconds_count')).toBe(3);
    expect(metric(text, 'tiergate_webhook_inbox_events{status="pending"}')).toBe(2);
    expect(metric(text, 'tiergate_webhook_inbox_events{status="done"}')).toBe(0);
    expect(text).toContain('tiergate_process_cpu_user_seconds_total');
  });
});

describe('logs', () => {
  it('are JSON lines that never hold the secret, the signature or the record', async () => {
    const server = await serve();
    const body = twentyBody();
    const sent: string[] = [];
    for (const answer of [
      await post(server.url, body),
      await post(server.url, body, signedHeaders('whsec-some-other-secret-000000', body, NOW)),
      await post(server.url, '{not json', signedHeaders(SECRET, '{not json', NOW)),
      await post(server.url, body, {
        ...signedHeaders(SECRET, body, NOW),
        authorization: `Bearer ${SECRET}`,
      }),
    ]) {
      sent.push(answer.sent[SIGNATURE_HEADER] ?? '', answer.sent[NONCE_HEADER] ?? '');
    }
    server.logger.info({ note: `a careless message quoting ${SECRET}` }, 'careless');
    const log = server.log();
    const lines = log.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(log).not.toContain(SECRET);
    for (const signature of sent.filter((_, i) => i % 2 === 0))
      expect(log).not.toContain(signature);
    expect(log).not.toContain(RESTRICTED);
    expect(log).not.toContain('Acme');
    expect(log).not.toContain('{not json');
    expect(log).toContain(`"${SIGNATURE_HEADER}":"${CENSOR}"`);
    expect(log).toContain(`"authorization":"${CENSOR}"`);
    // Still useful: the outcome, the event and the nonce are there.
    expect(log).toContain('"outcome":"accepted"');
    expect(log).toContain('"outcome":"unauthorized"');
    expect(log).toContain('"eventName":"company.created"');
    expect(log).toContain(sent[1]);
  });
});

describe('startServer', () => {
  it('stops on its abort signal and closes the store', async () => {
    let storeClosed = false;
    const stop = new AbortController();
    const server = await serve({
      signal: stop.signal,
      closeStore: true,
      store: {
        ...store,
        close: () => {
          storeClosed = true;
          return Promise.resolve();
        },
      },
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    stop.abort();
    await server.closed;
    expect(storeClosed).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('lets a webhook in flight finish and be answered when it stops', async () => {
    let issued: () => void = () => undefined;
    const insertIssued = new Promise<void>((resolve) => {
      issued = resolve;
    });
    // Tells when the server has issued its first inbox query, the look-up of what the inbox
    // holds of the record (queries are compiled before they wait).
    const watched: Store = {
      ...store,
      db: store.db.withPlugin({
        transformQuery: (args) => {
          if (args.node.kind === 'InsertQueryNode' || args.node.kind === 'SelectQueryNode')
            issued();
          return args.node;
        },
        transformResult: (args) => Promise.resolve(args.result),
      }),
    };
    const server = await serve({ store: watched, persistTimeoutMs: 60_000 });
    let answer: ReturnType<typeof post> | undefined;
    let closing: Promise<void> | undefined;
    // PGlite has one connection: while this transaction holds it, the webhook stays in flight.
    await store.transaction(async () => {
      answer = post(server.url, twentyBody());
      await insertIssued;
      closing = server.close();
    });
    await closing;
    expect(await answer).toMatchObject({ status: 200, json: { status: 'accepted' } });
    expect(await inboxRows()).toHaveLength(1);
  });
});

describe('end to end with the sandbox CRM', () => {
  let sandboxServer: RunningSandbox | undefined;
  afterEach(async () => {
    await sandboxServer?.close();
  });

  it('stores the company.created event the sandbox delivers when a company is created', async () => {
    const server = await serve({ now: Date.now });
    const sandbox = await createSandbox({
      rls: false,
      seed: 'none',
      // Twenty's worker must be allowed to reach the intake on loopback.
      outbound: { worker: { safeModeEnabled: true, allowedInternalHosts: ['127.0.0.1'] } },
    });
    sandboxServer = await startSandboxServer(sandbox.serverOptions);
    const call = async (path: string, query: string) => {
      const response = await fetch(`${sandboxServer?.url ?? ''}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sandbox.adminKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: Record<string, { id: string }>; errors?: unknown };
    };
    const hook = await call(
      '/metadata',
      `mutation { createWebhook(input: { targetUrl: "${server.url}${WEBHOOK_PATH}", operations: ["company.created"], secret: "${SECRET}" }) { id } }`,
    );
    expect(hook.errors).toBeUndefined();
    const created = await call(
      '/graphql',
      'mutation { createCompany(data: { name: "Initech" }) { id } }',
    );
    expect(created.errors).toBeUndefined();
    await sandbox.settle();
    expect(sandbox.deliveries).toMatchObject([
      { eventName: 'company.created', status: 200, ok: true },
    ]);
    const rows = await inboxRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      event_name: 'company.created',
      object_name: 'company',
      record_id: created.data?.createCompany?.id,
      status: 'pending',
    });
    expect(JSON.parse(rows[0]?.body ?? '{}')).toMatchObject({
      webhookId: hook.data?.createWebhook?.id,
      record: { name: 'Initech' },
    });
  });
});
