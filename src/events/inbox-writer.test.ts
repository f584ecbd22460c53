/**
 * The intake's group-commit writer, on PGlite and PostgreSQL alike: a batch writes exactly the
 * rows `insertIfNew` writes, finds duplicates inside the batch and against the inbox, and one
 * event the database refuses fails alone.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  inboxDedupeKey,
  insertIfNew,
  insertManyIfNew,
  SWEEP_WEBHOOK_ID,
  type NewInboxEvent,
} from '../store/inbox.js';
import { emptyStore, storeBackends } from '../store/store.test-support.js';
import type { Store } from '../store/store.js';
import { createInboxWriter } from './inbox-writer.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');

function event(recordId: string, n: number, overrides: Partial<NewInboxEvent> = {}): NewInboxEvent {
  const eventDate = new Date(T0.getTime() + n).toISOString();
  return {
    body: JSON.stringify({ eventName: 'company.updated', record: { id: recordId }, eventDate }),
    dedupeKey: inboxDedupeKey({
      webhookId: 'wh-1',
      eventName: 'company.updated',
      recordId,
      eventDate,
    }),
    eventName: 'company.updated',
    objectName: 'company',
    recordId,
    recordVersion: eventDate,
    receivedAt: T0,
    ...overrides,
  };
}

describe.each(storeBackends())('the inbox writer on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    ({ store } = await backend.setup());
    await store.migrate();
  }, 120_000);
  afterAll(() => backend.teardown());
  beforeEach(() => emptyStore(store));

  const rows = async () =>
    (await store.db.selectFrom('tiergate_webhook_inbox').selectAll().orderBy('id').execute()).map(
      ({ id: _id, ...row }) => row,
    );

  it('writes exactly the rows insertIfNew writes', async () => {
    const events = [event('c-1', 1), event('c-2', 2, { recordVersion: null }), event('c-3', 3)];
    for (const e of events) await insertIfNew(store.db, e);
    const single = await rows();
    await emptyStore(store);
    expect(await insertManyIfNew(store.db, events)).toEqual(['inserted', 'inserted', 'inserted']);
    expect(await rows()).toEqual(single);
  });

  it('answers duplicates inside the batch and against the inbox, in order', async () => {
    const stored = event('c-0', 0);
    await insertIfNew(store.db, stored);
    const first = event('c-1', 1);
    const results = await insertManyIfNew(store.db, [
      first,
      { ...first, dedupeKey: 'another key' }, // the same body
      { ...first, body: '{"other":"body"}' }, // the same dedupe key
      // The sweep's reading of the version a delivery brought.
      event('c-1', 9, {
        recordVersion: first.recordVersion ?? null,
        dedupeKey: inboxDedupeKey({
          webhookId: SWEEP_WEBHOOK_ID,
          eventName: 'company.updated',
          recordId: 'c-1',
          eventDate: 'swept',
        }),
      }),
      { ...stored, dedupeKey: 'fresh key', recordVersion: null }, // a body already stored
      event('c-2', 2),
    ]);
    expect(results).toEqual([
      'inserted',
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
      'inserted',
    ]);
    expect((await rows()).map((r) => r.record_id)).toEqual(['c-0', 'c-1', 'c-2']);
  });

  it('takes 60 writes at once, 20 of them repeats, each once', async () => {
    const writer = createInboxWriter(store, { maxInFlight: 1, maxBatch: 16 });
    const events = Array.from({ length: 40 }, (_, i) => event(`c-${i}`, i));
    const results = await Promise.all(
      [...events, ...events.slice(0, 20)].map((e) => writer.write(e)),
    );
    expect(results.filter((r) => r === 'inserted')).toHaveLength(40);
    expect(results.slice(40)).toEqual(Array<string>(20).fill('duplicate'));
    expect(await rows()).toHaveLength(40);
  });

  it('fails only the event the database refuses when its batch fails', async () => {
    const writer = createInboxWriter(store, { maxInFlight: 1 });
    // Held back behind the first write, the next three go as one batch; PostgreSQL refuses NUL.
    const writes = [
      writer.write(event('c-0', 0)),
      writer.write(event('c-1', 1)),
      writer.write(event('c-2', 2, { body: '{"nul":"\u0000"}' })),
      writer.write(event('c-3', 3)),
    ];
    const settled = await Promise.allSettled(writes);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((await rows()).map((r) => r.record_id)).toEqual(['c-0', 'c-1', 'c-3']);
  });
});
