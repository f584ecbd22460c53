/**
 * Two Tiergate processes on one PostgreSQL: each runs a worker (on the built modules in `dist/`,
 * as `npm test` builds them first) over the same inbox, and every event is journaled exactly
 * once, in per-record order, in one unbroken chain.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../audit/journal-store.js';
import { inboxDedupeKey, insertManyIfNew, recordVersion } from '../store/inbox.js';
import { testServer } from '../store/store.test-support.js';
import { openStore, type Store } from '../store/store.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dist = (path: string): string => pathToFileURL(`${ROOT}dist/src/${path}`).href;
const EVENTS = 120;

/** A worker process: drains the inbox, then exits 0. */
const CHILD = `
import { Journal } from ${JSON.stringify(dist('audit/journal-store.js'))};
import { EventWorker } from ${JSON.stringify(dist('events/worker.js'))};
import { compilePolicy } from ${JSON.stringify(dist('policy/engine.js'))};
import { loadPolicy } from ${JSON.stringify(dist('policy/load.js'))};
import { openStore } from ${JSON.stringify(dist('store/store.js'))};
const env = process.env;
const store = await openStore({ databaseUrl: env.WORKER_DATABASE_URL, databaseUrlName: 'the worker test database' });
const policy = loadPolicy(env.WORKER_POLICY);
const worker = new EventWorker({
  store,
  journal: await Journal.open(store, { cwd: env.WORKER_CWD }),
  policy,
  engine: compilePolicy(policy),
  redactKey: new Uint8Array(32),
  workerId: env.WORKER_ID,
  batchSize: 5,
  retryDelayMs: () => 0,
});
// Both processes start working at the same moment, whichever booted first.
await new Promise((r) => setTimeout(r, Math.max(0, Number(env.WORKER_START_AT) - Date.now())));
let idle = 0;
let done = 0;
while (idle < 20) {
  const result = await worker.runOnce();
  done += result.done;
  idle = result.claimed === 0 ? idle + 1 : 0;
  if (result.claimed === 0) await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(String(done));
await store.close();
`;

const POLICY = `version: 1
tiers: [{ id: junior }]
objects: { opportunity: { owner: [ownerId] } }
org: { members: [{ id: w-ann, role: rep }] }
roles:
  rep: { label: Rep, duties: Sells., defaultTier: junior, objects: { opportunity: { read: { junior: all }, update: { junior: all }, fields: { default: { junior: edit } } } } }
`;

function runWorker(databaseUrl: string, cwd: string, id: string, startAt: number): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: ROOT,
    env: {
      ...process.env,
      WORKER_DATABASE_URL: databaseUrl,
      WORKER_CWD: cwd,
      WORKER_ID: id,
      WORKER_POLICY: POLICY,
      WORKER_START_AT: String(startAt),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`worker ${id} exited ${code}: ${err}`)),
    );
  });
}

describe('two worker processes on one PostgreSQL', () => {
  const server = testServer();
  const database = `tiergate_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(server.url);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  const cwd = mkdtempSync(join(tmpdir(), 'tiergate-workers-'));
  let admin: Store;
  let store: Store;

  beforeAll(async () => {
    const built = await stat(fileURLToPath(dist('events/worker.js'))).catch(() => undefined);
    if (built === undefined)
      throw new Error('dist/src/events/worker.js is missing: run npm run build first');
    admin = await openStore({ databaseUrl: server.url, databaseUrlName: server.from });
    await sql`create database ${sql.id(database)}`.execute(admin.db);
    store = await openStore({ databaseUrl, databaseUrlName: 'the worker test database' });
    await store.migrate();
  }, 60_000);
  afterAll(async () => {
    await store.close();
    await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin.db);
    await admin.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('journals every event exactly once between them', async () => {
    const t0 = Date.parse('2026-08-01T00:00:00.000Z');
    await insertManyIfNew(
      store.db,
      Array.from({ length: EVENTS }, (_, i) => {
        const recordId = `o-${i % 15}`;
        const updatedAt = new Date(t0 + i * 1000).toISOString();
        const record = {
          id: recordId,
          ownerId: 'w-ann',
          updatedAt,
          updatedBy: { source: 'MANUAL', workspaceMemberId: 'w-ann', name: 'Ann', context: {} },
        };
        const eventName = 'opportunity.updated';
        return {
          body: JSON.stringify({
            eventName,
            objectMetadata: { id: 'object-opportunity', nameSingular: 'opportunity' },
            webhookId: 'wh',
            eventDate: updatedAt,
            record,
            updatedFields: ['name'],
          }),
          dedupeKey: inboxDedupeKey({ webhookId: 'wh', eventName, recordId, eventDate: updatedAt }),
          eventName,
          objectName: 'opportunity',
          recordId,
          recordVersion: recordVersion(record),
        };
      }),
    );
    const startAt = Date.now() + 3_000;
    const [a, b] = await Promise.all([
      runWorker(databaseUrl, cwd, 'process-a', startAt),
      runWorker(databaseUrl, cwd, 'process-b', startAt),
    ]);
    // Both took part, and between them every event was done once.
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a + b).toBe(EVENTS);
    const journal = await Journal.open(store, { cwd });
    const report = await journal.verify();
    expect(report.ok ? 'ok' : JSON.stringify(report)).toBe('ok');
    const entries = await journal.tail(1000);
    expect(entries).toHaveLength(EVENTS);
    for (let r = 0; r < 15; r++) {
      const times = entries
        .filter((e) => e.target === `opportunity/o-${r}`)
        .map((e) => (JSON.parse(e.after ?? '{}') as { updatedAt: string }).updatedAt);
      expect(times).toEqual([...times].sort());
      expect(times).toHaveLength(8);
    }
  }, 120_000);
});
