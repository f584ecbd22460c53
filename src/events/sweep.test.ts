/**
 * The sweep against the sandbox: it finds every change whose webhook never arrived, once, and
 * nothing a webhook (or an earlier sweep) already brought.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectHost, type Host } from '../host/host.js';
import { mswServer } from '../host/msw-server.test-support.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { claimEvents, inboxDedupeKey, insertIfNew, recordVersion } from '../store/inbox.js';
import { emptyStore } from '../store/store.test-support.js';
import { IN_MEMORY, openStore, type Store } from '../store/store.js';
import { sweepObject, SWEEP_WEBHOOK_ID } from './sweep.js';

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

async function world(): Promise<{ host: Host; companies: () => Promise<string[]> }> {
  let clock = Date.parse('2027-05-01T09:00:00.000Z'); // after every seeded date
  const sandbox = await createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: { members: 14, companies: 20, people: 0, opportunities: 0 },
    adminKey: KEY,
    // Every write one second later than the one before, as a busy workspace would be.
    now: () => new Date((clock += 1000)),
  });
  server.use(...sandboxHandlers(sandbox.serverOptions, BASE_URL));
  const host = connectHost({
    baseUrl: BASE_URL,
    token: KEY,
    rateLimit: { requests: 100_000, windowMs: 60_000 },
  });
  return {
    host,
    companies: () => Promise.resolve(Object.keys(sandbox.state().records.company ?? {}).sort()),
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

describe('sweepObject', () => {
  it('brings every record once on the first sweep, and nothing on the next', async () => {
    const { host, companies } = await world();
    const first = await sweepObject(host, store, 'company');
    expect(first).toMatchObject({ object: 'company', read: 20, enqueued: 20 });
    const events = await inbox();
    expect(events.map((e) => e.record).sort()).toEqual(await companies());
    expect(events.every((e) => e.swept && e.version !== null)).toBe(true);
    const second = await sweepObject(host, store, 'company');
    expect(second.enqueued).toBe(0);
  });

  it('finds the changes since its cursor, updates and soft deletions alike', async () => {
    const { host, companies } = await world();
    await sweepObject(host, store, 'company');
    await emptyStore(store); // keep only what the second sweep adds (the cursor goes too)…
    await sweepObject(host, store, 'company'); // …so set it again, then change three records
    await claimEvents(store.db, { workerId: 'drain', limit: 1000, leaseMs: 60_000 });
    const [a, b, c] = await companies();
    for (const id of [a, b])
      await host.core.request(
        `mutation { updateCompany(id: "${id ?? ''}", data: { name: "Renamed" }) { id } }`,
      );
    await host.core.request(`mutation { deleteCompany(id: "${c ?? ''}") { id } }`);

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
  });

  it('leaves alone a change its webhook already delivered', async () => {
    const { host, companies } = await world();
    await sweepObject(host, store, 'company');
    await claimEvents(store.db, { workerId: 'drain', limit: 1000, leaseMs: 60_000 });
    const [a, b] = await companies();
    const updated = async (id: string | undefined) =>
      (
        await host.core.request<{ updateCompany: { id: string; updatedAt: string } }>(
          `mutation { updateCompany(id: "${id ?? ''}", data: { name: "Renamed" }) { id updatedAt } }`,
        )
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
});
