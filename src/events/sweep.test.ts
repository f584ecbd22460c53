/**
 * The sweep against the sandbox: its first run is a baseline; after it, it finds every change
 * and every destroy whose webhook never arrived, once, and nothing a webhook (or an earlier
 * sweep) already brought; and one sweep runs at a time, in a process and across replicas.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectHost, type Host } from '../host/host.js';
import { mswServer } from '../host/msw-server.test-support.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { countKnownRecords, getSweepCursor } from '../store/cursors.js';
import { claimEvents, inboxDedupeKey, insertIfNew, recordVersion } from '../store/inbox.js';
import { emptyStore, storeBackends } from '../store/store.test-support.js';
import { IN_MEMORY, openStore, type Store } from '../store/store.js';
import { Sweeper, sweepObject, SWEEP_WEBHOOK_ID, type SweepOptions } from './sweep.js';

const BASE_URL = 'http://twenty.test';
const KEY = 'sweep-test-key';
const server = mswServer();
let store: Store;

beforeAll(async () => {
  store = await openStore({ dataDir: IN_MEMORY });
  await store.migrate();
}, 120_000);
afterAll(() => store.close());
beforeEach(() => emptyStore(store));

interface World {
  readonly host: Host;
  /** The GraphQL documents the host was sent, in order. */
  readonly sent: string[];
  readonly companies: () => Promise<string[]>;
  readonly mutate: (document: string) => Promise<unknown>;
}

async function world(companies = 20): Promise<World> {
  let clock = Date.parse('2027-05-01T09:00:00.000Z'); // after every seeded date
  const sandbox = await createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: { members: 14, companies, people: 0, opportunities: 0 },
    adminKey: KEY,
    // Every write one second later than the one before, as a busy workspace would be.
    now: () => new Date((clock += 1000)),
  });
  server.use(...sandboxHandlers(sandbox.serverOptions, BASE_URL));
  const connected = connectHost({
    baseUrl: BASE_URL,
    token: KEY,
    rateLimit: { requests: 100_000, windowMs: 60_000 },
  });
  const sent: string[] = [];
  const core = new Proxy(connected.core, {
    get(target, property) {
      if (property === 'request')
        return (document: string, variables?: Record<string, unknown>) => {
          sent.push(document);
          return target.request(document, variables);
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return {
    host: { ...connected, core },
    sent,
    companies: () => Promise.resolve(Object.keys(sandbox.state().records.company ?? {}).sort()),
    mutate: (document) => connected.core.request(document),
  };
}

/** Every event in the inbox not yet drained, oldest first. */
const inbox = async () =>
  (
    await store.db
      .selectFrom('tiergate_webhook_inbox')
      .selectAll()
      .where('status', '=', 'pending')
      .orderBy('id')
      .execute()
  ).map((e) => ({
    event: e.event_name,
    record: e.record_id,
    version: e.record_version,
    swept: (JSON.parse(e.body) as { webhookId: string }).webhookId === SWEEP_WEBHOOK_ID,
  }));

/** Takes every event out of `inbox()`, those received at a test's later clock too. */
const drain = () =>
  claimEvents(store.db, {
    workerId: 'drain',
    limit: 10_000,
    leaseMs: 60_000,
    now: new Date('2100-01-01T00:00:00.000Z'),
  });

/** A clock the test moves. */
function clock(start = '2027-06-01T00:00:00.000Z') {
  let at = Date.parse(start);
  return {
    now: () => new Date(at),
    pass: (ms: number) => {
      at += ms;
    },
  };
}

describe('sweepObject', () => {
  it('records a baseline on its first run: 1,000 records known, none enqueued', async () => {
    const { host, companies } = await world(1_000);
    const first = await sweepObject(host, store, 'company');
    expect(first).toMatchObject({ baseline: true, enqueued: 0 });
    expect(await inbox()).toEqual([]);
    expect(await countKnownRecords(store.db, 'company')).toBe((await companies()).length);
    expect((await getSweepCursor(store.db, 'company'))?.updatedAt).toBe(first.cursor);
    // The next sweep re-reads the overlap before the cursor, and finds nothing new there.
    const second = await sweepObject(host, store, 'company');
    expect(second).toMatchObject({ baseline: false, enqueued: 0 });
  }, 120_000);

  it('takes a change made after the install as a change on its first run, the rest as baseline', async () => {
    const { host, companies, mutate } = await world();
    const [a, b] = await companies();
    // Whatever the sandbox's clock says, the install came after the seed and before this write.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const installedAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await mutate(`mutation { updateCompany(id: "${a ?? ''}", data: { name: "After" }) { id } }`);
    await mutate(`mutation { deleteCompany(id: "${b ?? ''}") { id } }`);
    const first = await sweepObject(host, store, 'company', { since: installedAt });
    expect(first.enqueued).toBe(2);
    expect((await inbox()).map((e) => [e.record, e.event]).sort()).toEqual(
      [
        [a, 'company.updated'],
        [b, 'company.deleted'],
      ].sort(),
    );
    expect(await countKnownRecords(store.db, 'company')).toBe((await companies()).length);
    expect((await sweepObject(host, store, 'company', { since: installedAt })).enqueued).toBe(0);
  });

  it('keeps its cursor at its own start when a member dates a record in the future, and says so', async () => {
    const { host, companies, mutate } = await world();
    await sweepObject(host, store, 'company');
    await mutate(
      `mutation { createCompany(data: { name: "Far", deletedAt: "2999-01-01T00:00:00.000Z" }) { id } }`,
    );
    const tricked = await sweepObject(host, store, 'company');
    expect(tricked.futureDated).toBeGreaterThan(0);
    expect((await getSweepCursor(store.db, 'company'))?.updatedAt ?? '').not.toMatch(/^2999/);
    expect(
      ((await getSweepCursor(store.db, 'company'))?.updatedAt ?? '') <= new Date().toISOString(),
    ).toBe(true);
    // A change made afterwards, whose webhook was lost, is still found.
    const [a] = await companies();
    await mutate(`mutation { updateCompany(id: "${a ?? ''}", data: { name: "Later" }) { id } }`);
    expect((await sweepObject(host, store, 'company')).enqueued).toBeGreaterThanOrEqual(1);
    const lines: string[] = [];
    const sweeper = new Sweeper(host, store, ['company'], { alert: (l) => lines.push(l) });
    await sweeper.run();
    expect(lines).toEqual([expect.stringMatching(/dated after now/)]);
  });

  it('finds a restore whose webhook was lost, though it moves neither updatedAt nor the count', async () => {
    const { host, companies, mutate } = await world();
    await sweepObject(host, store, 'company');
    const [a] = await companies();
    await mutate(`mutation { deleteCompany(id: "${a ?? ''}") { id } }`);
    expect((await sweepObject(host, store, 'company')).enqueued).toBe(1);
    await mutate(`mutation { restoreCompany(id: "${a ?? ''}") { id } }`);
    expect((await sweepObject(host, store, 'company')).enqueued).toBe(1);
    expect((await inbox()).map((e) => e.event)).toEqual(['company.deleted', 'company.restored']);
    // Found once: the record is known live again.
    expect((await sweepObject(host, store, 'company')).enqueued).toBe(0);
  });

  it('leaves a change younger than its settle time to the webhook, and takes it once settled', async () => {
    const { host, companies, mutate } = await world();
    await sweepObject(host, store, 'company');
    const [a] = await companies();
    await mutate(`mutation { updateCompany(id: "${a ?? ''}", data: { name: "Fresh" }) { id } }`);
    // The sandbox's clock starts at 2027-05-01T09:00 and ticks a second a write.
    const at = (iso: string) => () => new Date(iso);
    const settle = { settleMs: 60_000, overlapMs: 0 };
    const soon = await sweepObject(host, store, 'company', {
      ...settle,
      now: at('2027-05-01T09:00:30.000Z'),
    });
    expect(soon.enqueued).toBe(0);
    const settled = await sweepObject(host, store, 'company', {
      ...settle,
      now: at('2027-05-01T09:05:00.000Z'),
    });
    expect(settled.enqueued).toBe(1);
  });

  it('calls a record it last read deleted and now reads live a restore, or an update once changed since', async () => {
    const { host, companies, mutate } = await world();
    await sweepObject(host, store, 'company', { overlapMs: 3_600_000 });
    const [a, b] = await companies();
    for (const id of [a, b]) await mutate(`mutation { deleteCompany(id: "${id ?? ''}") { id } }`);
    await sweepObject(host, store, 'company', { overlapMs: 3_600_000 });
    for (const id of [a, b]) await mutate(`mutation { restoreCompany(id: "${id ?? ''}") { id } }`);
    await mutate(`mutation { updateCompany(id: "${b ?? ''}", data: { name: "Back" }) { id } }`);
    // Both are read again (the overlap covers them); only the unchanged one is a plain restore.
    expect((await sweepObject(host, store, 'company', { overlapMs: 3_600_000 })).enqueued).toBe(2);
    const events = (await inbox()).map((e) => [e.record, e.event]);
    expect(events.slice(2).sort()).toEqual(
      [
        [a, 'company.restored'],
        [b, 'company.updated'],
      ].sort(),
    );
  });

  it('finds the changes after the baseline, updates and soft deletions alike', async () => {
    const { host, companies, mutate } = await world();
    await sweepObject(host, store, 'company');
    const [a, b, c] = await companies();
    for (const id of [a, b])
      await mutate(
        `mutation { updateCompany(id: "${id ?? ''}", data: { name: "Renamed" }) { id } }`,
      );
    await mutate(`mutation { deleteCompany(id: "${c ?? ''}") { id } }`);

    const result = await sweepObject(host, store, 'company');
    expect(result.enqueued).toBe(3);
    const events = await inbox();
    expect(events.map((e) => [e.record, e.event]).sort()).toEqual(
      [
        [a, 'company.updated'],
        [b, 'company.updated'],
        [c, 'company.deleted'],
      ].sort(),
    );
    expect(events.every((e) => e.swept && e.version !== null)).toBe(true);
    expect((await sweepObject(host, store, 'company')).enqueued).toBe(0);
  });

  it('leaves alone a change its webhook already delivered', async () => {
    const { host, companies, mutate } = await world();
    await sweepObject(host, store, 'company');
    const [a, b] = await companies();
    const updated = async (id: string | undefined) =>
      (
        (await mutate(
          `mutation { updateCompany(id: "${id ?? ''}", data: { name: "Renamed" }) { id updatedAt } }`,
        )) as { updateCompany: { id: string; updatedAt: string } }
      ).updateCompany;
    // The webhook for a's change arrived (as the intake stores it); b's was lost.
    const delivered = await updated(a);
    await updated(b);
    await insertIfNew(store.db, {
      body: JSON.stringify({ eventName: 'company.updated', record: delivered }),
      dedupeKey: inboxDedupeKey({
        webhookId: 'wh-1',
        eventName: 'company.updated',
        recordId: delivered.id,
        eventDate: delivered.updatedAt,
      }),
      eventName: 'company.updated',
      objectName: 'company',
      recordId: delivered.id,
      recordVersion: recordVersion(delivered),
    });

    const result = await sweepObject(host, store, 'company');
    expect(result.enqueued).toBe(1);
    expect((await inbox()).map((e) => [e.record, e.swept])).toEqual([
      [a, false],
      [b, true],
    ]);
  });

  it('finds each destroy whose webhook was lost, exactly once', async () => {
    const { host, companies, mutate } = await world();
    const time = clock();
    const options: SweepOptions = { now: time.now, destroyGraceMs: 0 };
    await sweepObject(host, store, 'company', options);
    const [a, b, c] = await companies();
    // b is soft-deleted (seen so by a sweep) before it is destroyed; c's delete and destroy
    // both happen between two sweeps.
    await mutate(`mutation { deleteCompany(id: "${b ?? ''}") { id } }`);
    time.pass(60_000);
    await sweepObject(host, store, 'company', options);
    await drain();
    await mutate(`mutation { destroyCompany(id: "${a ?? ''}") { id } }`);
    await mutate(`mutation { destroyCompany(id: "${b ?? ''}") { id } }`);
    await mutate(`mutation { deleteCompany(id: "${c ?? ''}") { id } }`);
    await mutate(`mutation { destroyCompany(id: "${c ?? ''}") { id } }`);

    time.pass(60_000);
    const found = await sweepObject(host, store, 'company', options);
    expect(found).toMatchObject({ destroyed: 3, enqueued: 3, idsChecked: true });
    const events = await inbox();
    expect(events.map((e) => [e.record, e.event, e.swept]).sort()).toEqual(
      [a, b, c].map((id) => [id, 'company.destroyed', true]).sort(),
    );
    expect(events.every((e) => e.version === null)).toBe(true);
    await drain();
    for (let i = 0; i < 2; i++) {
      time.pass(2 * 60 * 60_000); // past the periodic comparison too
      expect(await sweepObject(host, store, 'company', options)).toMatchObject({
        enqueued: 0,
        idsChecked: true,
      });
    }
    expect(await countKnownRecords(store.db, 'company')).toBe((await companies()).length);
  });

  it('waits out the grace before declaring a destroy, and then not over its late webhook', async () => {
    const { host, companies, mutate } = await world();
    const time = clock();
    const options: SweepOptions = { now: time.now, destroyGraceMs: 5 * 60_000 };
    await sweepObject(host, store, 'company', options);
    const [a, b] = await companies();
    await mutate(`mutation { destroyCompany(id: "${a ?? ''}") { id } }`);
    await mutate(`mutation { destroyCompany(id: "${b ?? ''}") { id } }`);
    time.pass(60_000);
    // Missing, but their webhooks may be on the way: nothing yet.
    expect(await sweepObject(host, store, 'company', options)).toMatchObject({
      idsChecked: true,
      enqueued: 0,
    });
    // a's webhook lands late; b's never does.
    await insertIfNew(store.db, {
      body: JSON.stringify({ eventName: 'company.destroyed', record: { id: a } }),
      dedupeKey: inboxDedupeKey({
        webhookId: 'wh-1',
        eventName: 'company.destroyed',
        recordId: a ?? '',
        eventDate: time.now().toISOString(),
      }),
      eventName: 'company.destroyed',
      objectName: 'company',
      recordId: a ?? '',
    });
    time.pass(4 * 60_000);
    expect((await sweepObject(host, store, 'company', options)).enqueued).toBe(0);
    time.pass(60_000);
    expect(await sweepObject(host, store, 'company', options)).toMatchObject({
      destroyed: 1,
      enqueued: 1,
    });
    expect((await inbox()).map((e) => [e.record, e.swept])).toEqual([
      [a, false],
      [b, true],
    ]);
  });

  it('reads every id only when the counts differ or the last comparison is old', async () => {
    const { host, sent, companies, mutate } = await world();
    const time = clock();
    const options: SweepOptions = { now: time.now, destroyGraceMs: 0, idCheckEveryMs: 3_600_000 };
    await sweepObject(host, store, 'company', options);
    const idReads = () => sent.filter((d) => /edges \{ node \{ id \} \}/.test(d)).length;
    const before = idReads();
    time.pass(5 * 60_000);
    expect((await sweepObject(host, store, 'company', options)).idsChecked).toBe(false);
    expect(idReads()).toBe(before);
    const [a] = await companies();
    await mutate(`mutation { destroyCompany(id: "${a ?? ''}") { id } }`);
    time.pass(5 * 60_000);
    expect(await sweepObject(host, store, 'company', options)).toMatchObject({
      idsChecked: true,
      destroyed: 1,
    });
    expect(idReads()).toBe(before + 1);
    time.pass(60 * 60_000);
    expect((await sweepObject(host, store, 'company', options)).idsChecked).toBe(true);
  });

  it('cannot see a record created and destroyed between two sweeps (a superseded change)', async () => {
    const { host, mutate } = await world();
    const options: SweepOptions = { destroyGraceMs: 0 };
    await sweepObject(host, store, 'company', options);
    const created = (await mutate(
      'mutation { createCompany(data: { name: "Brief" }) { id } }',
    )) as { createCompany: { id: string } };
    await mutate(`mutation { destroyCompany(id: "${created.createCompany.id}") { id } }`);
    expect((await sweepObject(host, store, 'company', options)).enqueued).toBe(0);
  });

  it('adopts the records of an object swept before it kept ids, without enqueuing them', async () => {
    const { host, companies } = await world();
    await sweepObject(host, store, 'company');
    await store.db.deleteFrom('tiergate_sweep_known').execute();
    expect((await sweepObject(host, store, 'company')).enqueued).toBe(0);
    expect(await countKnownRecords(store.db, 'company')).toBe((await companies()).length);
  });
});

describe('Sweeper', () => {
  it('lets concurrent runs share one sweep instead of reading twice', async () => {
    const { host, sent } = await world();
    const sweeper = new Sweeper(host, store, ['company']);
    await sweeper.run();
    const before = sent.length;
    const [one, two] = await Promise.all([sweeper.run(), sweeper.run()]);
    expect(two).toBe(one);
    const perSweep = sent.length - before;
    await sweeper.run();
    expect(sent.length - before).toBe(2 * perSweep);
  });

  it('lets one replica sweep at a time on a shared PostgreSQL', async () => {
    const backend = storeBackends().find((b) => b.kind === 'postgres');
    if (backend === undefined) throw new Error('no PostgreSQL backend');
    try {
      const { store: a, other: b } = await backend.setup();
      await a.migrate();
      const { host } = await world();
      const results = await Promise.all([
        new Sweeper(host, a, ['company'], { holder: 'replica-a' }).run(),
        new Sweeper(host, b, ['company'], { holder: 'replica-b' }).run(),
      ]);
      expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
      // The lease is given back: the next turn sweeps.
      expect(await new Sweeper(host, b, ['company']).run()).toHaveLength(1);
    } finally {
      await backend.teardown();
    }
  }, 60_000);
});
