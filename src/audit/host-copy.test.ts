/**
 * The host's copy of the journal, read back from the sandbox (Twenty's API as the sandbox serves
 * it) page by page after the relay wrote it: an untampered copy agrees with the journal, and an
 * entry changed or a checkpoint deleted through the API is caught by `verifyStoredJournal`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectHost, type Host } from '../host/host.js';
import { mswServer } from '../host/msw-server.test-support.js';
import { sandboxHandlers } from '../sandbox/msw-handlers.test-support.js';
import { createSandbox } from '../sandbox/sandbox.js';
import { emptyStore } from '../store/store.test-support.js';
import { IN_MEMORY, openStore, type Store } from '../store/store.js';
import { install } from '../sync/install.js';
import { resolveAddonUrl, tiergateManifest } from '../twenty-app/manifest.js';
import { readHostCopy } from './host-copy.js';
import { Journal, verifyStoredJournal } from './journal-store.js';
import { KeyRing } from './key-ring.js';
import { auditRecordId, OutboxRelay } from './outbox-relay.js';

const BASE_URL = 'http://twenty.test';
const ADMIN_KEY = 'admin-key-for-host-copy-tests';
const ADDON_URL = 'https://tiergate.example.com';
const T0 = Date.parse('2026-03-01T09:00:00.000Z');
const manifest = tiergateManifest();
const server = mswServer();
const ring = KeyRing.generate(new Date(T0));

let store: Store;
let dir: string;
let host: Host;
let journal: Journal;

beforeAll(async () => {
  store = await openStore({ dataDir: IN_MEMORY });
  await store.migrate();
}, 120_000);
afterAll(() => store.close());

beforeEach(async () => {
  await emptyStore(store);
  dir = await mkdtemp(join(tmpdir(), 'tiergate-host-copy-'));
  const sandbox = await createSandbox({ rls: false, seed: 'none', adminKey: ADMIN_KEY });
  server.use(
    ...sandboxHandlers(sandbox.serverOptions, BASE_URL),
    http.post(
      resolveAddonUrl(manifest.webhook.targetUrl, ADDON_URL),
      () => new HttpResponse(null, { status: 200 }),
    ),
  );
  host = connectHost({
    baseUrl: BASE_URL,
    token: ADMIN_KEY,
    retry: { attempts: 1 },
    rateLimit: { requests: 1_000_000, windowMs: 1_000 },
  });
  await install(host, manifest, { addonUrl: ADDON_URL });
  let clock = T0;
  journal = new Journal(store, ring, {
    cwd: dir,
    checkpointPolicy: { everyEntries: 20, everyMs: 3_600_000 },
    now: () => new Date((clock += 1000)),
  });
  // More entries than one page (60), so the copy is read over several pages.
  for (let i = 1; i <= 75; i++)
    await journal.append([
      {
        actor: `m-${i % 4}`,
        action: 'policy.apply',
        target: `role:rep#${i}`,
        before: i % 3 === 0 ? null : { n: i, nested: { b: [1, 2], a: 'x' } },
        after: { n: i + 1, text: 'déjà vu' },
        reason: i % 2 === 0 ? 'review' : null,
      },
    ]);
  const relay = new OutboxRelay(store, host, {
    backoff: { baseMs: 1, maxMs: 1 },
    log: () => undefined,
  });
  expect(await relay.runOnce()).toMatchObject({ delivered: 75, failed: 0, parked: 0 });
}, 120_000);
afterEach(() => rm(dir, { recursive: true, force: true }));

const verify = async () =>
  verifyStoredJournal(store, ring, {
    checkpointPath: journal.checkpointPath,
    host: await readHostCopy(host.core),
  });

describe("the host's copy read back from Twenty", () => {
  it('agrees with an untampered journal, every entry and checkpoint compared', async () => {
    expect(await verify()).toMatchObject({
      ok: true,
      entries: 75,
      host: { compared: true, entries: 75, checkpoints: 4 },
    });
  });

  it('catches an entry changed through the API, naming the field', async () => {
    const entry = await store.db
      .selectFrom('tiergate_audit_journal')
      .select('hash')
      .where('seq', '=', 61)
      .executeTakeFirstOrThrow();
    await host.core.request(
      `mutation { updateTiergateAuditEntry(id: "${auditRecordId(entry.hash)}", data: { reason: "nothing to see" }) { id } }`,
    );
    const report = await verify();
    expect(report.ok ? undefined : report.problem).toMatchObject({
      seq: 61,
      kind: 'host-entry-differs',
      message: expect.stringContaining('differs from the journal in reason') as unknown,
    });
  });

  it('catches a checkpoint deleted through the API', async () => {
    const copy = await readHostCopy(host.core);
    expect(copy.checkpoints).toHaveLength(4);
    const records = await host.core.request<{
      tiergateAuditEntries: { edges: { node: { id: string; sequence: number } }[] };
    }>(
      `query { tiergateAuditEntries(filter: { action: { eq: "journal.checkpoint" } }) { edges { node { id sequence } } } }`,
    );
    const second = records.tiergateAuditEntries.edges.find((e) => e.node.sequence === 21);
    expect(second).toBeDefined();
    await host.core.request(
      `mutation { deleteTiergateAuditEntry(id: "${second?.node.id ?? ''}") { id } }`,
    );
    const report = await verify();
    expect(report.ok ? undefined : report.problem).toMatchObject({
      seq: 21,
      kind: 'checkpoint-not-on-host',
    });
  });
});
