/**
 * The audit outbox relay killed with SIGKILL mid-stream and restarted. The relay runs in a child
 * process (`node`, on the built modules in `dist/`: run `npm run build` first, as `npm test`
 * does) against PostgreSQL (a database of its own, dropped afterwards) and the sandbox served
 * over real HTTP by this process, with Tiergate installed.
 *
 * The sandbox's core API is wrapped so that the 8th audit create is carried out and then held
 * unanswered: the host has taken that batch and the relay has not marked it, the crash point
 * where a lost entry or a double one would come from. The child is killed there. A second child
 * waits for the dead one's lease to end, delivers the held batch again and then the rest; the
 * audit object must then hold exactly the journal: no entry lost, none twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '../host/host.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { startSandboxServer, type GraphqlApi, type RunningSandbox } from '../sandbox/server.js';
import { appendJournalRows, readJournalRows } from '../store/journal-rows.js';
import { testServer } from '../store/store.test-support.js';
import { openStore, redactDatabaseUrl, type Store } from '../store/store.js';
import { install } from '../sync/install.js';
import { tiergateManifest } from '../twenty-app/manifest.js';
import { chainEntries } from './journal.js';
import { auditRecordId } from './outbox-relay.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILT_RELAY = `${ROOT}dist/src/audit/outbox-relay.js`;
const ADMIN_KEY = 'admin-key-for-the-outbox-crash-test';
const ENTRIES = 300;
const BATCH = 10;
/** The audit create the sandbox carries out and then leaves unanswered. */
const HOLD_AT = 8;
const LEASE_MS = 1_000;

const dist = (path: string): string => pathToFileURL(`${ROOT}dist/src/${path}`).href;

/** The child: the relay, run until it is killed, on the built modules. */
const CHILD = `
import { OutboxRelay } from ${JSON.stringify(dist('audit/outbox-relay.js'))};
import { connectHost } from ${JSON.stringify(dist('host/host.js'))};
import { openStore } from ${JSON.stringify(dist('store/store.js'))};
const env = process.env;
const store = await openStore({ databaseUrl: env.CRASH_DATABASE_URL, databaseUrlName: 'the crash test database' });
const host = connectHost({
  baseUrl: env.CRASH_HOST_URL,
  token: env.CRASH_HOST_TOKEN,
  retry: { attempts: 1 },
  rateLimit: { requests: 1000000, windowMs: 1000 },
  timeoutMs: 60000,
});
const relay = new OutboxRelay(store, host, {
  batchSize: ${BATCH},
  leaseMs: ${LEASE_MS},
  idleMs: 20,
  maxAttempts: 1000,
  backoff: { baseMs: 10, maxMs: 200 },
  log: (line) => process.stderr.write(line + '\\n'),
});
await relay.run(new AbortController().signal);
`;

interface Child {
  readonly process: ChildProcess;
  readonly stderr: () => string;
  /** Rejects when the child ends by itself: it should run until killed. */
  readonly ended: Promise<never>;
}

function startRelay(databaseUrl: string, hostUrl: string): Child {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: ROOT,
    env: {
      ...process.env,
      CRASH_DATABASE_URL: databaseUrl,
      CRASH_HOST_URL: hostUrl,
      CRASH_HOST_TOKEN: ADMIN_KEY,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const ended = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL')
        reject(
          new Error(`the relay child ended by itself (code ${code}, signal ${signal}): ${stderr}`),
        );
    });
  });
  ended.catch(() => undefined); // observed where it matters
  return { process: child, stderr: () => stderr, ended };
}

async function kill(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.kill('SIGKILL');
  await exited;
}

async function outboxCounts(store: Store): Promise<Record<string, number>> {
  const rows = await store.db
    .selectFrom('tiergate_audit_outbox')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}

/** Polls until `done` holds; the test's timeout ends a wait that never does. */
async function until<T>(
  what: () => Promise<T>,
  done: (value: T) => boolean,
  child: Child,
): Promise<T> {
  for (;;) {
    const value = await Promise.race([what(), child.ended]);
    if (done(value)) return value;
    await Promise.race([sleep(25), child.ended]);
  }
}

describe('the audit outbox relay under SIGKILL', () => {
  const server = testServer();
  const database = `tiergate_test_${randomBytes(6).toString('hex')}`;
  const databaseUrl = (() => {
    const url = new URL(server.url);
    url.pathname = `/${database}`;
    return url.toString();
  })();
  let admin: Store | undefined;
  let store: Store;
  let sandbox: Sandbox;
  let running: RunningSandbox;
  const children: Child[] = [];
  /** How many times the sandbox carried out an audit create for each record id. */
  const applied = new Map<string, number>();
  const heldIds: string[] = [];
  let release: () => void = () => undefined;
  let reachHold: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    reachHold = resolve;
  });

  beforeAll(async () => {
    const built = await stat(BUILT_RELAY).catch(() => undefined);
    const source = await stat(`${ROOT}src/audit/outbox-relay.ts`);
    if (built === undefined || built.mtimeMs < source.mtimeMs)
      throw new Error(
        `${BUILT_RELAY} is ${built === undefined ? 'missing' : 'older than its source'}: run npm run build first (npm test does)`,
      );
    admin = await openStore({ databaseUrl: server.url, databaseUrlName: server.from }).catch(
      (error: unknown) => {
        throw new Error(
          `the outbox crash test needs PostgreSQL at ${redactDatabaseUrl(server.url)} (${server.from}): ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      },
    );
    await sql`create database ${sql.id(database)}`.execute(admin.db);
    store = await openStore({ databaseUrl, databaseUrlName: 'the crash test database' });
    await store.migrate();

    sandbox = await createSandbox({
      rls: false,
      seed: 'none',
      adminKey: ADMIN_KEY,
      // The add-on's webhook: accepted, without a server behind it.
      fetch: () => Promise.resolve(new Response(null, { status: 200 })),
    });
    const real = sandbox.serverOptions.core;
    let creates = 0;
    const core: GraphqlApi = {
      async execute(request) {
        const result = await real.execute(request);
        if (!request.source.includes('createTiergateAuditEntries')) return result;
        const data = request.variables?.data;
        const ids = Array.isArray(data)
          ? data.map((record: unknown) => (record as { id: string }).id)
          : [];
        if (result.errors === undefined)
          for (const id of ids) applied.set(id, (applied.get(id) ?? 0) + 1);
        creates++;
        if (creates === HOLD_AT) {
          heldIds.push(...ids);
          reachHold();
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        return result;
      },
    };
    running = await startSandboxServer({ ...sandbox.serverOptions, core });
    const host = connectHost({ baseUrl: running.url, token: ADMIN_KEY });
    await install(host, tiergateManifest(), { addonUrl: 'https://tiergate.example.com' });

    const drafts = Array.from({ length: ENTRIES }, (_, i) => ({
      actor: `member-${i % 11}`,
      action: 'tier.promoted',
      target: `member-${i}`,
      before: { tier: 'junior' },
      after: { tier: 'senior', n: i },
      reason: `crash test entry ${i + 1}`,
    }));
    const now = new Date();
    await appendJournalRows(store.db, chainEntries(undefined, drafts, now), { outbox: true, now });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) await kill(child);
    release();
    await running?.close();
    await store?.close();
    if (admin !== undefined) {
      try {
        await sql`drop database if exists ${sql.id(database)} with (force)`.execute(admin.db);
      } finally {
        await admin.close();
      }
    }
  });

  it('delivers every journal entry exactly once to the audit object across a SIGKILL and a restart', async () => {
    const first = startRelay(databaseUrl, running.url);
    children.push(first);
    await Promise.race([held, first.ended]);
    // Mid-stream: some batches delivered and marked, one taken by the host but not marked.
    const before = await outboxCounts(store);
    expect(before.delivered ?? 0).toBeGreaterThan(0);
    expect(before.delivered ?? 0).toBeLessThan(ENTRIES);
    expect(heldIds).toHaveLength(BATCH);

    await kill(first);
    expect(first.process.signalCode).toBe('SIGKILL');
    release();

    const second = startRelay(databaseUrl, running.url);
    children.push(second);
    const after = await until(
      () => outboxCounts(store),
      (counts) => (counts.delivered ?? 0) + (counts.dead ?? 0) === ENTRIES,
      second,
    );
    await kill(second);
    await sandbox.settle();

    expect(after).toEqual({ delivered: ENTRIES });
    // The held batch reached the host twice: once before the kill, once from the second child.
    expect(heldIds.map((id) => applied.get(id))).toEqual(heldIds.map(() => 2));
    // Acknowledged (the journal) against received (the audit object): none lost, none twice.
    const journal = await readJournalRows(store.db, 1, ENTRIES + 1);
    const acknowledged = journal.map((row) => `${auditRecordId(row.hash)} ${row.hash} ${row.seq}`);
    const records = Object.values(sandbox.state().records.tiergateAuditEntry ?? {});
    const received = records.map(
      (record) => `${record.id} ${String(record.hash)} ${String(record.sequence)}`,
    );
    expect(journal).toHaveLength(ENTRIES);
    expect(received.toSorted()).toEqual(acknowledged.toSorted());
    expect(new Set(records.map((record) => record.hash)).size).toBe(ENTRIES);
  }, 120_000);
});
