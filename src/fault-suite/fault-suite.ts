/**
 * The fault suite: the sandbox CRM served over HTTP with Tiergate installed, `tiergate serve` as
 * a child process on a PostgreSQL database of its own, and a seeded stream of member changes,
 * with faults injected mid-stream:
 *   - kill: serve is SIGKILLed, members go on working (their webhooks fail, as Twenty sends each
 *     once and never again), then serve starts again on the same port;
 *   - outage: the host's HTTP server stops (connections refused) for `outageMs` while members
 *     go on working inside it (webhooks still come: Twenty's workers send them), so the relay,
 *     the viewers' writes and the org reading all fail for longer than their retries, then it
 *     listens again on the same port with the same state;
 *   - drop: PostgreSQL ends serve's connections (pg_terminate_backend), a few times in a row.
 * Then it waits for quiescence (inbox drained, outbox delivered, checkpoints mirrored), runs a
 * sweep, waits again, and hands the changes, the journal and the host's audit records to the
 * checker (checker.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { mulberry32 } from '../../bench/prng.js';
import { connectHost, type Host } from '../host/host.js';
import { createSandbox, type Sandbox } from '../sandbox/sandbox.js';
import { RAISED_RATE_LIMIT } from '../sandbox/rate-limit.js';
import { startSandboxServer, type RunningSandbox } from '../sandbox/server.js';
import { createDatabase, dropDatabase, terminateConnections } from '../store/databases.js';
import { countEventsByStatus } from '../store/inbox.js';
import { recordEvents } from '../store/inbox-admin.js';
import {
  allJournalRows,
  countUnmirroredCheckpoints,
  listCheckpoints,
  type Checkpoint,
  type JournalRow,
} from '../store/journal-rows.js';
import { outboxSummary } from '../store/outbox.js';
import { openStore, redactDatabaseUrl, type Store } from '../store/store.js';
import { install } from '../sync/install.js';
import { tiergateManifest } from '../twenty-app/manifest.js';
import { sweep } from '../events/sweep.js';
import { ChangeStream, type SendAs, type StreamMember } from './change-stream.js';
import {
  check,
  versionOf,
  type CheckReport,
  type HostAuditRecord,
  type MadeChange,
  type SweepWindow,
} from './checker.js';
import { assertBuilt, startServe, type ServeProcess } from './serve-process.js';

/** The statuses with rows, as a count by status. */
function present(counts: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

export type FaultKind = 'kill' | 'outage' | 'drop';

export interface FaultSuiteOptions {
  readonly seed: number;
  /** Members making changes (at most the sandbox's seeded members). */
  readonly members: number;
  /** Changes attempted. */
  readonly operations: number;
  readonly kills: number;
  readonly outages: number;
  readonly drops: number;
  /** How long the host stays unreachable in an outage. */
  readonly outageMs: number;
  /** Changes made while serve is down after a kill. */
  readonly opsWhileDown?: number;
  /** A sweep after each fault's recovery as well as at the end. */
  readonly sweepAfterFaults?: boolean;
  /** How long to wait for quiescence after the stream before reporting what is stuck. */
  readonly quiescenceTimeoutMs: number;
  /** The same after the final sweep (default: `quiescenceTimeoutMs`). */
  readonly sweepQuiescenceTimeoutMs?: number;
  /** The PostgreSQL server (a database is created on it and dropped); the tests' by default. */
  readonly databaseServerUrl?: string;
  readonly onProgress?: (progress: { done: number; total: number; phase: string }) => void;
  readonly log?: (line: string) => void;
}

export interface FaultSuiteResult {
  readonly report: CheckReport;
  /** Member ids to names, for the report. */
  readonly names: ReadonlyMap<string, string>;
  /** Undefined when quiescence came; else what was still moving when the wait ended. */
  readonly notQuiescent?: string;
  readonly faults: readonly string[];
  /** serve's deaths nobody caused (each followed by a restart, as a supervisor would). */
  readonly crashes: readonly string[];
  readonly refused: readonly string[];
  /** Webhook deliveries of the members' changes that got no 2xx. */
  readonly undelivered: number;
  readonly serveTail: string;
  /** For each of the first lost changes, what the inbox held of its record: to see why. */
  readonly lostHistory: readonly string[];
}

/** The tests' PostgreSQL server (src/store/store.test-support.ts), unless DATABASE_URL says. */
const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/test';
/** serve's connections carry this name, so that the drop fault ends only theirs. */
const SERVE_APPLICATION = 'tiergate-fault-serve';
const ADMIN_KEY_BYTES = 24;
const LOCAL_RATE_LIMIT = { requests: 1_000_000, windowMs: 1_000 };
const STREAM_OBJECTS = ['company', 'opportunity'];
/** Pause between changes, so that deliveries and processing interleave with the stream. */
const PACE_MS = 15;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** A policy governing the stream's objects, with every acting member in one role. */
function policyYaml(members: readonly StreamMember[]): string {
  const rights = {
    read: { junior: 'all' },
    create: { junior: true },
    update: { junior: 'all' },
    delete: { junior: 'all' },
    fields: { default: { junior: 'edit' } },
  };
  return stringify({
    version: 1,
    tiers: [{ id: 'junior' }],
    objects: { company: { owner: ['accountOwnerId'] }, opportunity: { owner: ['ownerId'] } },
    org: { members: members.map((m) => ({ id: m.id, role: 'rep' })) },
    roles: {
      rep: {
        label: 'Rep',
        duties: 'Works the accounts and deals of the fault suite.',
        defaultTier: 'junior',
        objects: { company: rights, opportunity: rights },
      },
    },
  });
}

interface Delivery {
  readonly key: string;
  readonly ok: boolean;
}

/** Twenty's deliveries, recorded: which event of which record version got a 2xx. */
function recordingFetch(deliveries: Delivery[]): typeof fetch {
  return async (input, init) => {
    let key = '';
    // The sandbox posts the body as a string (webhook-delivery.ts).
    const text = typeof init?.body === 'string' ? init.body : '';
    try {
      const body = JSON.parse(text) as { eventName?: string; record?: unknown };
      const record = body.record as { id?: unknown } | undefined;
      key = `${body.eventName ?? ''}|${String(record?.id)}|${versionOf(record) ?? ''}`;
    } catch {
      // Not a record event body: recorded under no key, matched by no change.
    }
    try {
      const response = await fetch(input, init);
      deliveries.push({ key, ok: response.ok });
      return response;
    } catch (error) {
      deliveries.push({ key, ok: false });
      throw error;
    }
  };
}

const changeKey = (c: MadeChange): string => `${c.object}.${c.action}|${c.recordId}|${c.version}`;

export class FaultSuite {
  private readonly database = `tiergate_fault_${randomBytes(6).toString('hex')}`;
  private readonly cwd = mkdtempSync(join(tmpdir(), 'tiergate-fault-'));
  private readonly deliveries: Delivery[] = [];
  private readonly faults: string[] = [];
  private readonly crashes: string[] = [];
  private readonly sweeps: SweepWindow[] = [];
  private admin: Store | undefined;
  private store: Store | undefined;
  private sandbox: Sandbox | undefined;
  private running: RunningSandbox | undefined;
  private serve: ServeProcess | undefined;
  private host: Host | undefined;
  private sandboxPort = 0;
  private servePort = 0;
  private hostDown = false;
  private installedAt: string | undefined;
  private serveEnv: Record<string, string> = {};
  private serveArgs: string[] = [];

  constructor(private readonly options: FaultSuiteOptions) {}

  private log(line: string): void {
    this.options.log?.(line);
  }

  private get db(): Store['db'] {
    if (this.store === undefined) throw new Error('the fault suite is not set up');
    return this.store.db;
  }

  private async openDatabase(): Promise<string> {
    const server =
      this.options.databaseServerUrl ?? (process.env.DATABASE_URL?.trim() || DEFAULT_SERVER);
    this.admin = await openStore({
      databaseUrl: server,
      databaseUrlName: 'the fault suite server',
    }).catch((error: unknown) => {
      throw new Error(
        `the fault suite needs PostgreSQL at ${redactDatabaseUrl(server)} (DATABASE_URL or the tests' default): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    });
    await createDatabase(this.admin.db, this.database);
    const url = new URL(server);
    url.pathname = `/${this.database}`;
    this.store = await openStore({
      databaseUrl: url.toString(),
      databaseUrlName: 'the fault suite database',
    });
    await this.store.migrate();
    url.searchParams.set('application_name', SERVE_APPLICATION);
    return url.toString();
  }

  /** Sandbox, install, serve; returns the acting members. */
  async setUp(): Promise<StreamMember[]> {
    await assertBuilt();
    const databaseUrl = await this.openDatabase();
    const adminKey = `tg_admin_${randomBytes(ADMIN_KEY_BYTES).toString('base64url')}`;
    this.sandbox = await createSandbox({
      rls: false,
      seed: 'default',
      // Records that exist before the add-on is installed: none of them is a change to journal.
      seedCounts: { members: 20, companies: 15, people: 0, opportunities: 15 },
      adminKey,
      fetch: recordingFetch(this.deliveries),
      // The add-on listens on 127.0.0.1: Twenty's worker must be allowed to reach it.
      outbound: { worker: { safeModeEnabled: true, allowedInternalHosts: ['127.0.0.1'] } },
      rateLimit: RAISED_RATE_LIMIT,
    });
    this.running = await startSandboxServer(this.sandbox.serverOptions, 0);
    this.sandboxPort = Number(new URL(this.running.url).port);
    this.servePort = await freePort();
    this.host = connectHost({
      baseUrl: this.running.url,
      token: adminKey,
      rateLimit: LOCAL_RATE_LIMIT,
    });
    const installed = await install(this.host, tiergateManifest(), {
      addonUrl: `http://127.0.0.1:${this.servePort}`,
    });
    await this.host.dataModel.refresh();
    this.installedAt = installed.installedAt;
    // What serve's start-up sweep does on a real install: the records already there are known.
    await this.sweepNow();
    const names = this.memberNames();
    const members = this.sandbox
      .state()
      .members.slice(0, Math.max(1, this.options.members))
      .map((m): StreamMember => ({ id: m.id, name: names.get(m.id) ?? m.userEmail }));
    const policy = join(this.cwd, 'tiergate.policy.yaml');
    writeFileSync(policy, policyYaml(members));
    this.serveEnv = {
      DATABASE_URL: databaseUrl,
      TIERGATE_WEBHOOK_SECRET: installed.webhook.secret,
      TIERGATE_SECRET_KEY: randomBytes(32).toString('base64'),
      TIERGATE_LOG_LEVEL: 'warn',
    };
    this.serveArgs = [
      '--policy',
      policy,
      '--host',
      this.running.url,
      '--api-key',
      // The add-on's own key, as serve uses after `tiergate install`: its writes are told apart
      // from everyone's by the key's name.
      installed.appKey?.token ?? adminKey,
      '--sweep-minutes',
      '0',
    ];
    await this.startServe();
    return members;
  }

  private async startServe(): Promise<void> {
    this.serve = await startServe({
      cwd: this.cwd,
      port: this.servePort,
      args: this.serveArgs,
      env: this.serveEnv,
      readyTimeoutMs: 60_000,
    });
  }

  /** Restarts serve when it died by itself, and says so: a crash is a finding, not a fault. */
  private async ensureServe(where: string): Promise<void> {
    const how = this.serve?.crashed();
    if (how === undefined) return;
    const lines = (this.serve?.tail() ?? '').split('\n').filter((l) => /error|Error/.test(l));
    this.crashes.push(`serve ${how} ${where}: ${lines.slice(0, 2).join(' | ')}`);
    this.log(`serve crashed ${where}; restarting it`);
    await this.startServe();
  }

  /** A member's request: over HTTP with their token, or inside the host while it is unreachable. */
  private readonly sendAs: SendAs = async (member, source, variables) => {
    const sandbox = this.sandbox;
    if (sandbox === undefined) throw new Error('the fault suite is not set up');
    const found = sandbox.state().members.find((m) => m.id === member.id);
    if (found === undefined) throw new Error(`no member ${member.id} in the sandbox`);
    const result = this.hostDown
      ? await sandbox.serverOptions.core.execute({
          source,
          variables,
          principal: { kind: 'member', memberId: found.id, roleId: found.roleId },
        })
      : ((await (
          await fetch(`${this.running?.url ?? ''}/graphql`, {
            method: 'POST',
            headers: { authorization: `Bearer ${found.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ query: source, variables }),
          })
        ).json()) as { data?: unknown; errors?: readonly { message: string }[] });
    if (result.errors !== undefined && result.errors.length > 0)
      throw new Error(result.errors.map((e) => e.message).join('; '));
    return (result.data ?? {}) as Readonly<Record<string, unknown>>;
  };

  private async hostOff(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    this.hostDown = true;
    running.server.closeAllConnections();
    await running.close();
  }

  private async hostOn(): Promise<void> {
    if (this.sandbox === undefined) return;
    this.running = await startSandboxServer(this.sandbox.serverOptions, this.sandboxPort);
    this.hostDown = false;
  }

  private async dropConnections(): Promise<number> {
    if (this.admin === undefined) return 0;
    return terminateConnections(this.admin.db, {
      database: this.database,
      applicationName: SERVE_APPLICATION,
    });
  }

  private async sweepNow(): Promise<void> {
    if (this.host === undefined || this.store === undefined) return;
    const startedAt = new Date().toISOString();
    // Serve's sweep, with no grace for destroys: the stream is over when it runs.
    const results = await sweep(this.host, this.store, STREAM_OBJECTS, {
      destroyGraceMs: 0,
      ...(this.installedAt === undefined ? {} : { since: this.installedAt }),
    });
    this.sweeps.push({ startedAt, endedAt: new Date().toISOString() });
    this.log(
      `sweep: ${results.map((r) => `${r.object} read ${r.read}, enqueued ${r.enqueued}`).join('; ')}`,
    );
  }

  /** Which fault comes before which change: spread over the middle of the stream, seeded. */
  private schedule(): Map<number, FaultKind> {
    const { kills, outages, drops, operations, seed } = this.options;
    const kinds: FaultKind[] = [
      ...Array<FaultKind>(kills).fill('kill'),
      ...Array<FaultKind>(outages).fill('outage'),
      ...Array<FaultKind>(drops).fill('drop'),
    ];
    const random = mulberry32(seed ^ 0x5eed);
    for (let i = kinds.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [kinds[i], kinds[j]] = [kinds[j] as FaultKind, kinds[i] as FaultKind];
    }
    const at = new Map<number, FaultKind>();
    kinds.forEach((kind, i) => {
      at.set(Math.floor((operations * (i + 1)) / (kinds.length + 1)), kind);
    });
    return at;
  }

  private async inject(kind: FaultKind, stream: ChangeStream, at: number): Promise<void> {
    const whileDown = this.options.opsWhileDown ?? 8;
    const steps = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await stream.step();
        await sleep(PACE_MS);
      }
    };
    if (kind === 'kill') {
      await this.serve?.kill();
      this.faults.push(
        `kill: serve SIGKILLed before change ${at}, ${whileDown} changes made while it was down`,
      );
      await steps(whileDown);
      await this.startServe();
    } else if (kind === 'outage') {
      const started = Date.now();
      await this.hostOff();
      await steps(whileDown);
      await sleep(Math.max(0, this.options.outageMs - (Date.now() - started)));
      await this.hostOn();
      this.faults.push(
        `outage: host unreachable for ${Date.now() - started} ms from before change ${at}`,
      );
    } else {
      let ended = 0;
      for (let i = 0; i < 3; i++) {
        ended += await this.dropConnections();
        await steps(2);
      }
      this.faults.push(
        `drop: ${ended} of serve's database connections ended from before change ${at}`,
      );
    }
    if (this.options.sweepAfterFaults === true) await this.sweepNow();
  }

  /** The stream with its faults; progress counts changes attempted. */
  async runStream(members: readonly StreamMember[]): Promise<ChangeStream> {
    const stream = new ChangeStream(this.options.seed, members, this.sendAs);
    const faults = this.schedule();
    const total = this.options.operations;
    for (let i = 0; i < total; i++) {
      const fault = faults.get(i);
      if (fault !== undefined) {
        this.options.onProgress?.({ done: i, total, phase: fault });
        await this.inject(fault, stream, i + 1);
      }
      await this.ensureServe(`before change ${i + 1}`);
      await stream.step();
      await sleep(PACE_MS);
      this.options.onProgress?.({ done: i + 1, total, phase: 'changes' });
    }
    return stream;
  }

  private async moving(): Promise<string | undefined> {
    const inbox = await countEventsByStatus(this.db);
    const outbox = (await outboxSummary(this.db)).counts;
    const unmirrored = await countUnmirroredCheckpoints(this.db);
    const waiting = inbox.pending + inbox.processing;
    const sending = outbox.pending;
    // Parked rows never move again: waiting on them (or on checkpoints behind them) is pointless.
    const checkpoints = outbox.dead > 0 ? 0 : unmirrored;
    if (waiting + sending + checkpoints === 0) return undefined;
    return `inbox ${JSON.stringify(present(inbox))}, outbox ${JSON.stringify(present(outbox))}, checkpoints not mirrored ${checkpoints}`;
  }

  /** Waits until nothing moves twice in a row; what still moves when the time is up. */
  async quiesce(phase: string, timeoutMs: number): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    let still = 0;
    let last: string | undefined = 'not looked yet';
    while (Date.now() < deadline) {
      await this.ensureServe(phase);
      await this.sandbox?.settle();
      last = await this.moving();
      still = last === undefined ? still + 1 : 0;
      if (still >= 2) return undefined;
      this.options.onProgress?.({ done: 0, total: 0, phase: `waiting (${phase})` });
      await sleep(500);
    }
    return `no quiescence ${phase} within ${timeoutMs} ms: ${last ?? 'it came as the time ran out'}`;
  }

  /** The journal, its checkpoints and the host's audit records, as they are now. */
  async collect(): Promise<{
    journal: JournalRow[];
    checkpoints: Checkpoint[];
    hostRecords: HostAuditRecord[];
  }> {
    const journal: JournalRow[] = [];
    for await (const row of allJournalRows(this.db)) journal.push(row);
    const checkpoints = (await listCheckpoints(this.db)).map(
      ({ mirrored: _, ...checkpoint }): Checkpoint => checkpoint,
    );
    const audit = this.sandbox?.state().records.tiergateAuditEntry ?? {};
    const hostRecords = Object.values(audit).map((r): HostAuditRecord => ({
      id: r.id,
      hash: r.hash,
      sequence: r.sequence,
      action: r.action,
    }));
    return { journal, checkpoints, hostRecords };
  }

  async run(): Promise<FaultSuiteResult> {
    const members = await this.setUp();
    const stream = await this.runStream(members);
    const { quiescenceTimeoutMs, sweepQuiescenceTimeoutMs } = this.options;
    let notQuiescent = await this.quiesce('after the stream', quiescenceTimeoutMs);
    await this.sweepNow();
    notQuiescent =
      (await this.quiesce('after the sweep', sweepQuiescenceTimeoutMs ?? quiescenceTimeoutMs)) ??
      notQuiescent;
    // A key names a record's event and version, which two changes can share (two restores
    // bring back one version): the n-th change with a key takes the n-th delivery with it.
    const deliveries = new Map<string, boolean[]>();
    for (const d of this.deliveries)
      deliveries.set(d.key, [...(deliveries.get(d.key) ?? []), d.ok]);
    const changes = stream.changes.map((c) => ({
      ...c,
      delivered: deliveries.get(changeKey(c))?.shift() ?? false,
    }));
    const collected = await this.collect();
    const report = check({ changes, ...collected, sweeps: this.sweeps });
    const lostHistory: string[] = [];
    for (const lost of report.journal.lost.slice(0, 5)) {
      const rows = this.store ? await recordEvents(this.store.db, lost.object, lost.recordId) : [];
      lostHistory.push(
        `${lost.object}/${lost.recordId}: ${rows
          .map(
            (r) =>
              `#${r.id} ${r.eventName}${r.swept ? ' (swept)' : ''} ${r.recordVersion ?? '-'} ${r.status} at ${r.receivedAt.toISOString()}`,
          )
          .join('; ')}`,
      );
    }
    return {
      lostHistory,
      report,
      names: this.memberNames(),
      ...(notQuiescent === undefined ? {} : { notQuiescent }),
      faults: this.faults,
      crashes: this.crashes,
      refused: stream.refused,
      undelivered: changes.filter((c) => !c.delivered).length,
      serveTail: this.serve?.tail() ?? '',
    };
  }

  /** Every workspace member's name by id: entries name members who are not in the stream too. */
  private memberNames(): Map<string, string> {
    const state = this.sandbox?.state();
    const names = new Map<string, string>();
    for (const member of state?.members ?? []) {
      const record = state?.records.workspaceMember?.[member.id] as
        { name?: { firstName?: string; lastName?: string } } | undefined;
      const name = `${record?.name?.firstName ?? ''} ${record?.name?.lastName ?? ''}`.trim();
      names.set(member.id, name || member.userEmail);
    }
    return names;
  }

  /** Stops everything this suite started and drops its database. */
  async tearDown(): Promise<void> {
    await this.serve?.stop().catch(() => undefined);
    if (!this.hostDown) await this.running?.close().catch(() => undefined);
    await this.sandbox?.settle().catch(() => undefined);
    await this.store?.close();
    if (this.admin !== undefined) {
      try {
        await dropDatabase(this.admin.db, this.database);
      } finally {
        await this.admin.close();
      }
    }
    rmSync(this.cwd, { recursive: true, force: true });
  }
}

/** Runs the whole suite and tears it down, whatever happens. */
export async function runFaultSuite(options: FaultSuiteOptions): Promise<FaultSuiteResult> {
  const suite = new FaultSuite(options);
  try {
    return await suite.run();
  } finally {
    await suite.tearDown();
  }
}
