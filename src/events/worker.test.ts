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
import { ViewerIndex } from '../twenty-app/viewers.js';
import {
  claimEvents,
  findEvent,
  inboxDedupeKey,
  insertIfNew,
  recordVersion,
} from '../store/inbox.js';
import { emptyStore, storeBackends } from '../store/store.test-support.js';
import type { Store } from '../store/store.js';
import { SWEEP_WEBHOOK_ID } from './sweep.js';
import { HostError } from '../host/host-error.js';
import { knownDeletedIds, knownIds } from '../store/cursors.js';
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
  change: {
    actor: string;
    id: string;
    fields: string[];
    record?: Record<string, unknown>;
    action?: string;
    object?: string;
    /** The body's workspaceMemberId: the member whose call made the change. */
    member?: string;
  },
  webhookId = 'wh-1',
): Promise<'inserted' | 'duplicate'> {
  n++;
  const updatedAt = new Date(T0 + n * 1000).toISOString();
  const object = change.object ?? 'opportunity';
  const eventName = `${object}.${change.action ?? 'updated'}`;
  const record = {
    id: change.id,
    ownerId: change.actor,
    updatedAt,
    updatedBy: { source: 'MANUAL', workspaceMemberId: change.actor, name: 'x', context: {} },
    ...change.record,
  };
  const body = JSON.stringify({
    eventName,
    objectMetadata: { nameSingular: object },
    webhookId,
    eventDate: updatedAt,
    ...(change.member === undefined ? {} : { workspaceMemberId: change.member }),
    record,
    updatedFields: change.fields,
  });
  return insertIfNew(store.db, {
    body,
    dedupeKey: inboxDedupeKey({ webhookId, eventName, recordId: change.id, eventDate: updatedAt }),
    eventName,
    objectName: object,
    recordId: change.id,
    recordVersion: recordVersion(record),
  });
}

/** How Twenty stamps a write made with an API key (`build-created-by-from-api-key.util.ts`). */
const apiKey = (name: string) => ({ source: 'API', workspaceMemberId: null, name, context: {} });
const OWN_KEY = 'Tiergate add-on';

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
    const own = { updatedBy: apiKey(OWN_KEY) };
    // As Twenty 2.43 reports it: the record was last written by Ann, so updatedBy moved too.
    await deliver(store, {
      actor: 'w-ann',
      id: 'o-7',
      fields: ['tiergateViewers', 'updatedBy'],
      record: own,
    });
    await deliver(store, { actor: 'w-ann', id: 'o-8', fields: ['tiergateViewers', 'name'] });
    const w = await worker(store, 'w1', { ownKeyName: OWN_KEY });
    expect(await w.runOnce()).toMatchObject({ claimed: 2, done: 2 });
    const entries = await (await Journal.open(store, { cwd })).tail(10);
    // The member's write of the helper field is a change of its own, and a violation.
    expect(entries.map((e) => [e.target, e.action])).toEqual([
      ['opportunity/o-8', 'record.updated'],
      ['opportunity/o-8', 'violation.fields'],
    ]);
  });

  it('journals and puts back a write under its own key name whose viewers are not what Tiergate computes', async () => {
    const index = new ViewerIndex(policy, [
      { roleKey: 'rep@junior', object: 'opportunity', scopes: ['team'] },
    ]);
    const writes: unknown[] = [];
    const own = (viewers: string[]) => ({
      updatedBy: apiKey(OWN_KEY),
      ownerId: 'w-sue',
      tiergateViewers: viewers,
    });
    // Tiergate's own rewrite (Ann, in Sue's team), then a key named alike re-sharing with Dan.
    await deliver(store, {
      actor: 'w-sue',
      id: 'o-13',
      fields: ['tiergateViewers'],
      record: own(['w-ann']),
    });
    await deliver(store, {
      actor: 'w-sue',
      id: 'o-14',
      fields: ['tiergateViewers'],
      record: own(['w-dan']),
    });
    const w = await worker(store, 'w1', {
      ownKeyName: OWN_KEY,
      viewers: { index, write: (...args: unknown[]) => Promise.resolve(void writes.push(args)) },
    });
    expect(await w.runOnce()).toMatchObject({ claimed: 2, done: 2 });
    const entries = await (await Journal.open(store, { cwd })).tail(10);
    expect(entries.map((e) => [e.target, e.action])).toEqual([
      ['opportunity/o-14', 'record.updated'],
    ]);
    expect(writes).toEqual([['opportunity', 'o-14', ['w-ann']]]);
  });

  it('journals and judges a write of tiergateViewers by anyone but Tiergate', async () => {
    // A member re-sharing a record, another key bearing a look-alike name, and Tiergate's key
    // writing more than its helper field: each is a change like any other.
    await deliver(store, { actor: 'w-ann', id: 'o-7', fields: ['tiergateViewers'] });
    await deliver(store, {
      actor: 'w-ann',
      id: 'o-8',
      fields: ['tiergateViewers'],
      record: { updatedBy: apiKey(`${OWN_KEY} (copy)`) },
    });
    await deliver(store, {
      actor: 'w-ann',
      id: 'o-9',
      fields: ['tiergateViewers', 'name'],
      record: { updatedBy: apiKey(OWN_KEY) },
    });
    // A member's own account is never Tiergate, even under its key's name.
    await deliver(store, {
      actor: 'w-ann',
      id: 'o-10',
      fields: ['tiergateViewers'],
      record: { updatedBy: { ...apiKey(OWN_KEY), source: 'MANUAL', workspaceMemberId: 'w-ann' } },
    });
    const w = await worker(store, 'w1', { ownKeyName: OWN_KEY });
    expect(await w.runOnce()).toMatchObject({ claimed: 4, done: 4, violations: 2 });
    const entries = await (await Journal.open(store, { cwd })).tail(10);
    expect(entries.map((e) => [e.actor, e.action, e.target])).toEqual([
      ['w-ann', 'record.updated', 'opportunity/o-7'],
      ['w-ann', 'violation.fields', 'opportunity/o-7'],
      [`api:${OWN_KEY} (copy)`, 'record.updated', 'opportunity/o-8'],
      [`api:${OWN_KEY}`, 'record.updated', 'opportunity/o-9'],
      ['w-ann', 'record.updated', 'opportunity/o-10'],
      ['w-ann', 'violation.fields', 'opportunity/o-10'],
    ]);
  });

  it("never journals events of Tiergate's own audit object, whoever wrote them", async () => {
    for (const action of ['created', 'updated', 'deleted'])
      await deliver(store, {
        actor: 'w-ann',
        id: 'a-1',
        fields: ['sequence'],
        object: 'tiergateAuditEntry',
        action,
      });
    const w = await worker(store, 'w1', { ownKeyName: OWN_KEY });
    for (let i = 0; i < 3; i++) expect(await w.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect(await (await Journal.open(store, { cwd })).tail(10)).toEqual([]);
  });

  it('journals every delete, restore and destroy of a record, though none moves its version', async () => {
    // Twenty's restore and destroy leave updatedAt alone; the destroy carries the record as the
    // deletion left it. Three rounds of delete and restore, then a delete and a destroy.
    const live = { updatedAt: '2026-07-01T09:00:00.000Z', deletedAt: null };
    const gone = (round: number) => ({
      updatedAt: live.updatedAt,
      deletedAt: `2026-07-01T1${round}:00:00.000Z`,
    });
    const steps: [string, Record<string, unknown>][] = [['created', live]];
    for (let round = 1; round <= 3; round++)
      steps.push(['deleted', gone(round)], ['restored', live]);
    steps.push(['deleted', gone(4)], ['destroyed', gone(4)]);
    const stored = [];
    for (const [action, record] of steps)
      stored.push(await deliver(store, { actor: 'w-ann', id: 'o-1', fields: [], action, record }));
    expect(stored).toEqual(steps.map(() => 'inserted'));
    const w = await worker(store, 'w1');
    expect(await w.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    while ((await w.runOnce()).claimed > 0);
    const entries = await (await Journal.open(store, { cwd })).tail(50);
    expect(entries.filter((e) => e.action.startsWith('record.')).map((e) => e.action)).toEqual(
      steps.map(([action]) => `record.${action}`),
    );
  });

  it('journals a delete, restore and destroy under the member who made it, not the last updater', async () => {
    // Sue last updated the deal (its updatedBy names her); Ann deletes, restores and destroys it.
    // Twenty stamps no actor on these, so only the body's workspaceMemberId names Ann.
    const gone = { deletedAt: '2026-07-01T11:00:00.000Z' };
    for (const [action, record] of [
      ['deleted', gone],
      ['restored', { deletedAt: null }],
      ['destroyed', gone],
    ] as const)
      await deliver(store, {
        actor: 'w-sue',
        id: 'o-13',
        fields: [],
        action,
        record,
        member: 'w-ann',
      });
    const w = await worker(store, 'w1');
    while ((await w.runOnce()).claimed > 0);
    const entries = await (await Journal.open(store, { cwd })).tail(20);
    const changes = entries.filter((e) => e.action.startsWith('record.'));
    expect(changes.map((e) => [e.actor, e.action])).toEqual([
      ['w-ann', 'record.deleted'],
      ['w-ann', 'record.restored'],
      ['w-ann', 'record.destroyed'],
    ]);
    // Judged with Ann's rights: the policy gives reps no delete or destroy.
    expect(entries.filter((e) => e.action.startsWith('violation.')).map((e) => e.actor)).toEqual([
      'w-ann',
      'w-ann',
      'w-ann',
    ]);
  });

  it('credits no member with a delete, restore or destroy made by an API key or found by the sweep', async () => {
    // No workspaceMemberId in the body: an API key, a workflow, or the sweep, which reads
    // records. The record's updatedBy still names Sue, who only updated it before.
    const gone = { deletedAt: '2026-07-01T11:00:00.000Z' };
    const steps = [
      ['deleted', gone],
      ['restored', { deletedAt: null }],
      ['destroyed', gone],
    ] as const;
    for (const [action, record] of steps)
      await deliver(store, { actor: 'w-sue', id: 'o-14', fields: [], action, record });
    for (const [action, record] of steps)
      await deliver(
        store,
        { actor: 'w-sue', id: 'o-15', fields: [], action, record },
        SWEEP_WEBHOOK_ID,
      );
    // A sweep's body never names a member; one that did is not believed.
    await deliver(
      store,
      { actor: 'w-sue', id: 'o-16', fields: [], action: 'deleted', record: gone, member: 'w-ann' },
      SWEEP_WEBHOOK_ID,
    );
    // A sweep-found update keeps the actor Twenty stamped on it.
    await deliver(store, { actor: 'w-sue', id: 'o-17', fields: ['name'] }, SWEEP_WEBHOOK_ID);
    const w = await worker(store, 'w1');
    while ((await w.runOnce()).claimed > 0);
    const entries = await (await Journal.open(store, { cwd })).tail(20);
    // Each record's entries in order; records are taken in any order.
    const byRecord = [...entries].sort((a, b) => a.target.localeCompare(b.target) || a.seq - b.seq);
    expect(byRecord.map((e) => [e.actor, e.action, e.target])).toEqual([
      ['unknown', 'record.deleted', 'opportunity/o-14'],
      ['unknown', 'record.restored', 'opportunity/o-14'],
      ['unknown', 'record.destroyed', 'opportunity/o-14'],
      ['unknown', 'record.deleted', 'opportunity/o-15'],
      ['unknown', 'record.restored', 'opportunity/o-15'],
      ['unknown', 'record.destroyed', 'opportunity/o-15'],
      ['unknown', 'record.deleted', 'opportunity/o-16'],
      ['w-sue', 'record.updated', 'opportunity/o-17'],
    ]);
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
    expect(lines.at(-1)).toMatch(
      /eventName is missing or not a string; dead: it needs an operator/,
    );
    expect(await (await Journal.open(store, { cwd })).tail(1)).toEqual([]);
  });

  it('never parks an event while the host is down, however long, and journals it once the host is back', async () => {
    await deliver(store, { actor: 'w-ann', id: 'o-7', fields: ['ownerId'] });
    const index = new ViewerIndex(policy, [
      { roleKey: 'rep@junior', object: 'opportunity', scopes: ['team'] },
    ]);
    let clock = Date.now();
    let hostUp = false;
    const alerts: string[] = [];
    const w = await worker(store, 'w1', {
      now: () => new Date(clock),
      alert: (line: string) => alerts.push(line),
      viewers: {
        index,
        write: () =>
          hostUp
            ? Promise.resolve()
            : Promise.reject(
                new HostError({ operation: 'x', status: 503, retryable: true, message: 'down' }),
              ),
      },
    });
    // Twenty down for 30 retries (past INBOX_MAX_ATTEMPTS many times over).
    for (let i = 0; i < 30; i++) {
      expect(await w.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
      clock += 61_000;
    }
    expect(await findEvent(store.db, 1)).toMatchObject({ status: 'pending', attempts: 0 });
    hostUp = true;
    expect(await w.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect(await (await Journal.open(store, { cwd })).tail(5)).toHaveLength(1);
    expect(alerts).toEqual([]);
  });

  it('journals a change whose viewers the host refuses to rewrite, and raises an alert', async () => {
    await deliver(store, { actor: 'w-ann', id: 'o-8', fields: ['ownerId'] });
    const index = new ViewerIndex(policy, [
      { roleKey: 'rep@junior', object: 'opportunity', scopes: ['team'] },
    ]);
    const alerts: string[] = [];
    const w = await worker(store, 'w1', {
      alert: (line: string) => alerts.push(line),
      viewers: {
        index,
        write: () =>
          Promise.reject(
            new HostError({ operation: 'x', codes: ['NOT_FOUND'], message: 'Record not found' }),
          ),
      },
    });
    expect(await w.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect(await (await Journal.open(store, { cwd })).tail(5)).toHaveLength(1);
    expect(alerts).toEqual([
      expect.stringMatching(/tiergateViewers of opportunity o-8 could not be rewritten/),
    ]);
  });

  it('gives the attempt back when the database connection is cut, and journals the event later', async () => {
    await deliver(store, { actor: 'w-ann', id: 'o-9', fields: ['name'] });
    const journal = await Journal.open(store, { cwd });
    let cut = true;
    // The journal's private fields need it as `this`, not the proxy.
    const bound = (value: unknown, target: Journal): unknown =>
      typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    const cutting = new Proxy(journal, {
      get: (target, property, receiver): unknown =>
        property === 'append' && cut
          ? () =>
              Promise.reject(
                Object.assign(new Error('terminating connection due to administrator command'), {
                  code: '57P01',
                }),
              )
          : bound(Reflect.get(target, property, receiver), target),
    });
    let clock = Date.now();
    const w = await worker(store, 'w1', { journal: cutting, now: () => new Date(clock) });
    for (let i = 0; i < 12; i++) {
      expect(await w.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
      clock += 61_000;
    }
    expect(await findEvent(store.db, 1)).toMatchObject({ status: 'pending', attempts: 0 });
    cut = false;
    expect(await w.runOnce()).toMatchObject({ claimed: 1, done: 1 });
    expect(await journal.tail(5)).toHaveLength(1);
  });

  it('raises an alert when an event is parked because every worker that took it died', async () => {
    await deliver(store, { actor: 'w-ann', id: 'o-10', fields: ['name'] });
    let clock = Date.now();
    // Eight claims whose workers never come back: each lease simply runs out.
    for (let i = 0; i < 8; i++) {
      await claimEvents(store.db, {
        workerId: `dying-${i}`,
        limit: 1,
        leaseMs: 1_000,
        now: new Date(clock),
      });
      clock += 2_000;
    }
    const alerts: string[] = [];
    const w = await worker(store, 'w1', {
      now: () => new Date(clock),
      alert: (line: string) => alerts.push(line),
    });
    expect(await w.runOnce()).toMatchObject({ claimed: 0 });
    expect((await findEvent(store.db, 1))?.status).toBe('dead');
    expect(alerts).toEqual([
      expect.stringMatching(/opportunity.updated o-10.*every worker that took it stopped/),
    ]);
  });

  it('makes a record met through its webhooks known to the sweep, and forgets it once destroyed', async () => {
    await deliver(store, { actor: 'w-ann', id: 'o-11', fields: [], action: 'created' });
    await deliver(store, { actor: 'w-ann', id: 'o-12', fields: [], action: 'created' });
    const w = await worker(store, 'w1');
    await w.runOnce();
    expect([...(await knownIds(store.db, 'opportunity')).keys()].sort()).toEqual(['o-11', 'o-12']);
    await deliver(store, { actor: 'w-ann', id: 'o-11', fields: [], action: 'destroyed' });
    await w.runOnce();
    expect([...(await knownIds(store.db, 'opportunity')).keys()]).toEqual(['o-12']);
    // A deletion known from its webhook: the sweep will ask whether it was restored since.
    await deliver(store, {
      actor: 'w-ann',
      id: 'o-12',
      fields: [],
      action: 'deleted',
      record: { deletedAt: '2026-07-01T11:00:00.000Z' },
    });
    await w.runOnce();
    expect(await knownDeletedIds(store.db, 'opportunity')).toEqual(['o-12']);
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
