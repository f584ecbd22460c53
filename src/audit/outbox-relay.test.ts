/**
 * The audit outbox relay against PGlite in memory (one instance for the file, emptied before
 * each test) and the in-process sandbox behind msw, with Tiergate installed. Time, sleep and
 * jitter are injected: no test waits for a real backoff. Faults are put in front of the sandbox
 * by an msw handler that counts the relay's calls and decides each call's fate from that count.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay, http, HttpResponse } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { connectHost, type Host } from '../host/host.js';
import { mswServer } from '../host/msw-server.test-support.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { answer } from '../sandbox/server.js';
import type { SandboxRecord } from '../sandbox/workspace.js';
import {
  appendCheckpoint,
  appendJournalRows,
  lastCheckpoint,
  lastJournalRow,
  readJournalRows,
  type Checkpoint,
  type JournalRow,
} from '../store/journal-rows.js';
import { findOutboxEntry, type ClaimedOutboxRow } from '../store/outbox.js';
import { emptyStore } from '../store/store.test-support.js';
import { IN_MEMORY, openStore, type Store } from '../store/store.js';
import { install } from '../sync/install.js';
import { resolveAddonUrl, tiergateManifest, type Manifest } from '../twenty-app/manifest.js';
import { chainEntries, GENESIS_PREV_HASH } from './journal.js';
import { Journal } from './journal-store.js';
import { KeyRing } from './key-ring.js';
import {
  auditRecordId,
  uuidV5,
  auditRecordOf,
  checkpointRecordOf,
  OutboxRelay,
  type OutboxRelayOptions,
  type RelayRun,
} from './outbox-relay.js';

const BASE_URL = 'http://twenty.test';
const GRAPHQL_URL = `${BASE_URL}/graphql`;
const ADMIN_KEY = 'admin-key-for-outbox-relay-tests';
const ADDON_URL = 'https://tiergate.example.com';
const START = Date.parse('2026-03-01T09:00:00.000Z');
const manifest = tiergateManifest();
const server = mswServer();

let store: Store;
beforeAll(async () => {
  store = await openStore({ dataDir: IN_MEMORY });
  await store.migrate();
}, 120_000); // PGlite's start-up is slow on a busy machine
afterAll(async () => {
  await store.close();
});
beforeEach(async () => {
  await emptyStore(store);
});

/** A fake clock the relay's `now` and `sleep` share: sleeping moves it on. */
function fakeTime(): {
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  advance: (ms: number) => void;
} {
  let clock = START;
  return {
    now: () => new Date(clock),
    sleep: (ms) => {
      clock += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      clock += ms;
    },
  };
}

interface World {
  readonly sandbox: Sandbox;
  readonly host: Host;
}

/** A sandbox with Tiergate installed, served by msw, and a host client with no retries of its own. */
async function world(timeoutMs = 5_000): Promise<World> {
  const sandbox = await createSandbox({ rls: false, seed: 'none', adminKey: ADMIN_KEY });
  server.use(
    ...sandboxHandlers(sandbox.serverOptions, BASE_URL),
    http.post(
      resolveAddonUrl(manifest.webhook.targetUrl, ADDON_URL),
      () => new HttpResponse(null, { status: 200 }),
    ),
  );
  const host = connectHost({
    baseUrl: BASE_URL,
    token: ADMIN_KEY,
    retry: { attempts: 1 },
    rateLimit: { requests: 1_000_000, windowMs: 1_000 },
    timeoutMs,
  });
  await install(host, manifest, { addonUrl: ADDON_URL });
  await host.dataModel.refresh();
  return { sandbox, host };
}

/** Appends `count` entries (with their outbox rows) after the journal's head, stamped `at`. */
async function appendEntries(count: number, at: Date): Promise<JournalRow[]> {
  const head = await lastJournalRow(store.db);
  const drafts = Array.from({ length: count }, (_, i) => ({
    actor: `member-${i % 7}`,
    action: i % 2 === 0 ? 'tier.promoted' : 'grant.expired',
    target: `member-${i}`,
    before: i % 3 === 0 ? null : { tier: 'junior', n: i },
    after: { tier: 'senior', n: i, tags: ['a', 'b'] },
    reason: i % 5 === 0 ? null : `reason ${i}`,
  }));
  const entries = chainEntries(head, drafts, at);
  await appendJournalRows(store.db, entries, { outbox: true, now: at });
  return entries;
}

function auditRecords(sandbox: Sandbox): SandboxRecord[] {
  return Object.values(sandbox.state().records.tiergateAuditEntry ?? {});
}

/** What the journal says the host must hold: `id hash seq`, one line per entry, sorted. */
async function journalSet(): Promise<string[]> {
  const rows = await readJournalRows(store.db, 1, 100_000);
  return rows.map((row) => `${auditRecordId(row.hash)} ${row.hash} ${row.seq}`).sort();
}

/** What the host holds, in the same form. */
function receivedSet(sandbox: Sandbox): string[] {
  return auditRecords(sandbox)
    .map((record) => `${record.id} ${String(record.hash)} ${String(record.sequence)}`)
    .sort();
}

/** The ids in the `data` of each audit create the relay sent, in the order sent. */
function recordSends(): string[][] {
  const sends: string[][] = [];
  server.events.on('request:start', ({ request }) => {
    if (request.url !== GRAPHQL_URL) return;
    void request
      .clone()
      .text()
      .then((text) => {
        const body = JSON.parse(text) as {
          query?: string;
          variables?: { data?: { id: string }[] };
        };
        if (body.query?.includes('createTiergateAuditEntries') === true)
          sends.push((body.variables?.data ?? []).map((record) => record.id));
      });
  });
  return sends;
}

/** Runs the relay until nothing is pending, moving the clock to each retry; fails after `limit` runs. */
async function drain(
  relay: OutboxRelay,
  time: ReturnType<typeof fakeTime>,
  limit = 200,
): Promise<RelayRun[]> {
  const runs: RelayRun[] = [];
  for (let i = 0; i < limit; i++) {
    const run = await relay.runOnce();
    runs.push(run);
    if (run.delivered === 0 && run.failed === 0 && run.parked === 0) return runs;
    time.advance(run.retryInMs ?? 0);
  }
  throw new Error(`the outbox was not drained after ${limit} runs`);
}

function relayOptions(
  time: ReturnType<typeof fakeTime>,
  extra: Partial<OutboxRelayOptions> = {},
): OutboxRelayOptions {
  return {
    backoff: { baseMs: 100, maxMs: 1_000 },
    random: () => 0.5,
    now: time.now,
    sleep: time.sleep,
    log: () => undefined,
    ...extra,
  };
}

describe('auditRecordId', () => {
  const hash = 'a'.repeat(16) + 'f'.repeat(16) + '0'.repeat(32);

  it('is a version 5 UUID, the only kind Twenty 2.43 takes of the versions that can carry a hash', () => {
    const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(auditRecordId(hash)).toMatch(valid);
    expect(auditRecordId('0'.repeat(64))).toMatch(valid);
    // RFC 9562's own example of a version 5 UUID (the DNS namespace, "www.example.com").
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives the same id for the same hash and different ids for different hashes', () => {
    const other = `${'a'.repeat(15)}b${'f'.repeat(16)}${'0'.repeat(32)}`;
    expect(auditRecordId(hash)).toBe(auditRecordId(hash.slice()));
    expect(auditRecordId(hash)).not.toBe(auditRecordId(`${hash.slice(0, 32)}${'1'.repeat(32)}`));
    expect(auditRecordId(other)).not.toBe(auditRecordId(hash));
  });

  it('refuses what is not a 64-digit lowercase hex hash, naming it', () => {
    expect(() => auditRecordId('ABC')).toThrow(/64 lowercase hex digits, not "ABC"/);
    expect(() => auditRecordId(hash.toUpperCase())).toThrow(/64 lowercase hex digits/);
  });
});

describe('auditRecordOf', () => {
  const [first, second] = chainEntries(
    undefined,
    [
      { actor: 'm-alice', action: 'tier.promoted', target: 'm-bob', after: { tier: 'senior' } },
      {
        actor: 'm-alice',
        action: 'grant.expired',
        target: 'm-carol',
        before: { grant: [1, 2] },
        reason: 'ended',
      },
    ],
    new Date(START),
  ) as [JournalRow, JournalRow];

  it('maps an entry to the manifest fields, with before and after as JSON values', () => {
    expect(auditRecordOf(second)).toEqual({
      id: auditRecordId(second.hash),
      sequence: 2,
      occurredAt: '2026-03-01T09:00:00.000Z',
      actor: 'm-alice',
      action: 'grant.expired',
      subject: 'm-carol',
      reason: 'ended',
      before: { grant: [1, 2] },
      after: null,
      hash: second.hash,
      previousHash: first.hash,
    });
  });

  it('leaves previousHash empty for the first entry, whose prevHash is the genesis value', () => {
    expect(first.prevHash).toBe(GENESIS_PREV_HASH);
    expect(auditRecordOf(first).previousHash).toBeNull();
  });

  it('fails loudly when the manifest does not declare a field it writes', () => {
    const lacking = structuredClone(manifest) as Manifest & {
      objects: { nameSingular: string; fields: { name: string }[] }[];
    };
    for (const object of lacking.objects)
      if (object.nameSingular === 'tiergateAuditEntry')
        object.fields = object.fields.filter((f) => f.name !== 'subject');
    expect(() => auditRecordOf(first, lacking)).toThrow(
      'Tiergate relies on field tiergateAuditEntry.subject, which manifest.json does not declare',
    );
  });
});

describe('OutboxRelay', () => {
  it('delivers appended entries once each, in seq order, with the derived ids, and sends nothing the second time', async () => {
    const { sandbox, host } = await world();
    const time = fakeTime();
    const entries = await appendEntries(130, time.now());
    const sends = recordSends();
    const relay = new OutboxRelay(store, host, relayOptions(time, { batchSize: 50 }));

    expect(await relay.runOnce()).toEqual({ delivered: 130, failed: 0, parked: 0 });
    await sandbox.settle();

    expect(sends.map((ids) => ids.length)).toEqual([50, 50, 30]);
    expect(sends.flat()).toEqual(entries.map((entry) => auditRecordId(entry.hash)));
    expect(receivedSet(sandbox)).toEqual(await journalSet());
    const record = auditRecords(sandbox).find((r) => r.sequence === 4);
    expect(record).toMatchObject(auditRecordOf(entries[3] as JournalRow));
    const outbox = await findOutboxEntry(store.db, 130);
    expect(outbox).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });

    expect(await relay.runOnce()).toEqual({ delivered: 0, failed: 0, parked: 0 });
    expect(sends).toHaveLength(3);
  });

  it('mirrors a signed checkpoint on the next run even while its entries cannot reach the host, and once only', async () => {
    const { sandbox, host } = await world();
    const time = fakeTime();
    const entries = await appendEntries(6, time.now());
    const head = entries[3] as JournalRow;
    const checkpoint = { seq: 4, hash: head.hash, at: head.at, keyId: 'k1', signature: 'c2ln' };
    await appendCheckpoint(store.db, checkpoint);
    const entryIds = new Set(entries.map((entry) => auditRecordId(entry.hash)));
    let entriesDown = true;
    server.use(
      http.post(GRAPHQL_URL, async ({ request }) => {
        const body = (await request.clone().json()) as { variables?: { data?: { id: string }[] } };
        const carriesEntries = (body.variables?.data ?? []).some((r) => entryIds.has(r.id));
        return entriesDown && carriesEntries ? HttpResponse.error() : undefined;
      }),
    );
    const relay = new OutboxRelay(store, host, relayOptions(time));

    expect(await relay.runOnce()).toMatchObject({ delivered: 0, failed: 6 });
    await sandbox.settle();
    const mirrored = () => auditRecords(sandbox).filter((r) => r.action === 'journal.checkpoint');
    expect(mirrored()).toHaveLength(1);
    expect(mirrored()[0]).toMatchObject(checkpointRecordOf(checkpoint));
    expect(mirrored()[0]).toMatchObject({ sequence: 4, hash: head.hash, after: checkpoint });

    entriesDown = false;
    time.advance(60_000);
    await drain(relay, time);
    await sandbox.settle();
    expect(mirrored()).toHaveLength(1);
    // The journal's own records are all there too, and only they carry entry ids.
    expect(auditRecords(sandbox)).toHaveLength(7);
  });

  it('puts a checkpoint into the host as soon as the journal signs it, before its entries get there', async () => {
    const { sandbox, host } = await world();
    const time = fakeTime();
    server.use(
      http.post(GRAPHQL_URL, async ({ request }) => {
        const text = await request.clone().text();
        return text.includes('journal.checkpoint') ? undefined : HttpResponse.error();
      }),
    );
    const relay = new OutboxRelay(store, host, relayOptions(time));
    const dir = await mkdtemp(join(tmpdir(), 'tiergate-relay-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const mirrorings: Promise<unknown>[] = [];
    // As the pipeline wires them: each checkpoint goes to the relay the moment it is signed.
    const journal = new Journal(store, KeyRing.generate(time.now()), {
      cwd: dir,
      now: time.now,
      onCheckpoint: () => mirrorings.push(relay.mirrorCheckpoints()),
    });

    await journal.append([{ actor: 'm-alice', action: 'record.updated', target: 'company/1' }]);
    const signed = await lastCheckpoint(store.db);
    await Promise.resolve();
    expect(await Promise.all(mirrorings)).toEqual([1]);
    await sandbox.settle();

    const records = auditRecords(sandbox);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject(checkpointRecordOf(signed as Checkpoint));
    expect(await findOutboxEntry(store.db, 1)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('leaves one record, not two, when an entry the host already holds is delivered again', async () => {
    const { sandbox, host } = await world();
    const time = fakeTime();
    const entries = await appendEntries(5, time.now());
    const sends = recordSends();
    const relay = new OutboxRelay(store, host, relayOptions(time));
    await relay.runOnce();
    // As if the relay had died after the host took entry 3 but before marking it delivered.
    await store.db
      .updateTable('tiergate_audit_outbox')
      .set({ status: 'pending', delivered_at: null, next_attempt_at: time.now() })
      .where('journal_seq', '=', 3)
      .execute();

    expect(await relay.runOnce()).toEqual({ delivered: 1, failed: 0, parked: 0 });
    await sandbox.settle();

    const id = auditRecordId((entries[2] as JournalRow).hash);
    expect(sends.flat().filter((sent) => sent === id)).toHaveLength(2);
    expect(auditRecords(sandbox)).toHaveLength(5);
    expect(auditRecords(sandbox).filter((record) => record.id === id)).toHaveLength(1);
    expect(receivedSet(sandbox)).toEqual(await journalSet());
  });

  it('keeps going through 500s, timeouts and connection resets, and the host ends up holding exactly the journal', async () => {
    const timeoutMs = 200;
    const { sandbox, host } = await world(timeoutMs);
    const time = fakeTime();
    await appendEntries(95, time.now());
    // The fate of the relay's n-th call: three 500s, three calls the host carries out but
    // answers too late, three connection resets, then healthy.
    const fates = ['500', '500', '500', 'late', 'late', 'late', 'reset', 'reset', 'reset'];
    const seen: string[] = [];
    /** How many times the host carried out a create for each id. */
    const applied = new Map<string, number>();
    server.use(
      http.post(GRAPHQL_URL, async ({ request }) => {
        const text = await request.clone().text();
        const body = JSON.parse(text) as {
          query?: string;
          variables?: { data?: { id: string }[] };
        };
        if (body.query?.includes('createTiergateAuditEntries') !== true) return undefined;
        const fate = fates[seen.length] ?? 'healthy';
        seen.push(fate);
        if (fate === '500')
          return HttpResponse.json({ errors: [{ message: 'boom' }] }, { status: 500 });
        if (fate === 'reset') return HttpResponse.error();
        const result = await answer(sandbox.serverOptions, {
          method: 'POST',
          path: '/graphql',
          authorization: request.headers.get('authorization') ?? undefined,
          readBody: () => Promise.resolve(text),
        });
        if (result.status === 200)
          for (const record of body.variables?.data ?? [])
            applied.set(record.id, (applied.get(record.id) ?? 0) + 1);
        if (fate === 'late') await delay(timeoutMs * 5);
        return HttpResponse.json(result.body as Record<string, unknown>, { status: result.status });
      }),
    );
    const parked: ClaimedOutboxRow[] = [];
    const relay = new OutboxRelay(
      store,
      host,
      relayOptions(time, {
        batchSize: 40,
        maxAttempts: 50,
        onParked: (row) => {
          parked.push(row);
        },
      }),
    );

    const runs = await drain(relay, time);
    await sandbox.settle();

    expect(seen.slice(0, fates.length)).toEqual(fates);
    expect(runs.reduce((n, run) => n + run.delivered, 0)).toBe(95);
    expect(runs.reduce((n, run) => n + run.failed, 0)).toBeGreaterThanOrEqual(fates.length * 40);
    expect(parked).toEqual([]);
    // Redelivered for real: the host carried out the same create more than once ...
    expect([...applied.values()].filter((times) => times > 1).length).toBeGreaterThan(0);
    // ... and still holds each entry once: none lost, none twice.
    expect(auditRecords(sandbox)).toHaveLength(95);
    expect(receivedSet(sandbox)).toEqual(await journalSet());
    const rows = await readJournalRows(store.db, 1, 1_000);
    for (const row of rows)
      expect((await findOutboxEntry(store.db, row.seq))?.status, `entry ${row.seq}`).toBe(
        'delivered',
      );
  });

  it('runs until aborted, sleeping through the backoff, and delivers what was appended while it ran', async () => {
    const { sandbox, host } = await world();
    const time = fakeTime();
    await appendEntries(10, time.now());
    let failures = 2;
    server.use(
      http.post(GRAPHQL_URL, () => {
        if (failures === 0) return undefined;
        failures--;
        return HttpResponse.error();
      }),
    );
    const stop = new AbortController();
    const slept: number[] = [];
    let appended = false;
    const relay = new OutboxRelay(
      store,
      host,
      relayOptions(time, {
        idleMs: 1_000,
        sleep: async (ms) => {
          slept.push(ms);
          await time.sleep(ms);
          if (!appended) {
            if (ms === 1_000) {
              appended = true;
              await appendEntries(3, time.now());
            }
          } else if (ms === 1_000) stop.abort();
        },
      }),
    );

    await relay.run(stop.signal);
    await sandbox.settle();

    // Two failed attempts back off 50 then 100 ms (half of 100 · 2^(n-1), random 0.5).
    expect(slept).toEqual([50, 100, 1_000, 1_000]);
    expect(auditRecords(sandbox)).toHaveLength(13);
    expect(receivedSet(sandbox)).toEqual(await journalSet());
  });

  it('never parks a row while the host is down, however long, and delivers every entry once when it is back', async () => {
    const { sandbox, host } = await world();
    const time = fakeTime();
    await appendEntries(37, time.now());
    let down = true;
    server.use(http.post(GRAPHQL_URL, () => (down ? HttpResponse.error() : undefined)));
    const parked: ClaimedOutboxRow[] = [];
    const relay = new OutboxRelay(
      store,
      host,
      relayOptions(time, {
        backoff: { baseMs: 1_000, maxMs: 60_000 },
        batchSize: 10,
        maxAttempts: 3,
        onParked: (row) => void parked.push(row),
      }),
    );

    // An outage far longer than maxAttempts retries at the backoff's cap.
    const outageEnds = time.now().getTime() + 60 * 60_000;
    let runs = 0;
    while (time.now().getTime() < outageEnds) {
      const run = await relay.runOnce();
      runs++;
      expect(run).toMatchObject({ delivered: 0, parked: 0 });
      expect(run.retryInMs ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(60_000);
      time.advance(Math.max(run.retryInMs ?? 0, 1));
    }
    expect(runs).toBeGreaterThan(50);
    const first = await findOutboxEntry(store.db, 1);
    expect(first).toMatchObject({ status: 'pending', strikes: 0 });
    expect(first?.attempts).toBeGreaterThan(3);

    down = false;
    time.advance(60_000);
    await drain(relay, time);
    await sandbox.settle();

    expect(parked).toEqual([]);
    expect(auditRecords(sandbox)).toHaveLength(37);
    expect(receivedSet(sandbox)).toEqual(await journalSet());
    for (let seq = 1; seq <= 37; seq++)
      expect((await findOutboxEntry(store.db, seq))?.status, `entry ${seq}`).toBe('delivered');
  });

  it('backs off exponentially with full jitter up to maxMs while the host answers 503', async () => {
    server.use(
      http.post(GRAPHQL_URL, () =>
        HttpResponse.json({ errors: [{ message: 'down' }] }, { status: 503 }),
      ),
    );
    const host = connectHost({ baseUrl: BASE_URL, token: ADMIN_KEY, retry: { attempts: 1 } });
    const time = fakeTime();
    await appendEntries(1, time.now());
    const relay = new OutboxRelay(store, host, relayOptions(time, { maxAttempts: 2 }));

    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      const before = time.now().getTime();
      expect(await relay.runOnce()).toMatchObject({ delivered: 0, failed: 1, parked: 0 });
      const entry = await findOutboxEntry(store.db, 1);
      delays.push((entry?.nextAttemptAt.getTime() ?? Number.NaN) - before);
      time.advance(delays.at(-1) ?? 0);
    }
    expect(delays).toEqual([50, 100, 200, 400, 500, 500, 500]);
    expect(await findOutboxEntry(store.db, 1)).toMatchObject({
      status: 'pending',
      attempts: 7,
      strikes: 0,
      lastError: 'TiergateAuditRelay (HTTP 503): down',
    });
  });

  it('parks an entry the host refuses after maxAttempts refusals, alerts once, and keeps its message', async () => {
    server.use(
      http.post(GRAPHQL_URL, () =>
        HttpResponse.json(
          { errors: [{ message: 'Invalid value', extensions: { code: 'BAD_USER_INPUT' } }] },
          { status: 400 },
        ),
      ),
    );
    const host = connectHost({ baseUrl: BASE_URL, token: ADMIN_KEY, retry: { attempts: 1 } });
    const time = fakeTime();
    await appendEntries(1, time.now());
    const alerts: { seq: number; error: string }[] = [];
    const lines: string[] = [];
    const relay = new OutboxRelay(
      store,
      host,
      relayOptions(time, {
        maxAttempts: 3,
        log: (line) => lines.push(line),
        onParked: (row, error) => {
          alerts.push({ seq: row.entry.journalSeq, error });
        },
      }),
    );

    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await relay.runOnce()).toMatchObject({ delivered: 0, failed: 1, parked: 0 });
      time.advance(1_000);
    }
    expect(await relay.runOnce()).toEqual({ delivered: 0, failed: 0, parked: 1 });
    time.advance(60_000);
    expect(await relay.runOnce()).toEqual({ delivered: 0, failed: 0, parked: 0 });

    const error = 'TiergateAuditRelay (HTTP 400) [BAD_USER_INPUT]: Invalid value';
    expect(alerts).toEqual([{ seq: 1, error }]);
    expect(await findOutboxEntry(store.db, 1)).toMatchObject({
      status: 'dead',
      strikes: 3,
      lastError: error,
    });
    expect(
      lines.filter((line) => line.includes('parked journal entry 1 after 3 attempts')),
    ).toHaveLength(1);
  });

  it("never parks for a refusal that is not the entry's own (a key without access), and says what to fix", async () => {
    server.use(
      http.post(GRAPHQL_URL, () =>
        HttpResponse.json({ errors: [{ message: 'Forbidden resource' }] }, { status: 403 }),
      ),
    );
    const host = connectHost({ baseUrl: BASE_URL, token: ADMIN_KEY });
    const time = fakeTime();
    await appendEntries(1, time.now());
    const lines: string[] = [];
    const alerts: string[] = [];
    const relay = new OutboxRelay(
      store,
      host,
      relayOptions(time, {
        maxAttempts: 2,
        log: (line) => lines.push(line),
        onBlocked: (line) => alerts.push(line),
      }),
    );

    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await relay.runOnce()).toMatchObject({ delivered: 0, failed: 1, parked: 0 });
      time.advance(1_000);
    }
    expect(await findOutboxEntry(store.db, 1)).toMatchObject({
      status: 'pending',
      attempts: 5,
      strikes: 0,
      lastError: 'TiergateAuditRelay (HTTP 403): Forbidden resource',
    });
    expect(lines[0]).toMatch(/cannot write the audit object: check Tiergate's API key/);
    // The mirror has stopped: said once as an alert, not once a retry.
    expect(alerts).toEqual([expect.stringMatching(/cannot write the audit object/)]);
  });

  it('retries within seconds after an error of the store, and gives back the rows it had claimed at once', async () => {
    const { sandbox, host } = await world();
    const time = fakeTime();
    await appendEntries(4, time.now());
    let storeDown = false;
    const flaky = {
      get db() {
        if (storeDown) throw new Error('Connection terminated unexpectedly');
        return store.db;
      },
    };
    // The store fails right after the host took the batch, before the relay marks it.
    let creates = 0;
    server.use(
      http.post(GRAPHQL_URL, async ({ request }) => {
        const text = await request.clone().text();
        if (text.includes('createTiergateAuditEntries') && ++creates === 1) storeDown = true;
        return undefined;
      }),
    );
    const stop = new AbortController();
    const slept: number[] = [];
    const relay = new OutboxRelay(
      flaky,
      host,
      relayOptions(time, {
        // The host's backoff as the server sets it: a store error must not wait that long.
        backoff: { baseMs: 1_000, maxMs: 60_000 },
        leaseMs: 5 * 60_000,
        sleep: async (ms) => {
          slept.push(ms);
          await time.sleep(ms);
          storeDown = false;
          if (slept.length === 2) stop.abort();
        },
      }),
    );

    await relay.run(stop.signal);
    await sandbox.settle();

    expect(slept[0]).toBeLessThanOrEqual(5_000);
    // Delivered on the run right after, not when the 5-minute lease ends.
    expect(receivedSet(sandbox)).toEqual(await journalSet());
    for (let seq = 1; seq <= 4; seq++)
      expect(await findOutboxEntry(store.db, seq), `entry ${seq}`).toMatchObject({
        status: 'delivered',
        strikes: 0,
      });
  });

  it('sends a refused batch row by row, so the one entry the host refuses does not hold back the rest', async () => {
    const { sandbox, host } = await world();
    const time = fakeTime();
    const entries = await appendEntries(6, time.now());
    const refused = auditRecordId((entries[3] as JournalRow).hash);
    server.use(
      http.post(GRAPHQL_URL, async ({ request }) => {
        const text = await request.clone().text();
        if (!text.includes(refused)) return undefined;
        return HttpResponse.json(
          {
            errors: [
              { message: 'Invalid value for field before', extensions: { code: 'BAD_USER_INPUT' } },
            ],
          },
          { status: 400 },
        );
      }),
    );
    const relay = new OutboxRelay(store, host, relayOptions(time));

    expect(await relay.runOnce()).toEqual({ delivered: 5, failed: 1, parked: 0, retryInMs: 50 });
    await sandbox.settle();

    expect(
      auditRecords(sandbox)
        .map((record) => record.sequence)
        .sort(),
    ).toEqual([1, 2, 3, 5, 6]);
    expect(await findOutboxEntry(store.db, 4)).toMatchObject({
      status: 'pending',
      lastError: 'TiergateAuditRelay (HTTP 400) [BAD_USER_INPUT]: Invalid value for field before',
    });
  });
});
