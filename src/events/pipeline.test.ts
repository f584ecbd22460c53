/**
 * The pipeline end to end over real HTTP: the sandbox delivers signed webhooks to Tiergate's
 * intake, but drops 30% of them; after a sweep, the journal holds every change exactly once,
 * a member's change outside its rights is a violation, and the relay mirrors the journal into
 * the sandbox's audit object.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '../host/host.js';
import { loadPolicy } from '../policy/load.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import { getSweepCursor } from '../store/cursors.js';
import { storeBackends } from '../store/store.test-support.js';
import { IN_MEMORY, openStore, type Store } from '../store/store.js';
import { install } from '../sync/install.js';
import { tiergateManifest } from '../twenty-app/manifest.js';
import { createLogger } from './logger.js';
import { openPipeline, type PipelineOptions } from './pipeline.js';
import { startServer, type RunningServer } from './server.js';
import { readWorkspaceView } from '../sync/workspace-view.js';

const ADMIN = 'pipeline-test-admin-key';
let store: Store;
let sandbox: Sandbox;
let crm: RunningSandbox;
let intake: RunningServer;
let delivered = 0;
let dropped = 0;

/** Deterministic: drops 3 deliveries in 10. */
function droppingFetch(): typeof fetch {
  let n = 0;
  return (input, init) => {
    n++;
    if (n % 10 === 3 || n % 10 === 6 || n % 10 === 9) {
      dropped++;
      return Promise.reject(new TypeError('fetch failed (dropped by the test)'));
    }
    delivered++;
    return fetch(input, init);
  };
}

beforeAll(async () => {
  store = await openStore({ dataDir: IN_MEMORY });
  await store.migrate();
  sandbox = await createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: { members: 14, companies: 40, people: 0, opportunities: 0 },
    adminKey: ADMIN,
    fetch: droppingFetch(),
    // Twenty's worker must be allowed to reach the intake on loopback.
    outbound: { worker: { safeModeEnabled: true, allowedInternalHosts: ['127.0.0.1'] } },
  });
  crm = await startSandboxServer(sandbox.serverOptions, 0);
}, 120_000);
afterAll(async () => {
  await intake.close();
  await crm.close();
  await sandbox.settle();
});

/** Every member a rep who reads every company; `more` adds lines under the company rules. */
function repPolicy(members: readonly { id: string }[], more = '') {
  return loadPolicy(`version: 1
tiers: [{ id: junior }]
objects: { company: { owner: [accountOwnerId] } }
org:
  members:
${members.map((m) => `    - { id: ${m.id}, role: rep }`).join('\n')}
roles:
  rep:
    label: Rep
    duties: Sells.
    defaultTier: junior
    objects:
      company:
        read: { junior: all }
${more}`);
}

describe('the event pipeline', () => {
  it('journals every change once after a sweep, though 30% of webhooks were lost', async () => {
    const host = connectHost({
      baseUrl: crm.url,
      token: ADMIN,
      rateLimit: { requests: 100_000, windowMs: 60_000 },
    });
    // The intake listens first, so install can point the webhook at it.
    const hook: { secret?: string } = {};
    intake = await startServer({
      store,
      webhookSecret: () => hook.secret,
      logger: createLogger({ level: 'silent' }),
      closeStore: true,
    });
    const installed = await install(host, tiergateManifest(), { addonUrl: intake.url });
    hook.secret = installed.webhook.secret;
    await host.dataModel.refresh();

    const members = sandbox
      .state()
      .members.filter(
        (m) => m.roleId !== sandbox.state().roles.find((r) => r.label === 'Admin')?.id,
      );
    const [rep] = members;
    const policy = repPolicy(
      members,
      `        update: { junior: own }
        fields: { default: { junior: edit }, employees: { junior: read } }
`,
    );
    const pipeline = await openPipeline({
      store,
      host,
      workspace: await readWorkspaceView(host, policy),
      cwd: mkdtempSync(join(tmpdir(), 'tiergate-pipeline-')),
      secretKey: randomBytes(32),
      workerId: 'test-worker',
      sweepEveryMs: 0,
      // A destroy is declared at the first sweep that misses it: every webhook here has landed
      // or failed before the sweep runs.
      sweep: { destroyGraceMs: 0, settleMs: 0 },
    });
    expect(pipeline.objects).toEqual(['company']);
    // The sweep's starting point: what is there before the changes, a baseline, not changes.
    const baseline = await pipeline.sweepNow();
    expect(baseline).toMatchObject([{ baseline: true, enqueued: 0 }]);
    const drain = async () => {
      for (;;) if ((await pipeline.workOnce()).claimed === 0) return;
    };
    await drain();
    const before = (await pipeline.journal.tail(10_000)).length;
    expect(before).toBe(0);
    delivered = 0;
    dropped = 0;

    // Twenty changes by the admin's key, one per company, and one by a rep's own token that
    // changes a field the policy makes read-only.
    const companies = Object.keys(sandbox.state().records.company ?? {})
      .sort()
      .slice(0, 20);
    for (const id of companies)
      await host.core.request(
        `mutation { updateCompany(id: "${id}", data: { name: "Renamed ${id}" }) { id } }`,
      );
    const token = rep?.token ?? '';
    const own = Object.values(sandbox.state().records.company ?? {}).find(
      (c) => c.accountOwnerId === rep?.id,
    );
    await connectHost({ baseUrl: crm.url, token }).core.request(
      `mutation { updateCompany(id: "${String(own?.id)}", data: { employees: 12 }) { id } }`,
    );
    // Four companies destroyed (the first soft-deleted before), their webhooks lost or not.
    const destroyed = Object.keys(sandbox.state().records.company ?? {})
      .sort()
      .slice(30, 34);
    await host.core.request(`mutation { deleteCompany(id: "${destroyed[0] ?? ''}") { id } }`);
    for (const id of destroyed)
      await host.core.request(`mutation { destroyCompany(id: "${id}") { id } }`);
    await sandbox.settle();
    expect(dropped).toBeGreaterThan(3);
    expect(delivered).toBeGreaterThan(10);

    await drain();
    const afterWebhooks = (await pipeline.journal.tail(10_000)).length - before;
    const swept = await pipeline.sweepNow();
    await drain();
    const entries = (await pipeline.journal.tail(10_000)).slice(before);
    const changes = entries.filter((e) => e.action === 'record.updated');
    // Every company changed shows up once, found by a webhook or by the sweep.
    const targets = changes.map((e) => e.target).sort();
    expect(targets).toEqual(
      [...companies.map((id) => `company/${id}`), `company/${String(own?.id)}`]
        .filter((t, i, all) => all.indexOf(t) === i)
        .sort(),
    );
    expect(afterWebhooks).toBeLessThan(changes.length);
    // Each destroy once, by its webhook or by the sweep's comparison of ids.
    const destroys = entries.filter((e) => e.action === 'record.destroyed').map((e) => e.target);
    expect(destroys.sort()).toEqual(destroyed.map((id) => `company/${id}`).sort());
    expect(
      entries.filter((e) => e.action === 'record.destroyed' && e.reason !== null).length,
    ).toBeGreaterThan(0);
    const found = entries.filter((e) => e.action.startsWith('record.') && e.reason !== null);
    expect(swept[0]?.enqueued).toBe(found.length);
    // The rep's edit of a read-only field is a violation, under the rep's own id.
    const violation = entries.find((e) => e.action === 'violation.fields');
    expect(violation).toMatchObject({ actor: rep?.id, target: `company/${String(own?.id)}` });
    expect(violation?.reason).toMatch(/may not edit employees/);
    expect((await pipeline.journal.verify()).ok).toBe(true);

    // The relay mirrors the whole journal into the sandbox's audit object.
    for (;;) if ((await pipeline.relayOnce()).delivered === 0) break;
    // …and each signed checkpoint beside them (the first is signed with the first entries).
    const mirrored = Object.values(sandbox.state().records.tiergateAuditEntry ?? {});
    const checkpoints = mirrored.filter((r) => r.action === 'journal.checkpoint');
    expect(mirrored.length - checkpoints.length).toBe((await pipeline.journal.tail(10_000)).length);
    const report = await pipeline.journal.verify();
    expect(checkpoints.length).toBe(report.ok ? report.checkpointsChecked : -1);
    expect(checkpoints.length).toBeGreaterThan(0);
    await pipeline.stop();
  }, 120_000);
});

describe("the pipeline's sweep", () => {
  /** A pipeline over `over` reading the sandbox's companies (members from the sandbox). */
  const pipelineOver = async (over: Store, options: Partial<PipelineOptions> = {}) => {
    const host = connectHost({
      baseUrl: crm.url,
      token: ADMIN,
      rateLimit: { requests: 100_000, windowMs: 60_000 },
    });
    const members = sandbox.state().members;
    const policy = repPolicy(members);
    return openPipeline({
      store: over,
      host,
      workspace: await readWorkspaceView(host, policy),
      cwd: mkdtempSync(join(tmpdir(), 'tiergate-pipeline-')),
      secretKey: randomBytes(32),
      workerId: 'sweep-test',
      ...options,
    });
  };

  it('sweeps at start-up, not a period later', async () => {
    const fresh = await openStore({ dataDir: IN_MEMORY });
    try {
      await fresh.migrate();
      const pipeline = await pipelineOver(fresh, { sweepEveryMs: 3_600_000 });
      pipeline.start();
      const deadline = Date.now() + 20_000;
      while ((await getSweepCursor(fresh.db, 'company')) === undefined && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await pipeline.stop();
      expect(await getSweepCursor(fresh.db, 'company')).toBeDefined();
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('lets one of two pipelines on one PostgreSQL sweep at a time', async () => {
    const backend = storeBackends().find((b) => b.kind === 'postgres');
    if (backend === undefined) throw new Error('no PostgreSQL backend');
    try {
      const { store: a, other: b } = await backend.setup();
      await a.migrate();
      const [one, two] = await Promise.all([
        pipelineOver(a, { sweepEveryMs: 0 }),
        pipelineOver(b, { sweepEveryMs: 0 }),
      ]);
      const results = await Promise.all([one.sweepNow(), two.sweepNow()]);
      expect(results.map((r) => r.length).sort()).toEqual([0, 1]);
      await Promise.all([one.stop(), two.stop()]);
    } finally {
      await backend.teardown();
    }
  }, 60_000);
});
