/**
 * `npm run bench -- intake`: the webhook intake's throughput. Signed Twenty webhooks (each body
 * unique, so each is a new event, signed as the sandbox signs them) are posted by autocannon to
 * `POST /webhooks/twenty` and counted per second once answered 200: verified, parsed,
 * de-duplicated and written to the inbox before the answer. Three servers, each in a worker
 * thread of its own so that the load generator does not share its event loop:
 * - a bare express endpoint that answers 200 without reading anything (the ceiling);
 * - Tiergate on PostgreSQL (`DATABASE_URL`, else postgres://postgres@127.0.0.1:5432/test), in a
 *   fresh database created for the run and dropped after it;
 * - Tiergate on PGlite in memory.
 * The ratio to the bare endpoint is the figure that matters (goal: at least 0.4x on
 * PostgreSQL). Exits 1 when a Tiergate server answered anything but 200, or when the inbox does
 * not hold every event answered `accepted`.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import os from 'node:os';
import autocannon from 'autocannon';
import { serveIfWorker } from './worker-role.js';
import express from 'express';
import { sql } from 'kysely';
import { signedHeaders } from '../src/host/webhook/signature.js';
import { WEBHOOK_PATH } from '../src/twenty-app/names.js';
import { createLogger } from '../src/events/logger.js';
import { startServer } from '../src/events/server.js';
import { countEventsByStatus } from '../src/store/inbox.js';
import { IN_MEMORY, openStore, redactDatabaseUrl, type Store } from '../src/store/store.js';

const SECRET = 'whsec-intake-bench-0123456789abcdef';
const CONNECTIONS = 32;
const WARMUP_SECONDS = 2;
const SECONDS = 8;
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const ROLE = 'tiergate-intake-bench-server';

type Target =
  | { readonly kind: 'bare' }
  | { readonly kind: 'postgres'; readonly databaseUrl: string }
  | { readonly kind: 'pglite' };

interface WorkerInput {
  readonly role: typeof ROLE;
  readonly target: Target;
}

type WorkerMessage =
  | { readonly type: 'listening'; readonly url: string }
  | { readonly type: 'stopped'; readonly stored: number; readonly persistMeanMs: number }
  | { readonly type: 'failed'; readonly error: string };

// ---- the server side, in a worker thread ------------------------------------------------------

async function serveInWorker(target: Target): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('the intake bench server must run in a worker thread');
  const post = (message: WorkerMessage): void => port.postMessage(message);
  if (target.kind === 'bare') {
    const app = express();
    app.post(WEBHOOK_PATH, (_req, res) => {
      res.status(200).json({ status: 'accepted' });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    post({ type: 'listening', url: `http://127.0.0.1:${address.port}` });
    port.once('message', () => {
      server.close(() => post({ type: 'stopped', stored: 0, persistMeanMs: 0 }));
      server.closeAllConnections();
    });
    return;
  }
  const store = await openStore(
    target.kind === 'postgres' ? { databaseUrl: target.databaseUrl } : { dataDir: IN_MEMORY },
  );
  await store.migrate();
  // Logging stays on (its cost is part of the intake), into a sink.
  const logger = createLogger({ destination: { write: () => undefined }, secrets: () => [SECRET] });
  const running = await startServer({
    store,
    webhookSecret: () => SECRET,
    logger,
    closeStore: false,
  });
  post({ type: 'listening', url: running.url });
  port.once('message', () => {
    void (async () => {
      await running.close();
      const counts = await countEventsByStatus(store.db);
      const persist = await running.metrics.persistSeconds.get();
      const count = persist.values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
      const sum = persist.values.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
      await store.close();
      post({
        type: 'stopped',
        stored: counts.pending + counts.processing + counts.done + counts.dead,
        persistMeanMs: count === 0 ? 0 : (sum / count) * 1000,
      });
    })().catch((error: unknown) => post({ type: 'failed', error: String(error) }));
  });
}

serveIfWorker(ROLE, serveInWorker);

// ---- the load, in the main thread -------------------------------------------------------------

interface RunningWorker {
  readonly url: string;
  stop(): Promise<{ stored: number; persistMeanMs: number }>;
}

function startWorker(target: Target): Promise<RunningWorker> {
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { role: ROLE, target } satisfies WorkerInput,
  });
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === 'failed') reject(new Error(`${target.kind} server: ${message.error}`));
      if (message.type !== 'listening') return;
      worker.off('message', onMessage);
      resolve({
        url: message.url,
        stop: () =>
          new Promise((done, fail) => {
            worker.once('message', (last: WorkerMessage) => {
              void worker.terminate();
              if (last.type === 'stopped')
                done({ stored: last.stored, persistMeanMs: last.persistMeanMs });
              else fail(new Error(`${target.kind} server: ${JSON.stringify(last)}`));
            });
            worker.postMessage('stop');
          }),
      });
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

let sequence = 0;

/** A new company.created event each time, keys in Twenty's order, signed now. */
function signedRequest(request: autocannon.Request): autocannon.Request {
  sequence++;
  const recordId = `c-${sequence}-${randomBytes(4).toString('hex')}`;
  const body = JSON.stringify({
    targetUrl: 'http://127.0.0.1/webhooks/twenty',
    eventName: 'company.created',
    objectMetadata: { id: 'obj-company', nameSingular: 'company' },
    workspaceId: 'ws-bench',
    webhookId: 'wh-bench',
    eventDate: new Date().toISOString(),
    record: {
      id: recordId,
      name: `Company ${sequence}`,
      domainName: { primaryLinkUrl: `https://company-${sequence}.example` },
      employees: sequence % 500,
      annualRecurringRevenue: { amountMicros: sequence * 1_000_000, currencyCode: 'EUR' },
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    },
  });
  return { ...request, body, headers: signedHeaders(SECRET, body, Date.now()) };
}

interface Figures {
  readonly label: string;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ok: number;
  readonly other: number;
  readonly stored: number;
  readonly persistMeanMs: number;
}

async function load(url: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}${WEBHOOK_PATH}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ method: 'POST', setupRequest: signedRequest }],
  });
}

async function measure(label: string, target: Target): Promise<Figures> {
  const worker = await startWorker(target);
  let result: autocannon.Result;
  let warm: autocannon.Result;
  try {
    warm = await load(worker.url, WARMUP_SECONDS);
    result = await load(worker.url, SECONDS);
  } catch (error) {
    await worker.stop().catch(() => undefined);
    throw error;
  }
  const stopped = await worker.stop();
  return {
    label,
    perSecond: result['2xx'] / SECONDS,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: warm['2xx'] + result['2xx'],
    other:
      warm.non2xx + result.non2xx + warm.errors + result.errors + warm.timeouts + result.timeouts,
    stored: stopped.stored,
    persistMeanMs: stopped.persistMeanMs,
  };
}

async function freshDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin: Store = await openStore({ databaseUrl: serverUrl });
  const name = `tiergate_bench_${randomBytes(6).toString('hex')}`;
  await sql`create database ${sql.id(name)}`.execute(admin.db);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
      } finally {
        await admin.close();
      }
    },
  };
}

export async function runIntakeBench(): Promise<number> {
  const serverUrl = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  const database = await freshDatabase(serverUrl);
  let figures: Figures[];
  try {
    const bare = await measure('bare express endpoint (200, nothing read)', { kind: 'bare' });
    const postgres = await measure(`Tiergate on PostgreSQL (${redactDatabaseUrl(serverUrl)})`, {
      kind: 'postgres',
      databaseUrl: database.url,
    });
    const pglite = await measure('Tiergate on PGlite (in memory)', { kind: 'pglite' });
    figures = [bare, postgres, pglite];
  } finally {
    await database.drop();
  }
  const ceiling = figures[0]?.perSecond ?? Number.NaN;
  const rows = figures.map((f) => [
    f.label,
    `${Math.round(f.perSecond).toLocaleString('en')}/s`,
    `${(f.perSecond / ceiling).toFixed(2)}x`,
    `p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms`,
    f === figures[0] ? '' : `persist mean ${f.persistMeanMs.toFixed(2)} ms, ${f.stored} stored`,
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  console.log(
    `tiergate intake benchmark — node ${process.version}, ${os.cpus().length} CPUs, ` +
      `${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up, signed company.created webhooks\n` +
      rows
        .map((r) =>
          r
            .map((c, i) => c.padEnd(widths[i] ?? 0))
            .join('  ')
            .trimEnd(),
        )
        .join('\n'),
  );
  const postgres = figures[1];
  if (postgres !== undefined) {
    const ratio = postgres.perSecond / ceiling;
    console.log(
      `PostgreSQL: ${ratio.toFixed(2)}x the bare endpoint (goal: at least 0.4x) — ${ratio >= 0.4 ? 'met' : 'NOT met'}`,
    );
  }
  const failures = figures.slice(1).filter((f) => f.other > 0 || f.stored < f.ok);
  for (const f of failures)
    console.log(
      `FAILED: ${f.label}: ${f.other} answers other than 200, ${f.stored} events stored for ${f.ok} accepted`,
    );
  return failures.length === 0 ? 0 : 1;
}
