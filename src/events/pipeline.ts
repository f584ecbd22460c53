/**
 * The add-on's event pipeline behind `tiergate serve`: workers turning inbox events into journal
 * entries (with the watchdog's verdicts and tiergateViewers kept current), the periodic sweep
 * that finds what webhooks missed, and the relay mirroring the journal into Twenty's audit
 * object. The webhook endpoint (intake-app.ts) fills the inbox; this empties it.
 *
 * The workspace (org, data model, viewers) is read once by the caller before it opens the
 * pipeline; a policy or org change takes a restart.
 */
import { hkdfSync } from 'node:crypto';
import type { CheckpointPolicy } from '../audit/checkpoint.js';
import { Journal } from '../audit/journal-store.js';
import { OutboxRelay } from '../audit/outbox-relay.js';
import { resolverName } from '../host/core-schema/names.js';
import type { DataModelSnapshot } from '../host/data-model.js';
import type { Host } from '../host/host.js';
import { compilePolicy } from '../policy/engine.js';
import type { Policy } from '../policy/schema.js';
import type { Store } from '../store/store.js';
import type { ViewerIndex } from '../twenty-app/viewers.js';
import { DEFAULT_SETTLE_MS, Sweeper, type SweepOptions, type SweepResult } from './sweep.js';
import { EventWorker, type BatchResult } from './worker.js';
import { APP_KEY_NAME, HELPER_FIELD } from '../twenty-app/names.js';

/** The workspace as read at start (src/sync/workspace-view.ts reads it). */
export interface PipelineWorkspace {
  /** The policy with its org as the host holds it. */
  readonly policy: Policy;
  readonly orgProblems: readonly { readonly member: string; readonly message: string }[];
  readonly model: DataModelSnapshot;
  readonly viewers: ViewerIndex;
  /** The objects the sweep reads: those the policy governs that the host has. */
  readonly objects: readonly string[];
}

export interface PipelineOptions {
  readonly store: Store;
  readonly host: Host;
  readonly workspace: PipelineWorkspace;
  /** Where the key ring and checkpoint file live (the installation's directory). */
  readonly cwd: string;
  /** Tiergate's secret key (src/sync/secret-box.ts); the watchdog's hash key derives from it. */
  readonly secretKey: Uint8Array;
  readonly workerId: string;
  /** The name of the API key `host` writes with, by which the worker knows Tiergate's own writes. */
  readonly ownKeyName?: string;
  /** Between sweeps; 0 turns the periodic sweep off (sweepNow still works). */
  readonly sweepEveryMs?: number;
  /** The sweep's windows (overlap, destroy grace, id comparison); defaults in sweep.ts. */
  readonly sweep?: Pick<
    SweepOptions,
    'overlapMs' | 'destroyGraceMs' | 'idCheckEveryMs' | 'since' | 'settleMs'
  >;
  readonly log?: (line: string) => void;
  /** Violations and parked audit entries, one line each (default: `log`, marked ALERT). */
  readonly alert?: (line: string) => void;
  readonly now?: () => Date;
  /** When the journal signs a checkpoint (default: every 1,000 entries or 15 minutes). */
  readonly checkpointPolicy?: CheckpointPolicy;
}

export interface Pipeline {
  readonly journal: Journal;
  /** The objects the sweep reads: those the policy governs. */
  readonly objects: readonly string[];
  workOnce(): Promise<BatchResult>;
  sweepNow(): Promise<SweepResult[]>;
  relayOnce(): Promise<{ delivered: number; failed: number; parked: number }>;
  /** Starts the loops (workers, relay, a sweep at once and then periodically) until `stop`. */
  start(): void;
  stop(): Promise<void>;
}

/** The watchdog's keyed-hash key: derived, never the secret key itself. */
export function redactKeyOf(secretKey: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secretKey, '', 'tiergate.watchdog.redact.v1', 32));
}

/** Sweeps at once, then every `every` ms until `signal` aborts; failures go to `report`. */
function sweepEvery(
  every: number,
  sweepNow: () => Promise<unknown>,
  signal: AbortSignal,
  report: ((line: string) => void) | undefined,
): void {
  const sweepOnce = () => {
    sweepNow().catch((error: unknown) => {
      // A sweep that keeps failing (a revoked key, a host refusing) loses changes silently.
      if (!signal.aborted) report?.(`sweep failed: ${String(error)}`);
    });
  };
  // At once: changes lost while no replica ran are found now, not a period later.
  sweepOnce();
  const timer = setInterval(sweepOnce, every);
  signal.addEventListener('abort', () => clearInterval(timer));
}

/** Writes one record's viewers into the host's helper field. */
function viewerWriter(host: Host, model: DataModelSnapshot) {
  return async (object: string, recordId: string, viewers: readonly string[]): Promise<void> => {
    const metadata = model.object(object);
    if (metadata === undefined) throw new Error(`no object ${object} on the host`);
    await host.core.request(
      `mutation TiergateSetRecordViewers($id: UUID!, $viewers: [String!]) {
  ${resolverName(metadata, 'updateOne')}(id: $id, data: { ${HELPER_FIELD}: $viewers }) { id }
}`,
      { id: recordId, viewers: [...viewers] },
    );
  };
}

export async function openPipeline(options: PipelineOptions): Promise<Pipeline> {
  const { store, host, log } = options;
  const alert = options.alert ?? (log ? (line: string) => log(`ALERT: ${line}`) : undefined);
  const { policy, model, objects } = options.workspace;
  for (const problem of options.workspace.orgProblems)
    log?.(`org: ${problem.member}: ${problem.message}`);
  const relay = new OutboxRelay(store, host, {
    // Capped at a minute: a host back after an outage of any length sees the journal within one.
    backoff: { baseMs: 1_000, maxMs: 60_000 },
    ...(log ? { log } : {}),
    onBlocked: (line) => alert?.(line),
    onParked: (row, error) =>
      alert?.(
        `journal entry ${row.entry.journalSeq} could not reach the CRM's audit object: ${error}`,
      ),
  });
  const journal = await Journal.open(store, {
    cwd: options.cwd,
    ...(options.now ? { now: options.now } : {}),
    ...(options.checkpointPolicy ? { checkpointPolicy: options.checkpointPolicy } : {}),
    // To the host's audit object as soon as it is signed (the file has it already), not with
    // the relay's next run: the tail is anchored outside the store at once.
    onCheckpoint: () => relay.mirrorCheckpoints(),
  });
  const worker = new EventWorker({
    store,
    journal,
    policy,
    engine: compilePolicy(policy),
    redactKey: redactKeyOf(options.secretKey),
    workerId: options.workerId,
    ownKeyName: options.ownKeyName ?? APP_KEY_NAME,
    viewers: {
      index: options.workspace.viewers,
      write: viewerWriter(host, model),
    },
    ...(options.now ? { now: options.now } : {}),
    ...(log ? { log } : {}),
    ...(alert ? { alert } : {}),
  });

  const controller = new AbortController();
  const loops: Promise<unknown>[] = [];
  const sweeper = new Sweeper(host, store, objects, {
    settleMs: DEFAULT_SETTLE_MS,
    ...options.sweep,
    holder: options.workerId,
    signal: controller.signal,
    ...(options.now ? { now: options.now } : {}),
    ...(log ? { log } : {}),
    ...(alert ? { alert } : {}),
  });
  const sweepNow = () => sweeper.run();
  return {
    journal,
    objects,
    workOnce: () => worker.runOnce(),
    sweepNow,
    relayOnce: () => relay.runOnce(),
    start() {
      loops.push(worker.run(controller.signal), relay.run(controller.signal));
      // Signs a quiet journal's tail on time, not only after the worker's next batch.
      loops.push(
        journal.keepCheckpointing(controller.signal, {
          onError: (error) => log?.(`audit checkpoint failed: ${String(error)}`),
        }),
      );
      const every = options.sweepEveryMs ?? 5 * 60_000;
      if (every > 0) sweepEvery(every, sweepNow, controller.signal, alert ?? log);
    },
    async stop() {
      controller.abort();
      await Promise.allSettled([...loops, ...(sweeper.current ? [sweeper.current] : [])]);
    },
  };
}
