/**
 * The inbox once events are done: no record value kept past processing, and done events gone
 * after the retention, while events still to process (pending, dead) keep their bodies.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InboxStatus } from './schema.js';
import { applyRetention, reducedBody, runRetention } from './inbox-retention.js';
import { emptyStore } from './store.test-support.js';
import { IN_MEMORY, openStore, type Store } from './store.js';

const NOW = Date.parse('2026-03-20T12:00:00.000Z');
const DAY = 86_400_000;
const HIDDEN = 'HIDDEN-salary-figure-7731';

let store: Store;
beforeAll(async () => {
  store = await openStore({ dataDir: IN_MEMORY });
  await store.migrate();
}, 120_000);
afterAll(() => store.close());
beforeEach(() => emptyStore(store));

function body(recordId: string): string {
  return JSON.stringify({
    targetUrl: 'http://127.0.0.1/webhooks/twenty',
    eventName: 'person.updated',
    objectMetadata: { id: 'obj-person', nameSingular: 'person' },
    workspaceId: 'ws-1',
    webhookId: 'wh-1',
    eventDate: '2026-03-20T11:00:00.000Z',
    record: {
      id: recordId,
      salary: HIDDEN,
      name: 'Ada',
      updatedAt: '2026-03-20T10:59:59.000Z',
      deletedAt: null,
    },
    updatedFields: ['salary'],
  });
}

async function add(recordId: string, status: InboxStatus, ageMs: number): Promise<void> {
  const text = body(recordId);
  await store.db
    .insertInto('tiergate_webhook_inbox')
    .values({
      body: text,
      body_sha256: createHash('sha256').update(text).digest('hex'),
      dedupe_key: `key-${recordId}`,
      event_name: 'person.updated',
      object_name: 'person',
      record_id: recordId,
      record_version: null,
      status,
      received_at: new Date(NOW - ageMs),
    })
    .execute();
}

async function rows() {
  const all = await store.db
    .selectFrom('tiergate_webhook_inbox')
    .select(['record_id', 'status', 'body'])
    .orderBy('id')
    .execute();
  return new Map(all.map((row) => [row.record_id, row]));
}

describe('the inbox retention', () => {
  it('keeps no record value of a done event, only its envelope and the record identity', async () => {
    await add('p-done', 'done', 60_000);
    await add('p-pending', 'pending', 60_000);
    await add('p-dead', 'dead', 60_000);
    expect(await applyRetention(store, { now: () => NOW })).toEqual({ reduced: 1, deleted: 0 });
    const after = await rows();
    const done = after.get('p-done');
    expect(done?.body).not.toContain(HIDDEN);
    expect(done?.body).not.toContain('Ada');
    expect(JSON.parse(done?.body ?? '')).toEqual({
      tiergateReduced: true,
      eventName: 'person.updated',
      objectMetadata: { id: 'obj-person', nameSingular: 'person' },
      workspaceId: 'ws-1',
      webhookId: 'wh-1',
      eventDate: '2026-03-20T11:00:00.000Z',
      record: { id: 'p-done', updatedAt: '2026-03-20T10:59:59.000Z', deletedAt: null },
      updatedFields: ['salary'],
    });
    // Still to be processed (or requeued): the whole body stays.
    expect(after.get('p-pending')?.body).toBe(body('p-pending'));
    expect(after.get('p-dead')?.body).toBe(body('p-dead'));
    // A second pass finds nothing more to reduce.
    expect(await applyRetention(store, { now: () => NOW })).toEqual({ reduced: 0, deleted: 0 });
  });

  it('deletes done events older than the retention, and only those', async () => {
    await add('p-old-done', 'done', 8 * DAY);
    await add('p-young-done', 'done', 6 * DAY);
    await add('p-old-pending', 'pending', 30 * DAY);
    await add('p-old-dead', 'dead', 30 * DAY);
    const result = await applyRetention(store, { now: () => NOW });
    expect(result.deleted).toBe(1);
    expect([...(await rows()).keys()]).toEqual(['p-young-done', 'p-old-pending', 'p-old-dead']);
    await applyRetention(store, { now: () => NOW, retentionDays: 5 });
    expect([...(await rows()).keys()]).toEqual(['p-old-pending', 'p-old-dead']);
  });

  it('reduces in batches until none is left', async () => {
    for (let i = 0; i < 1_100; i++) await add(`p-${i}`, 'done', 1_000);
    expect((await applyRetention(store, { now: () => NOW })).reduced).toBe(1_100);
    const left = await store.db
      .selectFrom('tiergate_webhook_inbox')
      .select('id')
      .where('body', 'like', `%${HIDDEN}%`)
      .execute();
    expect(left).toEqual([]);
  }, 60_000);

  it('runs at once when started and stops on its signal', async () => {
    await add('p-done', 'done', 1_000);
    const stop = new AbortController();
    const running = runRetention(store, stop.signal, { everyMs: 60_000, now: () => NOW });
    await expect
      .poll(async () => (await rows()).get('p-done')?.body, { timeout: 5_000 })
      .not.toContain(HIDDEN);
    stop.abort();
    await running;
  });

  it('keeps a body that is not JSON as nothing but the marker', () => {
    expect(reducedBody(`{not json ${HIDDEN}`)).toBe('{"tiergateReduced":true}');
  });
});
