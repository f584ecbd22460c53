/**
 * `tiergate events list | show | requeue`, run as the binary runs them, on PGlite and on
 * PostgreSQL: parked events are counted and listed by name, a body is shown only on request
 * and only with the policy's restricted fields replaced, and requeued events are due again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimEvents, findEvent, insertIfNew } from '../store/inbox.js';
import { emptyStore, storeBackends } from '../store/store.test-support.js';
import type { Store } from '../store/store.js';
import { createEventsCommand, HIDDEN_VALUE } from './commands/events.js';
import type { CliIo } from './io.js';
import { runCommand, type CliRun } from './run.test-support.js';
import { main } from './main.js';

const run = runCommand;

const POLICY = `version: 1
tiers: [{ id: junior }, { id: senior }]
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
        fields:
          default: { junior: edit }
          notes: { junior: hidden, senior: edit }
`;
const SECRET = 'call the CFO about the discount';
const NOW = new Date('2026-07-01T12:00:00.000Z');

/** An event in the inbox, then set to `status` with `attempts` and an error. */
async function event(store: Store, recordId: string, status: string, attempts = 8) {
  const body = JSON.stringify({
    eventName: 'opportunity.updated',
    webhookId: 'wh-1',
    record: { id: recordId, name: 'Big deal', notes: SECRET },
  });
  await insertIfNew(store.db, {
    body,
    dedupeKey: recordId,
    eventName: 'opportunity.updated',
    objectName: 'opportunity',
    recordId,
    receivedAt: new Date('2026-07-01T10:00:00.000Z'),
  });
  await sql`update tiergate_webhook_inbox set status = ${status}, attempts = ${attempts},
    last_error = 'the host answered 500' where record_id = ${recordId}`.execute(store.db);
}

describe.each(storeBackends())('tiergate events on $name', (backend) => {
  let store: Store;
  let cwd: string;
  const command = createEventsCommand({
    openStore: () => Promise.resolve({ ...store, close: () => Promise.resolve() }),
    now: () => NOW,
  });
  const events = (...argv: string[]): Promise<CliRun> => run(command, argv, cwd);

  beforeAll(async () => {
    ({ store } = await backend.setup());
    await store.migrate();
  }, 120_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    await emptyStore(store);
    cwd = await mkdtemp(join(tmpdir(), 'tiergate-events-cli-'));
  });
  afterEach(() => rm(cwd, { recursive: true, force: true }));

  it('list counts every status and lists the dead events by event and record, never bodies', async () => {
    await event(store, 'o-1', 'dead');
    await event(store, 'o-2', 'done', 1);
    await event(store, 'o-3', 'dead');
    const result = await events('list');
    expect(result.code).toBe(0);
    expect(result.out).toContain('2 dead');
    expect(result.out).toContain('1 done');
    expect(result.out).toMatch(/opportunity\.updated\s+o-1\s+8\s+the host answered 500/);
    expect(result.out).toMatch(/o-3/);
    expect(result.out).not.toMatch(/o-2/);
    expect(result.out).toContain('tiergate events requeue');
    expect(result.out).not.toContain('CFO');
  });

  it('list --status done --json lists the events in that status', async () => {
    await event(store, 'o-1', 'dead');
    await event(store, 'o-2', 'done', 1);
    const result = await events('list', '--status', 'done', '--json');
    const parsed = JSON.parse(result.out) as { counts: object; events: { recordId: string }[] };
    expect(parsed.counts).toEqual({ pending: 0, processing: 0, done: 1, dead: 1 });
    expect(parsed.events.map((e) => e.recordId)).toEqual(['o-2']);
    expect(result.out).not.toContain('CFO');
  });

  it('show prints the status, attempts, size and last error, and no body without --body', async () => {
    await event(store, 'o-1', 'dead');
    const result = await events('show', '1');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^event 1: opportunity\.updated of opportunity o-1\n/);
    expect(result.out).toMatch(/status\s+dead \(8 attempts\)/);
    expect(result.out).toMatch(/last error\s+the host answered 500/);
    expect(result.out).not.toContain('CFO');
  });

  it('show --body prints the body with the fields the policy restricts replaced', async () => {
    await writeFile(join(cwd, 'tiergate.policy.yaml'), POLICY);
    await event(store, 'o-1', 'dead');
    const result = await events('show', '1', '--body');
    expect(result.code).toBe(0);
    expect(result.out).toContain('"name": "Big deal"');
    expect(result.out).toContain(`"notes": "${HIDDEN_VALUE}"`);
    expect(result.out).not.toContain('CFO');
  });

  it('show --body without a policy refuses to print the body, with exit 1', async () => {
    await event(store, 'o-1', 'dead');
    const result = await events('show', '1', '--body');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/without the policy Tiergate cannot tell which fields to hide/);
    expect(result.out + result.err).not.toContain('CFO');
  });

  it('show --body of a body that is not JSON prints nothing of it, with exit 1', async () => {
    await writeFile(join(cwd, 'tiergate.policy.yaml'), POLICY);
    await event(store, 'o-1', 'dead');
    await sql`update tiergate_webhook_inbox set body = ${`{"notes":"${SECRET}"`}`.execute(store.db);
    const result = await events('show', '1', '--body');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/not JSON, so it cannot be redacted and is not shown/);
    expect(result.out + result.err).not.toContain('CFO');
  });

  it('requeue puts a dead event back: pending, no attempts, due now, claimable', async () => {
    await event(store, 'o-1', 'dead');
    await event(store, 'o-2', 'dead');
    const result = await events('requeue', '2');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^requeued 1 event \(2\)/);
    expect(await findEvent(store.db, 2)).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: NOW,
    });
    expect((await findEvent(store.db, 1))?.status).toBe('dead');
    const claimed = await claimEvents(store.db, { workerId: 'w', limit: 10, leaseMs: 1, now: NOW });
    expect(claimed.map((e) => e.id)).toEqual([2]);
  });

  it('requeue --all requeues every dead event and leaves the others', async () => {
    await event(store, 'o-1', 'dead');
    await event(store, 'o-2', 'done', 1);
    await event(store, 'o-3', 'dead');
    expect((await events('requeue', '--all', '--json')).out).toBe(
      `${JSON.stringify({ requeued: [1, 3] }, null, 2)}\n`,
    );
    expect((await findEvent(store.db, 2))?.status).toBe('done');
    expect((await events('requeue', '--all')).out).toBe('no dead events to requeue\n');
  });

  it('requeue of an event that is not dead, or not there, fails with exit 1 and says why', async () => {
    await event(store, 'o-1', 'done', 1);
    expect(await events('requeue', '1')).toMatchObject({
      code: 1,
      err: 'event 1 is done, not dead: only dead events are requeued\n',
    });
    expect((await events('requeue', '9')).code).toBe(1);
    expect((await events('show', '9')).err).toMatch(/^no inbox event 9 /);
  });

  it.each([
    [['show'], /give the event id/],
    [['show', 'x1'], /the event id must be a positive whole number/],
    [['list', '--status', 'parked'], /--status takes pending, processing, done, dead/],
    [['list', '--body'], /--body is not an option of tiergate events list/],
    [['requeue', '1', '--all'], /an event id or --all, not both/],
    [['replay'], /unknown subcommand "replay"/],
  ])('%j is a usage error (exit 64)', async (argv, message) => {
    const result = await events(...argv);
    expect(result.code).toBe(64);
    expect(result.err).toMatch(message);
  });
});

describe('tiergate events in the command list', () => {
  it('is listed in the main help and has its own help', async () => {
    let out = '';
    const io: CliIo = {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => 0 },
      cwd: tmpdir(),
      env: {},
    };
    expect(await main(['--help'], io)).toBe(0);
    expect(out).toMatch(/\n {2}events\s+List, show and requeue webhook events/);
    out = '';
    expect(await main(['events', '--help'], io)).toBe(0);
    expect(out).toMatch(/^Usage: tiergate events list/);
    expect(out).toContain('requeue  puts a dead event');
  });
});
