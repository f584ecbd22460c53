/**
 * The store's operations for the journal's readers and for harnesses, on PGlite and PostgreSQL
 * alike: what audit verification, readiness probes and the fault suite ask of the store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase, terminateConnections } from './databases.js';
import { inboxDedupeKey, insertManyIfNew, type NewInboxEvent } from './inbox.js';
import { recordEvents } from './inbox-admin.js';
import {
  appendCheckpoint,
  appendJournalRows,
  countUnmirroredCheckpoints,
  listCheckpoints,
  lockJournal,
  markCheckpointsMirrored,
  type JournalRow,
} from './journal-rows.js';
import { claimOutbox, deliveredJournalSeqs, markDelivered } from './outbox.js';
import { emptyStore, storeBackends, testServer } from './store.test-support.js';
import { openStore, pingStore, type Store } from './store.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

function journalRows(count: number): JournalRow[] {
  let prevHash = '0'.repeat(64);
  return Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    const row: JournalRow = {
      seq,
      at: `2026-03-01T12:00:0${seq}.000Z`,
      actor: 'm-alice',
      action: 'policy.apply',
      target: `role:sales-rep#${seq}`,
      before: null,
      after: '{"a":1}',
      reason: null,
      prevHash,
      hash: sha(`row ${seq}`),
    };
    prevHash = row.hash;
    return row;
  });
}

function rowAt(rows: readonly JournalRow[], seq: number): JournalRow {
  const row = rows[seq - 1];
  if (row === undefined) throw new Error(`no row ${seq}`);
  return row;
}

const checkpointOf = (row: JournalRow) => ({
  seq: row.seq,
  hash: row.hash,
  at: row.at,
  keyId: 'k1',
  signature: `sig-${row.seq}`,
});

function inboxEvent(recordId: string, eventName: string, minute: number): NewInboxEvent {
  const eventDate = new Date(T0.getTime() + minute * 60_000).toISOString();
  return {
    body: JSON.stringify({ recordId, eventName, eventDate }),
    dedupeKey: inboxDedupeKey({ webhookId: 'wh-1', eventName, recordId, eventDate }),
    eventName,
    objectName: 'company',
    recordId,
    receivedAt: T0,
  };
}

describe.each(storeBackends())('store operations on $name', (backend) => {
  let store: Store;
  let other: Store;

  beforeAll(async () => {
    ({ store, other } = await backend.setup());
    await store.migrate();
  }, 120_000);
  afterAll(() => backend.teardown());
  beforeEach(() => emptyStore(store));

  it('answers a ping', async () => {
    await expect(pingStore(store)).resolves.toBeUndefined();
  });

  it('lists every checkpoint by seq with whether it was mirrored, and counts those that were not', async () => {
    const rows = journalRows(5);
    await appendJournalRows(store.db, rows);
    expect(await listCheckpoints(store.db)).toEqual([]);
    expect(await countUnmirroredCheckpoints(store.db)).toBe(0);
    await appendCheckpoint(store.db, checkpointOf(rowAt(rows, 5)));
    await appendCheckpoint(store.db, checkpointOf(rowAt(rows, 2)));
    await markCheckpointsMirrored(store.db, [2], T0);
    expect(await listCheckpoints(store.db)).toEqual([
      { ...checkpointOf(rowAt(rows, 2)), mirrored: true },
      { ...checkpointOf(rowAt(rows, 5)), mirrored: false },
    ]);
    expect(await countUnmirroredCheckpoints(store.db)).toBe(1);
  });

  it('names the journal seqs delivered to the host, lowest first', async () => {
    await appendJournalRows(store.db, journalRows(3), { outbox: true, now: T0 });
    expect(await deliveredJournalSeqs(store.db)).toEqual([]);
    await claimOutbox(store.db, { limit: 3, leaseMs: 60_000, now: T0 });
    await markDelivered(store.db, 3, T0);
    await markDelivered(store.db, 1, T0);
    expect(await deliveredJournalSeqs(store.db)).toEqual([1, 3]);
  });

  it("gives one record's events in the order received, without those of other records", async () => {
    await insertManyIfNew(store.db, [
      inboxEvent('c-1', 'company.created', 0),
      inboxEvent('c-2', 'company.created', 1),
      inboxEvent('c-1', 'company.updated', 2),
    ]);
    const history = await recordEvents(store.db, 'company', 'c-1');
    expect(history.map((e) => [e.eventName, e.status, e.swept])).toEqual([
      ['company.created', 'pending', false],
      ['company.updated', 'pending', false],
    ]);
    expect(history[0]?.id).toBeLessThan(history[1]?.id ?? 0);
    expect(history[0]?.receivedAt).toEqual(T0);
    expect(await recordEvents(store.db, 'company', 'c-3')).toEqual([]);
  });

  it("holds the journal's lock until the transaction ends", async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = store.transaction(async (trx) => {
      await lockJournal(trx);
      order.push('first locked');
      await held;
      order.push('first done');
    });
    // PGlite serves one connection: the second transaction waits for the first whatever the lock.
    const second = other.transaction(async (trx) => {
      await lockJournal(trx);
      order.push('second locked');
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first done', 'second locked']);
  });
});

describe('databases on the PostgreSQL server', () => {
  it('creates a database, ends the connections of one application to it, and drops it', async () => {
    const server = testServer();
    const admin = await openStore({ databaseUrl: server.url, databaseUrlName: server.from });
    const name = `tiergate_ops_${randomBytes(6).toString('hex')}`;
    try {
      await createDatabase(admin.db, name);
      const url = new URL(server.url);
      url.pathname = `/${name}`;
      url.searchParams.set('application_name', 'tiergate-ops-test');
      const client = await openStore({ databaseUrl: url.toString() });
      try {
        await pingStore(client);
        const ended = await terminateConnections(admin.db, {
          database: name,
          applicationName: 'tiergate-ops-test',
        });
        expect(ended).toBeGreaterThanOrEqual(1);
        expect(
          await terminateConnections(admin.db, { database: name, applicationName: 'nobody' }),
        ).toBe(0);
      } finally {
        await client.close().catch(() => undefined);
      }
    } finally {
      await dropDatabase(admin.db, name);
      await dropDatabase(admin.db, name);
      await admin.close();
    }
  });
});
