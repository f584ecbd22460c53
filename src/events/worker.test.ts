/**
 * Workers: inbox events become journal entries exactly once, with the watchdog's violations and
 * without sensitive values, on PGlite and on PostgreSQL (where two workers share the inbox).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../audit/journal-store.js';
import { compilePolicy } from '../policy/engine.js';
import { loadPolicy } from '../policy/load.js';
import { ViewerIndex } from '../sync/viewers.js';
import { findEvent, inboxDedupeKey, insertIfNew, recordVersion } from '../store/inbox.js';
import { emptyStore, storeBackends } from '../store/store.test-support.js';
import type { Store } from '../store/store.js';
import { SWEEP_WEBHOOK_ID } from './sweep.js';
import { EventWorker } from './worker.js';

const policy = loadPolicy(`version: 1
tiers: [{ id: junior }, { id: senior }]
objects: { opportunity: { owner: [ownerId] } }
org:
  teams: [{ id: west }]
  members:
    - { id: w-ann, role: rep, tier: junior, teams: [west] }
    - { id: w-sue, role: rep, tier: senior, teams: [west] }
roles:
  rep:
    label: Rep
    duties: Sells.
    objects:
      opportunity:
        read: { junior: team }
        create: { junior: true }
        update: { junior: own }
        fields:
          default: { junior: edit }
          amount: { junior: read, senior: edit }
          notes: { junior: hidden, senior: edit }
`);
const engine = compilePolicy(policy);
const KEY = new Uint8Array(32).fill(3);
const T0 = Date.parse('2026-07-01T10:00:00.000Z');
let n = 0;

/** A webhook body as Twenty posts it, stored as the intake stores it. */
async function deliver(
  store: Store,
  change: { actor: string; id: string; fields: string[]; record?: Record<string, unknown> },
  webhookId = 'wh-1',
): Promise<void> {
  n++;
  const updatedAt = new Date(T0 + n * 1000).toISOString();
  const record = {
    id: change.id,
    ownerId: change.actor,
    updatedAt,
    updatedBy: { source: 'MANUAL', workspaceMemberId: change.actor, name: 'x', context: {} },
    ...change.record,
  };
  const body = JSON.stringify({
    eventName: 'opportunity.updated',
    objectMetadata: { nameSingular: 'opportunity' },
    webhookId,
    eventDate: updatedAt,
    record,
    updatedFields: change.fields,
  });
  await insertIfNew(store.db, {
    body,
    dedupeKey: inboxDedupeKey({
      webhookId,
      eventName: 'opportunity.updated',
      recordId: change.id,
      eventDate: updatedAt,
    }),
    eventName: 'opportunity.updated',
    objectName: 'opportunity',
    recordId: change.id,
    recordVersion: recordVersion(record),
  });
}

describe.each(storeBackends())('workers on $name', (backend) => {
  let store: Store;
  let other: Store;
  let cwd: string;

  beforeAll(async () => {
    ({ store, other } = await backend.setup());
    await store.migrate();
  }, 120_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    await emptyStore(store);
    cwd = mkdtempSync(join(tmpdir(), 'tiergate-worker-'));
    return () => rmSync(cwd, { recursive: true, force: true });
  });

  const worker = async (on: Store, id: string, extra: object = {}) =>
    new EventWorker({
      store: on,
      journal: await Journal.open(on, { cwd }),
      policy,
      engine,
      redactKey: KEY,
      workerId: id,
      retryDelayMs: () => 0,
      ...extra,
    });

  it('journals an allowed change once, under the member who made it, and marks the event done', async () => {
    await deliver(store, { actor: 'w-ann', id: 'o-1', fields: ['name'] });
    const w = await worker(store, 'w1');
    expect(await w.runOnce()).toEqual({ claimed: 1, done: 1, failed: 0, violations: 0 });
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
    const entries = await (await Journal.open(store, { cwd })).tail(10);
    expect(entries.map((e) => [e.actor, e.action, e.target, e.reason])).toEqual([
      ['w-ann', 'record.updated', 'opportunity/o-1', null],
    ]);
    expect((await findEvent(store.db, 1))?.status).toBe('done');
  });

  it('adds a violation entry naming the fields a member changed without the right to', async () => {
    await deliver(store, { actor: 'w-ann', id: 'o-2', fields: ['amount', 'notes'] });
    await deliver(store, {
      actor: 'w-ann',
      id: 'o-3',
      fields: ['name'],
      record: { ownerId: 'w-sue' },
    });
    const alerts: string[] = [];
    const result = await (
      await worker(store, 'w1', { alert: (line: string) => alerts.push(line) })
    ).runOnce();
    expect(result).toMatchObject({ done: 2, violations: 2 });
    expect(alerts).toEqual([
      'violation (journal entry 2): w-ann may not edit amount, notes of this opportunity',
      expect.stringMatching(
        /^violation \(journal entry 4\): w-ann may not update this opportunity/,
      ),
    ]);
    const entries = await (await Journal.open(store, { cwd })).tail(10);
    expect(entries.map((e) => [e.action, e.target])).toEqual([
      ['record.updated', 'opportunity/o-2'],
      ['violation.fields', 'opportunity/o-2'],
      ['record.updated', 'opportunity/o-3'],
      ['violation.scope', 'opportunity/o-3'],
    ]);
    expect(entries[1]?.after).toBe('{"fields":["amount","notes"],"kind":"fields"}');
    expect(entries[1]?.reason).toBe('w-ann may not edit amount, notes of this opportunity');
  });

  it('never writes the value of a field the policy hides into the journal', async () => {
    await deliver(store, {
      actor: 'w-sue',
      id: 'o-4',
      fields: ['notes'],
      record: { notes: 'call the CFO about the discount' },
    });
    await (await worker(store, 'w1')).runOnce();
    const [entry] = await (await Journal.open(store, { cwd })).tail(1);
    expect(entry?.after).not.toContain('CFO');
    expect(entry?.after).toMatch(/"notes":\{"hmacSha256":"[0-9a-f]{64}"\}/);
  });

  it('says when the sweep found a change, and rewrites viewers when an owner changes', async () => {
    await deliver(store, { actor: 'w-ann', id: 'o-5', fields: ['ownerId'] }, SWEEP_WEBHOOK_ID);
    const writes: unknown[] = [];
    const index = new ViewerIndex(policy, [
      { roleKey: 'rep@junior', object: 'opportunity', scopes: ['team'] },
    ]);
    const w = await worker(store, 'w1', {
      viewers: { index, write: (...args: unknown[]) => Promise.resolve(void writes.push(args)) },
    });
    await w.runOnce();
    expect(writes).toEqual([['opportunity', 'o-5', ['w-ann']]]);
    const [entry] = await (await Journal.open(store, { cwd })).tail(1);
    expect(entry?.reason).toBe('found by the sweep (its webhook never arrived)');
  });

  it("marks Tiergate's own tiergateViewers writes done without journaling each one", async () => {
    await deliver(store, { actor: 'w-ann', id: 'o-7', fields: ['tiergateViewers'] });
    await deliver(store, { actor: 'w-ann', id: 'o-8', fields: ['tiergateViewers', 'name'] });
    expect(await (await worker(store, 'w1')).runOnce()).toMatchObject({ claimed: 2, done: 2 });
    const entries = await (await Journal.open(store, { cwd })).tail(10);
    expect(entries.map((e) => e.target)).toEqual(['opportunity/o-8']);
  });

  it('retries an event it cannot process and leaves it dead after the last attempt', async () => {
    await insertIfNew(store.db, {
      body: '{"not":"an event"}',
      dedupeKey: 'broken',
      eventName: 'opportunity.updated',
      objectName: 'opportunity',
      recordId: 'o-6',
    });
    const lines: string[] = [];
    const w = await worker(store, 'w1', { log: (line: string) => lines.push(line) });
    for (let i = 0; i < 8; i++) expect(await w.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
    expect((await findEvent(store.db, 1))?.status).toBe('dead');
    expect(lines.at(-1)).toMatch(/no eventName and record in the body; dead: it needs an operator/);
    expect(await (await Journal.open(store, { cwd })).tail(1)).toEqual([]);
  });

  it('journals every event exactly once when two workers share the inbox', async () => {
    for (let i = 0; i < 60; i++)
      await deliver(store, {
        actor: i % 2 ? 'w-ann' : 'w-sue',
        id: `o-${i % 20}`,
        fields: ['name'],
      });
    const [a, b] = await Promise.all([worker(store, 'a'), worker(other, 'b')]);
    const drain = async (w: EventWorker) => {
      for (let done = 0; ;) {
        const result = await w.runOnce();
        done += result.done;
        if (result.claimed === 0) return done;
      }
    };
    // A record's events wait for its earlier ones, so a worker may find nothing due for a while:
    // drain until the inbox holds nothing pending.
    let total = 0;
    for (let round = 0; round < 20 && total < 60; round++) {
      const [da, db] = await Promise.all([drain(a), drain(b)]);
      total += da + db;
    }
    expect(total).toBe(60);
    const journal = await Journal.open(store, { cwd });
    const report = await journal.verify();
    expect(report.ok ? 'ok' : JSON.stringify(report)).toBe('ok');
    const entries = await journal.tail(100);
    expect(entries).toHaveLength(60);
    // In each record's entries, its changes in the order they happened.
    const order = entries.filter((e) => e.target === 'opportunity/o-3').map((e) => e.after);
    const times = order.map(
      (text) => (JSON.parse(text ?? '{}') as { updatedAt: string }).updatedAt,
    );
    expect(times).toEqual([...times].sort());
  });
});
