/**
 * No value a member can write keeps a change out of the journal: a huge text, a deeply nested
 * JSON value, a number JSON cannot carry, a field named `__proto__`, an actor name with control
 * characters each give exactly one entry (with an omitted-value marker where the value cannot
 * be held), and an event that still cannot be processed is parked with an alert.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../audit/journal-store.js';
import { compilePolicy } from '../policy/engine.js';
import { loadPolicy } from '../policy/load.js';
import { findEvent, inboxDedupeKey, insertIfNew } from '../store/inbox.js';
import { emptyStore, storeBackends } from '../store/store.test-support.js';
import type { Store } from '../store/store.js';
import { JOURNAL_VALUE_LIMITS } from './record-bounds.js';
import { EventWorker } from './worker.js';

const policy = loadPolicy(`version: 1
tiers: [{ id: junior }]
objects: { opportunity: { owner: [ownerId] } }
org:
  members:
    - { id: w-ann, role: rep, tier: junior }
roles:
  rep:
    label: Rep
    duties: Sells.
    objects:
      opportunity:
        read: { junior: all }
        update: { junior: all }
        fields:
          default: { junior: edit }
`);
const KEY = new Uint8Array(32).fill(5);
let n = 0;

/**
 * Stores an update of opportunity `id` as the intake stores Twenty's body; `recordJson` is the
 * record's JSON text without its braces, after the usual fields.
 */
async function deliver(
  store: Store,
  id: string,
  recordJson: string,
  actor?: string,
  updatedFields = ['notes'],
) {
  n++;
  const updatedAt = new Date(Date.UTC(2026, 6, 1, 10, 0, n)).toISOString();
  const updatedBy = actor ?? JSON.stringify({ source: 'MANUAL', workspaceMemberId: 'w-ann' });
  const body =
    `{"eventName":"opportunity.updated","objectMetadata":{"nameSingular":"opportunity"},` +
    `"webhookId":"wh-1","eventDate":"${updatedAt}","updatedFields":${JSON.stringify(updatedFields)},` +
    `"record":{"id":"${id}","updatedAt":"${updatedAt}","updatedBy":${updatedBy},${recordJson}}}`;
  await insertIfNew(store.db, {
    body,
    dedupeKey: inboxDedupeKey({
      webhookId: 'wh-1',
      eventName: 'opportunity.updated',
      recordId: id,
      eventDate: updatedAt,
    }),
    eventName: 'opportunity.updated',
    objectName: 'opportunity',
    recordId: id,
    recordVersion: updatedAt,
  });
}

describe.each(storeBackends())('a worker given poisonous values on $name', (backend) => {
  let store: Store;
  let cwd: string;

  beforeAll(async () => {
    ({ store } = await backend.setup());
    await store.migrate();
  }, 120_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    await emptyStore(store);
    cwd = mkdtempSync(join(tmpdir(), 'tiergate-poison-'));
    return () => rmSync(cwd, { recursive: true, force: true });
  });

  const worker = async (extra: object = {}) =>
    new EventWorker({
      store,
      journal: await Journal.open(store, { cwd }),
      policy,
      engine: compilePolicy(policy),
      redactKey: KEY,
      workerId: 'w1',
      retryDelayMs: () => 0,
      ...extra,
    });

  /** Runs the worker once and returns the one entry it journaled, parsed. */
  async function journalOne(): Promise<{ actor: string; after: Record<string, unknown> }> {
    expect(await (await worker()).runOnce()).toMatchObject({ claimed: 1, done: 1, failed: 0 });
    const journal = await Journal.open(store, { cwd });
    const entries = await journal.tail(10);
    expect(entries).toHaveLength(1);
    // What was stored is what was hashed.
    expect(await journal.verify()).toMatchObject({ ok: true, entries: 1 });
    expect((await findEvent(store.db, 1))?.status).toBe('done');
    const [entry] = entries;
    expect(Buffer.byteLength(entry?.after ?? '')).toBeLessThanOrEqual(
      JOURNAL_VALUE_LIMITS.maxRecordBytes,
    );
    return {
      actor: entry?.actor ?? '',
      after: JSON.parse(entry?.after ?? 'null') as Record<string, unknown>,
    };
  }

  const marker = (reason: string) => ({
    'tiergate:omitted': reason,
    bytes: expect.any(Number) as unknown,
    hmacSha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
  });

  it('journals a 5 MB text field as a marker with its size and keyed hash', async () => {
    await deliver(store, 'o-big', `"name":"Deal","notes":"${'x'.repeat(5_000_000)}"`);
    const { after } = await journalOne();
    expect(after.notes).toEqual(marker('too-large'));
    expect(after.notes).toMatchObject({ bytes: 5_000_002 });
    expect(after.name).toBe('Deal');
  }, 60_000);

  it('journals the largest of several fields as a marker when the record is over its limit', async () => {
    const field = (c: string) => `"${c}":"${c.repeat(200_000)}"`;
    await deliver(store, 'o-wide', `${field('a')},${field('b')},${field('c')}`);
    const { after } = await journalOne();
    const omitted = ['a', 'b', 'c'].filter((f) => typeof after[f] === 'object');
    expect(omitted).toHaveLength(1);
    expect(after[omitted[0] ?? '']).toEqual(marker('too-large'));
  });

  it('journals a value nested 10,000 deep as a too-deep marker', async () => {
    await deliver(store, 'o-deep', `"data":${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    const { after } = await journalOne();
    expect(after.data).toEqual(marker('too-deep'));
  });

  it('journals a field named __proto__ as a field of the record', async () => {
    await deliver(store, 'o-proto', `"__proto__":{"polluted":true},"name":"Deal"`);
    const { after } = await journalOne();
    expect(Object.keys(after)).toContain('__proto__');
    expect(Object.getOwnPropertyDescriptor(after, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('journals fields whose names hold control characters, lone surrogates or 10,000 characters', async () => {
    const names = ['a\u0001b', 'x\ud800y', 'k'.repeat(10_000)];
    await deliver(
      store,
      'o-names',
      names.map((name, i) => `${JSON.stringify(name)}:${i}`).join(','),
    );
    const { after } = await journalOne();
    expect(names.map((name) => after[name])).toEqual([0, 1, 2]);
  });

  it('journals a number JSON cannot carry (1e400 reads as Infinity) as a not-json marker', async () => {
    await deliver(store, 'o-inf', `"amount":1e400`);
    const { after } = await journalOne();
    expect(after.amount).toEqual(marker('not-json'));
  });

  it('journals a change whose actor name holds control characters and lone surrogates', async () => {
    const actor = JSON.stringify({ source: 'API', name: 'key\u0000\ud800\n' + 'k'.repeat(500) });
    await deliver(store, 'o-actor', `"name":"Deal"`, actor);
    const { actor: journaled } = await journalOne();
    expect(journaled.startsWith('api:key\ufffd\ufffd\ufffdk')).toBe(true);
    expect(journaled.length).toBeLessThanOrEqual(200);
  });

  it('records a failure whose message holds a NUL character, and retries the event', async () => {
    await deliver(store, 'o-nul', `"ownerId":"w-ann"`, undefined, ['ownerId']);
    const index = { objects: () => ['opportunity'], viewersOf: () => ['w-ann', 'w-bob'] };
    const w = await worker({
      viewers: { index, write: () => Promise.reject(new Error('host said \u0000 no')) },
    });
    expect(await w.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    expect(await findEvent(store.db, 1)).toMatchObject({
      status: 'pending',
      lastError: 'host said \ufffd no',
    });
  });

  it('raises an alert, not a log line, when an event is parked dead', async () => {
    await insertIfNew(store.db, {
      body: '{"not":"an event"}',
      dedupeKey: 'broken',
      eventName: 'opportunity.updated',
      objectName: 'opportunity',
      recordId: 'o-broken',
    });
    const alerts: string[] = [];
    const lines: string[] = [];
    const w = await worker({
      alert: (line: string) => alerts.push(line),
      log: (line: string) => lines.push(line),
    });
    for (let i = 0; i < 7; i++) await w.runOnce();
    expect(alerts).toEqual([]);
    expect(lines).toHaveLength(7);
    await w.runOnce();
    expect((await findEvent(store.db, 1))?.status).toBe('dead');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/inbox event 1 \(opportunity\.updated o-broken\) failed: .*dead/);
    expect(lines).toHaveLength(7);
  });
});
