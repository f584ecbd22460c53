/**
 * The store's contract: every behaviour the rest of Tiergate relies on, asserted on PGlite and
 * on PostgreSQL alike (see `store.test-support.ts` for how each engine is provided).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getSweepCursor, setSweepCursor } from './cursors.js';
import {
  claimEvents,
  completeEvent,
  countEventsByStatus,
  failEvent,
  findEvent,
  inboxDedupeKey,
  insertIfNew,
  insertManyIfNew,
  recordVersion,
  SWEEP_WEBHOOK_ID,
  type NewInboxEvent,
} from './inbox.js';
import {
  allJournalRows,
  appendCheckpoint,
  appendJournalRows,
  lastCheckpoint,
  lastJournalRow,
  checkpointsToMirror,
  markCheckpointsMirrored,
  readJournalRows,
  type JournalRow,
} from './journal-rows.js';
import {
  claimOutbox,
  findOutboxEntry,
  markDelivered,
  deliveredThrough,
  markOutboxFailed,
  outboxSummary,
  releaseOutboxClaims,
  requeueDeadOutbox,
} from './outbox.js';
import { StoreError } from './store-error.js';
import { emptyStore, storeBackends } from './store.test-support.js';
import { openStore, type MigrationReport, type Store } from './store.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const later = (ms: number): Date => new Date(T0.getTime() + ms);
const LEASE = 60_000;

let eventCounter = 0;
function event(objectName: string, recordId: string): NewInboxEvent {
  eventCounter++;
  const eventDate = later(eventCounter).toISOString();
  return {
    body: JSON.stringify({ objectName, recordId, eventDate, n: eventCounter }),
    dedupeKey: inboxDedupeKey({
      webhookId: 'wh-1',
      eventName: `${objectName}.updated`,
      recordId,
      eventDate,
    }),
    eventName: `${objectName}.updated`,
    objectName,
    recordId,
    receivedAt: T0,
  };
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
function journalRow(seq: number): JournalRow {
  return {
    seq,
    at: `2026-03-01T12:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    actor: 'm-alice',
    action: 'policy.apply',
    target: `role:sales-rep#${seq}`,
    // Key order is part of the hashed bytes: it must come back exactly as written.
    before: seq === 1 ? null : '{"z":1,"a":{"y":2,"b":3}}',
    after: '{"b":[3,2,1],"a":null}',
    reason: seq % 2 === 0 ? 'quarterly review' : null,
    prevHash: seq === 1 ? '0'.repeat(64) : sha(`row ${seq - 1}`),
    hash: sha(`row ${seq}`),
  };
}
const journalRows = (from: number, to: number): JournalRow[] =>
  Array.from({ length: to - from + 1 }, (_, i) => journalRow(from + i));

describe.each(storeBackends())('the store on $name', (backend) => {
  let store: Store;
  let other: Store;
  let firstMigration: MigrationReport;

  beforeAll(async () => {
    ({ store, other } = await backend.setup());
    firstMigration = await store.migrate();
  }, 120_000);
  afterAll(() => backend.teardown());
  beforeEach(() => emptyStore(store));

  describe('migrations', () => {
    it('creates every table on a fresh database, and a second migrate applies nothing', async () => {
      expect(store.kind).toBe(backend.kind);
      expect(firstMigration.applied).toEqual([
        '0001_initial',
        '0002_inbox_record_version',
        '0003_checkpoint_mirrored',
        '0004_intake_event_identity',
        '0005_sweep_known_ids',
        '0006_relay_outbox_strikes',
      ]);
      expect(await store.migrate()).toEqual({ applied: [] });
      expect(await other.migrate()).toEqual({ applied: [] });
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables
        where table_schema = current_schema() and table_name like 'tiergate%'
        order by table_name`.execute(store.db);
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'tiergate_audit_checkpoint',
        'tiergate_audit_journal',
        'tiergate_audit_outbox',
        'tiergate_migration',
        'tiergate_migration_lock',
        'tiergate_sweep_cursor',
        'tiergate_sweep_known',
        'tiergate_sweep_lease',
        'tiergate_webhook_inbox',
      ]);
    });
  });

  describe('webhook inbox', () => {
    it('stores a new event once and reports the same body again as a duplicate', async () => {
      const first = event('person', 'p-1');
      expect(await insertIfNew(store.db, first)).toBe('inserted');
      expect(await insertIfNew(store.db, { ...first, dedupeKey: 'another key' })).toBe('duplicate');
      expect(await countEventsByStatus(store.db)).toEqual({
        pending: 1,
        processing: 0,
        done: 0,
        dead: 0,
      });
    });

    it('stores a version the sweep read once, whether its webhook came first or later', async () => {
      const version = '2026-03-01T12:00:00.000Z';
      const webhook = { ...event('person', 'p-1'), recordVersion: version };
      expect(await insertIfNew(store.db, webhook)).toBe('inserted');
      const swept = (v: string | null, id = 'p-1') => ({
        ...event('person', id),
        dedupeKey: inboxDedupeKey({
          webhookId: SWEEP_WEBHOOK_ID,
          eventName: 'person.updated',
          recordId: id,
          eventDate: v ?? 'none',
        }),
        recordVersion: v,
      });
      expect(
        await insertIfNew(store.db, swept(recordVersion({ updatedAt: '2026-03-01T12:00:00Z' }))),
      ).toBe('duplicate');
      expect(await insertIfNew(store.db, swept('2026-03-01T12:00:01.000Z'))).toBe('inserted');
      // The webhook of a version the sweep read first adds nothing either.
      expect(await insertIfNew(store.db, swept('2026-03-01T12:00:02.000Z', 'p-2'))).toBe(
        'inserted',
      );
      const late = { ...event('person', 'p-2'), recordVersion: '2026-03-01T12:00:02.000Z' };
      expect(await insertIfNew(store.db, late)).toBe('duplicate');
      // Two deliveries that carry the same version are two events.
      expect(
        await insertIfNew(store.db, { ...event('person', 'p-1'), recordVersion: version }),
      ).toBe('inserted');
      expect(recordVersion({ updatedAt: 'not a date' })).toBeNull();
      // A soft deletion is a version of its own, even when it leaves updatedAt alone.
      expect(
        recordVersion({ updatedAt: '2026-03-01T12:00:01Z', deletedAt: '2026-03-02T08:00:00Z' }),
      ).toBe('2026-03-01T12:00:01.000Z deleted 2026-03-02T08:00:00.000Z');
    });

    it('stores every delete, restore and destroy of one record, though they share versions', async () => {
      const live = recordVersion({ updatedAt: '2026-03-01T12:00:00Z' });
      const gone = recordVersion({
        updatedAt: '2026-03-01T12:00:00Z',
        deletedAt: '2026-03-01T13:00:00Z',
      });
      const delivery = (action: string, version: string | null) => {
        const base = event('deal', 'd-1');
        return {
          ...base,
          eventName: `deal.${action}`,
          dedupeKey: inboxDedupeKey({
            webhookId: 'wh-1',
            eventName: `deal.${action}`,
            recordId: 'd-1',
            eventDate: base.body,
          }),
          recordVersion: version,
        };
      };
      // delete, restore, delete, restore, delete, destroy: a restore that does not move
      // updatedAt brings back the version first created, and the destroy carries the deletion's.
      const sequence = [
        delivery('created', live),
        delivery('deleted', gone),
        delivery('restored', live),
        delivery('deleted', gone),
        delivery('restored', live),
        delivery('deleted', gone),
        delivery('destroyed', gone),
      ];
      const results = [];
      for (const e of sequence) results.push(await insertIfNew(store.db, e));
      expect(results).toEqual(sequence.map(() => 'inserted'));
      // The same again in one batch, for another record, with several destroys of one record
      // (a record id reused by an import, say).
      const batch = [...sequence, delivery('destroyed', gone), delivery('destroyed', gone)].map(
        (e) => ({
          ...e,
          recordId: 'd-2',
          body: e.body.replace('d-1', 'd-2'),
          dedupeKey: e.dedupeKey.replace('d-1', 'd-2'),
        }),
      );
      expect(await insertManyIfNew(store.db, batch)).toEqual(batch.map(() => 'inserted'));
      // Redelivered, every one is a duplicate.
      expect(await insertManyIfNew(store.db, batch)).toEqual(batch.map(() => 'duplicate'));
      expect((await countEventsByStatus(store.db)).pending).toBe(sequence.length + batch.length);
    });

    it('stores a destroy the sweep found once, though the deletion before it has its version', async () => {
      const gone = '2026-03-01T12:00:00.000Z deleted 2026-03-01T13:00:00.000Z';
      const swept = (action: string, n: number) => ({
        ...event('deal', 'd-1'),
        eventName: `deal.${action}`,
        dedupeKey: inboxDedupeKey({
          webhookId: SWEEP_WEBHOOK_ID,
          eventName: `deal.${action}`,
          recordId: 'd-1',
          eventDate: String(n),
        }),
        recordVersion: gone,
      });
      const destroyed = {
        ...event('deal', 'd-1'),
        eventName: 'deal.destroyed',
        recordVersion: gone,
      };
      expect(await insertIfNew(store.db, swept('deleted', 1))).toBe('inserted');
      expect(await insertIfNew(store.db, swept('destroyed', 2))).toBe('inserted');
      // Found again by a later sweep, or its webhook arriving late: the same destroy.
      expect(await insertIfNew(store.db, swept('destroyed', 3))).toBe('duplicate');
      expect(await insertIfNew(store.db, destroyed)).toBe('duplicate');
      // A destroy delivered first: the sweep finding it adds nothing.
      const other = (e: NewInboxEvent) => ({
        ...e,
        recordId: 'd-2',
        body: `${e.body} `,
        dedupeKey: e.dedupeKey.replace('d-1', 'd-2'),
      });
      expect(await insertIfNew(store.db, other({ ...destroyed, body: `${destroyed.body}x` }))).toBe(
        'inserted',
      );
      expect(await insertIfNew(store.db, other(swept('destroyed', 4)))).toBe('duplicate');
    });

    it('takes a restore as the sweep’s reading only when that reading is the latest thing known', async () => {
      const live = '2026-03-01T12:00:00.000Z';
      const sweepOf = (version: string, n: number, readAt = later(10_000)) => ({
        ...event('deal', 'd-1'),
        receivedAt: readAt,
        dedupeKey: inboxDedupeKey({
          webhookId: SWEEP_WEBHOOK_ID,
          eventName: 'deal.updated',
          recordId: 'd-1',
          eventDate: String(n),
        }),
        recordVersion: version,
      });
      const delivery = (action: string, version: string) => ({
        ...event('deal', 'd-1'),
        eventName: `deal.${action}`,
        recordVersion: version,
      });
      expect(await insertIfNew(store.db, sweepOf(live, 1))).toBe('inserted');
      expect(await insertIfNew(store.db, delivery('deleted', `${live} deleted x`))).toBe(
        'inserted',
      );
      // The restore brings back the version the sweep read before the deletion: a new event.
      expect(await insertIfNew(store.db, delivery('restored', live))).toBe('inserted');
      const moved = '2026-03-01T14:00:00.000Z';
      expect(await insertIfNew(store.db, delivery('deleted', `${moved} deleted y`))).toBe(
        'inserted',
      );
      // The sweep read the restored record before the restore's webhook came: one event.
      expect(await insertIfNew(store.db, sweepOf(moved, 2))).toBe('inserted');
      expect(await insertIfNew(store.db, delivery('restored', moved))).toBe('duplicate');
      // A reading made before a deletion whose webhook was lost, then the restore's webhook:
      // the same version, last known, but read before the restore happened. A new event.
      const kept = '2026-03-01T16:00:00.000Z';
      expect(await insertIfNew(store.db, sweepOf(kept, 3, T0))).toBe('inserted');
      expect(await insertIfNew(store.db, delivery('restored', kept))).toBe('inserted');
      // And a reading of that same version after it is not a change again.
      expect(await insertIfNew(store.db, sweepOf(kept, 4))).toBe('duplicate');
    });

    it('takes a version the sweep read for a restore when a deletion came after the same version', async () => {
      const live = '2026-03-01T12:00:00.000Z';
      const swept = (n: number) => ({
        ...event('deal', 'd-2'),
        dedupeKey: inboxDedupeKey({
          webhookId: SWEEP_WEBHOOK_ID,
          eventName: 'deal.restored',
          recordId: 'd-2',
          eventDate: String(n),
        }),
        eventName: 'deal.restored',
        recordVersion: live,
      });
      const delivery = (action: string, version: string) => ({
        ...event('deal', 'd-2'),
        eventName: `deal.${action}`,
        recordVersion: version,
      });
      expect(await insertIfNew(store.db, delivery('updated', live))).toBe('inserted');
      expect(await insertIfNew(store.db, delivery('deleted', `${live} deleted x`))).toBe(
        'inserted',
      );
      // The restore's webhook was lost; the sweep reads the live record again: a new event.
      expect(await insertIfNew(store.db, swept(1))).toBe('inserted');
      // A reading older than what webhooks already brought adds nothing.
      expect(
        await insertIfNew(store.db, {
          ...swept(2),
          eventName: 'deal.updated',
          recordVersion: '2026-03-01T11:00:00.000Z',
        }),
      ).toBe('duplicate');
    });

    it('reports a redelivery of the same change with a different body as a duplicate', async () => {
      const first = event('person', 'p-1');
      expect(await insertIfNew(store.db, first)).toBe('inserted');
      const redelivered = { ...first, body: first.body.replace('}', ',"nonce":"b"}') };
      expect(await insertIfNew(store.db, redelivered)).toBe('duplicate');
      const [stored] = await claimEvents(store.db, { workerId: 'w', limit: 10, leaseMs: LEASE });
      expect(stored?.body).toBe(first.body);
      expect(stored?.bodySha256).toBe(sha(first.body));
    });

    it("claims oldest first and holds a record's later event back until the earlier one is done", async () => {
      await insertIfNew(store.db, event('person', 'p-1'));
      await insertIfNew(store.db, event('company', 'c-1'));
      await insertIfNew(store.db, event('person', 'p-1'));
      await insertIfNew(store.db, event('person', 'p-2'));
      const claim = () =>
        claimEvents(store.db, { workerId: 'w1', limit: 10, leaseMs: LEASE, now: later(1000) });

      const first = await claim();
      expect(first.map((e) => [e.id, e.objectName, e.recordId])).toEqual([
        [1, 'person', 'p-1'],
        [2, 'company', 'c-1'],
        [4, 'person', 'p-2'],
      ]);
      expect(first[0]).toMatchObject({
        status: 'processing',
        attempts: 1,
        lockedBy: 'w1',
        lockedUntil: later(1000 + LEASE),
        receivedAt: T0,
      });
      expect(await claim()).toEqual([]);
      expect(await completeEvent(store.db, 1, 'w1')).toBe(true);
      expect((await claim()).map((e) => e.id)).toEqual([3]);
    });

    it("holds a record's later event back while the earlier one waits to be retried", async () => {
      await insertIfNew(store.db, event('person', 'p-1'));
      await insertIfNew(store.db, event('person', 'p-1'));
      const [first] = await claimEvents(store.db, { workerId: 'w', limit: 10, leaseMs: LEASE });
      expect(first?.id).toBe(1);
      expect(
        await failEvent(store.db, 1, 'w', { error: 'host said 503', retryAt: later(5000) }),
      ).toBe('pending');

      const before = await claimEvents(store.db, {
        workerId: 'w',
        limit: 10,
        leaseMs: LEASE,
        now: later(4999),
      });
      expect(before).toEqual([]);
      const due = await claimEvents(store.db, {
        workerId: 'w',
        limit: 10,
        leaseMs: LEASE,
        now: later(5000),
      });
      expect(due.map((e) => [e.id, e.attempts, e.lastError])).toEqual([[1, 2, 'host said 503']]);
    });

    it('parks an event as dead after maxAttempts failures, and the dead event no longer holds its record back', async () => {
      await insertIfNew(store.db, event('person', 'p-1'));
      await insertIfNew(store.db, event('person', 'p-1'));
      const outcomes: string[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const claimed = await claimEvents(store.db, {
          workerId: 'w',
          limit: 1,
          leaseMs: LEASE,
          now: later(attempt * 1000),
        });
        expect(claimed.map((e) => [e.id, e.attempts])).toEqual([[1, attempt]]);
        outcomes.push(
          await failEvent(store.db, 1, 'w', {
            error: `failure ${attempt}`,
            retryAt: later(attempt * 1000 + 1),
            maxAttempts: 3,
          }),
        );
      }
      expect(outcomes).toEqual(['pending', 'pending', 'dead']);
      expect(await findEvent(store.db, 1)).toMatchObject({
        status: 'dead',
        attempts: 3,
        lastError: 'failure 3',
        lockedBy: null,
      });
      expect(await countEventsByStatus(store.db)).toEqual({
        pending: 1,
        processing: 0,
        done: 0,
        dead: 1,
      });
      const next = await claimEvents(store.db, {
        workerId: 'w',
        limit: 10,
        leaseMs: LEASE,
        now: later(10_000),
      });
      expect(next.map((e) => e.id)).toEqual([2]);
    });

    it('gives an event whose lease ended to another worker, and refuses the first worker’s late completion', async () => {
      await insertIfNew(store.db, event('person', 'p-1'));
      await claimEvents(store.db, { workerId: 'w1', limit: 1, leaseMs: 1000, now: later(0) });
      expect(
        await claimEvents(store.db, { workerId: 'w2', limit: 1, leaseMs: 1000, now: later(999) }),
      ).toEqual([]);
      const taken = await claimEvents(store.db, {
        workerId: 'w2',
        limit: 1,
        leaseMs: 1000,
        now: later(1000),
      });
      expect(taken.map((e) => [e.id, e.lockedBy, e.attempts])).toEqual([[1, 'w2', 2]]);
      expect(await completeEvent(store.db, 1, 'w1')).toBe(false);
      expect(await failEvent(store.db, 1, 'w1', { error: 'late', retryAt: later(0) })).toBe(
        'not-claimed',
      );
      expect(await completeEvent(store.db, 1, 'w2')).toBe(true);
      expect((await findEvent(store.db, 1))?.status).toBe('done');
    });

    it('parks an event as dead when its lease ends with no attempts left', async () => {
      await insertIfNew(store.db, event('person', 'p-1'));
      await claimEvents(store.db, {
        workerId: 'w1',
        limit: 1,
        leaseMs: 1000,
        now: later(0),
        maxAttempts: 1,
      });
      const again = await claimEvents(store.db, {
        workerId: 'w2',
        limit: 1,
        leaseMs: 1000,
        now: later(1000),
        maxAttempts: 1,
      });
      expect(again).toEqual([]);
      expect(await findEvent(store.db, 1)).toMatchObject({
        status: 'dead',
        lastError: 'lease expired after 1 attempts',
      });
    });

    it("two workers claiming at once never get the same event nor hold one record's events together", async () => {
      const records = 10;
      const perRecord = 4;
      for (let i = 0; i < records * perRecord; i++)
        await insertIfNew(store.db, event('opportunity', `o-${i % records}`));
      const total = records * perRecord;

      const claimedIds: number[] = [];
      const inFlight = new Set<string>();
      const overlaps: string[] = [];
      const completedPerRecord = new Map<string, number[]>();
      let completed = 0;
      const work = async (worker: Store, workerId: string): Promise<void> => {
        while (completed < total) {
          const batch = await claimEvents(worker.db, { workerId, limit: 3, leaseMs: LEASE });
          if (batch.length === 0) {
            await new Promise((resolve) => setImmediate(resolve));
            continue;
          }
          for (const e of batch) {
            if (inFlight.has(e.recordId)) overlaps.push(`${workerId} got ${e.id} of ${e.recordId}`);
            inFlight.add(e.recordId);
            claimedIds.push(e.id);
          }
          for (const e of batch) {
            // Leave the record before the completion commits: from then on the next event of
            // the record may be claimed, and must not be found in flight.
            inFlight.delete(e.recordId);
            expect(await completeEvent(worker.db, e.id, workerId)).toBe(true);
            completedPerRecord.set(e.recordId, [
              ...(completedPerRecord.get(e.recordId) ?? []),
              e.id,
            ]);
            completed++;
          }
        }
      };
      // On PostgreSQL each worker has its own pool; PGlite has one session, shared.
      await Promise.all([work(store, 'worker-a'), work(other, 'worker-b')]);

      expect(overlaps).toEqual([]);
      expect([...claimedIds].sort((a, b) => a - b)).toEqual(
        Array.from({ length: total }, (_, i) => i + 1),
      );
      for (const ids of completedPerRecord.values())
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect((await countEventsByStatus(store.db)).done).toBe(total);
    });
  });

  describe('audit journal and outbox', () => {
    it('appends rows with their outbox rows and reads them back exactly, in seq order, in batches', async () => {
      await appendJournalRows(store.db, journalRows(1, 4), { outbox: true, now: T0 });
      await appendJournalRows(store.db, journalRows(5, 7), { outbox: true, now: T0 });

      const all: JournalRow[] = [];
      for await (const row of allJournalRows(store.db, { batchSize: 3 })) all.push(row);
      expect(all).toEqual(journalRows(1, 7));
      expect(await readJournalRows(store.db, 3, 2)).toEqual(journalRows(3, 4));
      expect(await lastJournalRow(store.db)).toEqual(journalRow(7));
      expect(await findOutboxEntry(store.db, 7)).toEqual({
        journalSeq: 7,
        status: 'pending',
        attempts: 0,
        strikes: 0,
        nextAttemptAt: T0,
        lastError: null,
        deliveredAt: null,
      });
    });

    it('has no last row and yields nothing while the journal is empty', async () => {
      expect(await lastJournalRow(store.db)).toBeUndefined();
      const all: JournalRow[] = [];
      for await (const row of allJournalRows(store.db)) all.push(row);
      expect(all).toEqual([]);
    });

    it('rolls a journal row and its outbox row back together when the transaction fails', async () => {
      await appendJournalRows(store.db, journalRows(1, 1), { outbox: true });
      const failing = store.transaction(async (trx) => {
        await appendJournalRows(trx, journalRows(2, 3), { outbox: true });
        expect(await findOutboxEntry(trx, 3)).toBeDefined();
        throw new Error('the caller failed after appending');
      });
      await expect(failing).rejects.toThrow('the caller failed after appending');
      expect((await lastJournalRow(store.db))?.seq).toBe(1);
      expect(await findOutboxEntry(store.db, 1)).toBeDefined();
      expect(await findOutboxEntry(store.db, 2)).toBeUndefined();

      await store.transaction((trx) => appendJournalRows(trx, journalRows(2, 3), { outbox: true }));
      expect((await lastJournalRow(store.db))?.seq).toBe(3);
      expect((await findOutboxEntry(store.db, 3))?.status).toBe('pending');
    });

    it('leaves nothing behind when one row of an append is refused', async () => {
      await appendJournalRows(store.db, journalRows(1, 1), { outbox: true });
      const clash = { ...journalRow(3), hash: journalRow(1).hash };
      await expect(
        appendJournalRows(store.db, [journalRow(2), clash], { outbox: true }),
      ).rejects.toThrow(StoreError);
      expect((await lastJournalRow(store.db))?.seq).toBe(1);
      expect(await findOutboxEntry(store.db, 2)).toBeUndefined();
    });

    it('refuses an append that would leave a gap in seq or reuse one', async () => {
      await appendJournalRows(store.db, journalRows(1, 2));
      await expect(appendJournalRows(store.db, [journalRow(4)])).rejects.toThrow(
        'journal append must start at seq 3, not 4',
      );
      await expect(appendJournalRows(store.db, [journalRow(2)])).rejects.toThrow(
        'journal append must start at seq 3, not 2',
      );
      await expect(appendJournalRows(store.db, [journalRow(3), journalRow(5)])).rejects.toThrow(
        'journal rows must have consecutive seqs: 5 follows 3',
      );
      await expect(appendJournalRows(store.db, [{ ...journalRow(1), seq: 0 }])).rejects.toThrow(
        StoreError,
      );
      expect((await lastJournalRow(store.db))?.seq).toBe(2);
    });

    it('lets only one of two concurrent appends take the next seq', async () => {
      await appendJournalRows(store.db, journalRows(1, 1));
      const results = await Promise.allSettled([
        appendJournalRows(store.db, [journalRow(2)], { outbox: true }),
        appendJournalRows(other.db, [{ ...journalRow(2), hash: sha('a rival row 2') }], {
          outbox: true,
        }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected');
      expect(refused?.reason).toBeInstanceOf(StoreError);
      expect(await readJournalRows(store.db, 1, 10)).toHaveLength(2);
      expect(await findOutboxEntry(store.db, 2)).toBeDefined();
    });

    it('claims due outbox rows with their journal rows, retries them, delivers them and parks the undeliverable', async () => {
      await appendJournalRows(store.db, journalRows(1, 3), { outbox: true, now: T0 });
      const claimed = await claimOutbox(store.db, { limit: 2, leaseMs: LEASE, now: T0 });
      expect(claimed.map((c) => [c.entry.journalSeq, c.entry.attempts])).toEqual([
        [1, 1],
        [2, 1],
      ]);
      expect(claimed[0]?.row).toEqual(journalRow(1));
      expect(claimed[0]?.entry.nextAttemptAt).toEqual(later(LEASE));

      // Claimed rows are leased: a second relay gets only the third.
      const second = await claimOutbox(other.db, { limit: 10, leaseMs: LEASE, now: later(1) });
      expect(second.map((c) => c.entry.journalSeq)).toEqual([3]);

      expect(await markDelivered(store.db, 1, later(2))).toBe(true);
      expect(await markDelivered(store.db, 1, later(3))).toBe(false);
      expect(await findOutboxEntry(store.db, 1)).toMatchObject({
        status: 'delivered',
        deliveredAt: later(2),
      });

      expect(
        await markOutboxFailed(store.db, 2, {
          error: 'HTTP 400 refused',
          retryAt: later(100),
          counts: true,
          maxAttempts: 2,
        }),
      ).toBe('pending');
      const retried = await claimOutbox(store.db, { limit: 10, leaseMs: LEASE, now: later(100) });
      expect(retried.map((c) => [c.entry.journalSeq, c.entry.attempts])).toEqual([[2, 2]]);
      expect(
        await markOutboxFailed(store.db, 2, {
          error: 'HTTP 400 refused again',
          retryAt: later(200),
          counts: true,
          maxAttempts: 2,
        }),
      ).toBe('dead');
      expect(await findOutboxEntry(store.db, 2)).toMatchObject({
        status: 'dead',
        lastError: 'HTTP 400 refused again',
      });
      expect(await markDelivered(store.db, 2)).toBe(false);
      // Row 3's relay never reported back: once its lease ends it is due again; 1 and 2 are not.
      const afterLease = await claimOutbox(store.db, {
        limit: 10,
        leaseMs: LEASE,
        now: later(LEASE + 1),
      });
      expect(afterLease.map((c) => [c.entry.journalSeq, c.entry.attempts])).toEqual([[3, 2]]);
    });

    it('keeps signed checkpoints and returns the latest', async () => {
      await appendJournalRows(store.db, journalRows(1, 5));
      expect(await lastCheckpoint(store.db)).toBeUndefined();
      const checkpoint = (seq: number) => ({
        seq,
        hash: journalRow(seq).hash,
        at: journalRow(seq).at,
        keyId: 'k1',
        signature: `sig-${seq}`,
      });
      await appendCheckpoint(store.db, checkpoint(2));
      await appendCheckpoint(store.db, checkpoint(5));
      expect(await lastCheckpoint(store.db)).toEqual(checkpoint(5));
      await expect(appendCheckpoint(store.db, checkpoint(5))).rejects.toThrow();
    });

    it('offers each checkpoint for mirroring at once, before its entries reach the host, and once only', async () => {
      await appendJournalRows(store.db, journalRows(1, 5), { outbox: true });
      const checkpoint = (seq: number) => ({
        seq,
        hash: journalRow(seq).hash,
        at: journalRow(seq).at,
        keyId: 'k1',
        signature: `sig-${seq}`,
      });
      await appendCheckpoint(store.db, checkpoint(2));
      await appendCheckpoint(store.db, checkpoint(5));
      const due = async () =>
        (await checkpointsToMirror(store.db, { limit: 10 })).map((c) => c.seq);
      expect(await deliveredThrough(store.db)).toBe(0);
      expect(await due()).toEqual([2, 5]);
      await markCheckpointsMirrored(store.db, [2], later(2));
      expect(await due()).toEqual([5]);
      await markCheckpointsMirrored(store.db, [5], later(3));
      expect(await due()).toEqual([]);
    });

    it('never parks an outbox row for failures that are not its own, and requeues parked rows', async () => {
      await appendJournalRows(store.db, journalRows(1, 3), { outbox: true, now: T0 });
      let now = T0;
      for (let i = 0; i < 25; i++) {
        const [claim] = await claimOutbox(store.db, { limit: 1, leaseMs: LEASE, now });
        expect(claim?.entry.journalSeq).toBe(1);
        now = later(1_000 * (i + 1));
        expect(
          await markOutboxFailed(store.db, 1, {
            error: 'HTTP 503',
            retryAt: now,
            counts: false,
            maxAttempts: 3,
          }),
        ).toBe('pending');
      }
      expect(await findOutboxEntry(store.db, 1)).toMatchObject({
        status: 'pending',
        attempts: 25,
        strikes: 0,
      });

      // Relays that die holding it (their lease runs out) do not park it either.
      for (let i = 0; i < 12; i++) {
        const [lost] = await claimOutbox(store.db, { limit: 1, leaseMs: LEASE, now });
        expect(lost?.entry.journalSeq).toBe(1);
        now = new Date(now.getTime() + LEASE);
      }
      // A claim whose relay could not report on it is given back at once.
      const [held] = await claimOutbox(store.db, { limit: 1, leaseMs: LEASE, now });
      expect(held?.entry).toMatchObject({ journalSeq: 1, attempts: 38, strikes: 0 });
      await releaseOutboxClaims(
        store.db,
        [{ journalSeq: 1, leaseEnd: new Date(now.getTime() + LEASE) }],
        now,
      );
      expect(await findOutboxEntry(store.db, 1)).toMatchObject({ strikes: 0, nextAttemptAt: now });

      for (const seq of [2, 3])
        await store.db
          .updateTable('tiergate_audit_outbox')
          .set({ status: 'dead', strikes: 10, last_error: 'refused' })
          .where('journal_seq', '=', seq)
          .execute();
      expect(await outboxSummary(store.db)).toMatchObject({
        counts: { pending: 1, delivered: 0, dead: 2 },
        oldestUndelivered: { journalSeq: 1, at: journalRow(1).at },
      });
      expect(await requeueDeadOutbox(store.db, later(5))).toEqual([2, 3]);
      expect(await findOutboxEntry(store.db, 3)).toMatchObject({
        status: 'pending',
        strikes: 0,
        lastError: 'refused',
        nextAttemptAt: later(5),
      });
      expect(await requeueDeadOutbox(store.db)).toEqual([]);
      expect((await outboxSummary(store.db)).counts).toEqual({ pending: 3, delivered: 0, dead: 0 });
    });
  });

  describe('sweep cursors', () => {
    it('returns no cursor before the first sweep, then the one last set', async () => {
      expect(await getSweepCursor(store.db, 'person')).toBeUndefined();
      const first = {
        objectName: 'person',
        updatedAt: '2026-03-01T12:00:00.123456Z',
        recordId: 'p-9',
        sweptAt: T0,
      };
      await setSweepCursor(store.db, first);
      expect(await getSweepCursor(store.db, 'person')).toEqual(first);
      const moved = {
        ...first,
        updatedAt: '2026-03-01T12:05:00.000Z',
        recordId: 'p-1',
        sweptAt: later(5),
      };
      await setSweepCursor(store.db, moved);
      expect(await getSweepCursor(store.db, 'person')).toEqual(moved);
      expect(await getSweepCursor(store.db, 'company')).toBeUndefined();
    });
  });
});

describe('the embedded store in a directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiergate-store-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps its data across close and reopen, in a directory only its owner can open', async () => {
    const dataDir = join(dir, '.tiergate', 'store');
    const cursor = {
      objectName: 'company',
      updatedAt: '2026-03-01T00:00:00Z',
      recordId: 'c-1',
      sweptAt: T0,
    };

    const first = await openStore({ dataDir });
    expect(first.kind).toBe('pglite');
    expect(first.location).toBe(`PGlite in ${dataDir}`);
    expect((await first.migrate()).applied).toEqual([
      '0001_initial',
      '0002_inbox_record_version',
      '0003_checkpoint_mirrored',
      '0004_intake_event_identity',
      '0005_sweep_known_ids',
      '0006_relay_outbox_strikes',
    ]);
    await setSweepCursor(first.db, cursor);
    await appendJournalRows(first.db, journalRows(1, 2), { outbox: true });
    await first.close();
    await first.close();
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);

    const reopened = await openStore({ dataDir });
    try {
      expect(await reopened.migrate()).toEqual({ applied: [] });
      expect(await getSweepCursor(reopened.db, 'company')).toEqual(cursor);
      expect(await readJournalRows(reopened.db, 1, 10)).toEqual(journalRows(1, 2));
    } finally {
      await reopened.close();
    }
  }, 120_000);
});
