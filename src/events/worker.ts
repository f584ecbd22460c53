/**
 * Workers: events leave the inbox (src/store/inbox.ts: claimed with
 * `FOR UPDATE SKIP LOCKED`, one record's events in order) and become journal entries. For each
 * event, in one transaction: the change's entry (values of sensitive fields as keyed hashes), one
 * entry per violation the watchdog finds, and the event marked done; a worker whose lease ran out
 * rolls back rather than journal what another worker will journal too. So each event is
 * journaled exactly once, however many workers run on one database.
 *
 * Before that transaction, an owner change rewrites the record's `tiergateViewers` on the host
 * (idempotent, so a retry is harmless); a host that refuses the write (the record gone since)
 * does not keep the change out of the journal: it is journaled and the refusal raised as an
 * alert. A failure that is the host's or the store's (down, busy, connection cut) puts the event
 * back without counting an attempt, however long it lasts; any other failure counts, with
 * exponential backoff, and after `INBOX_MAX_ATTEMPTS` leaves the event `dead` with an alert.
 */
import type { Journal } from '../audit/journal-store.js';
import type { JournalDraft } from '../audit/journal.js';
import type { Engine } from '../policy/engine.js';
import type { Policy } from '../policy/schema.js';
import type { ViewerIndex } from '../twenty-app/viewers.js';
import { claimEvents, completeEvent, failEvent, type InboxEvent } from '../store/inbox.js';
import type { Store } from '../store/store.js';
import { isConnectionFailure } from '../store/store-error.js';
import { forgetRecord, rememberRecords } from '../store/cursors.js';
import { HostError, hostFailureKind } from '../host/host-error.js';
import { ownObjectNames } from '../twenty-app/manifest.js';
import { SWEEP_WEBHOOK_ID } from './sweep.js';
import {
  actorStampOf,
  judge,
  redactRecord,
  sensitiveFields,
  type SensitiveFields,
  viewersUpdate,
  type RecordEvent,
} from './watchdog.js';
import { readWebhook } from './webhook-event.js';
import { journalLabel } from './record-bounds.js';
import { HELPER_FIELD } from '../twenty-app/names.js';

type Row = Record<string, unknown>;

export interface WorkerOptions {
  readonly store: Store;
  readonly journal: Journal;
  /** The policy as resolved against the host (member ids are workspace member ids). */
  readonly policy: Policy;
  readonly engine: Engine;
  /** Key of the keyed hash that stands for sensitive values in the journal. */
  readonly redactKey: Uint8Array;
  readonly workerId: string;
  /** With these, an owner change rewrites the record's tiergateViewers on the host. */
  readonly viewers?: {
    readonly index: ViewerIndex;
    write(object: string, recordId: string, viewers: readonly string[]): Promise<void>;
  };
  /**
   * Who Tiergate is on the host: the name of the API key its writes are made with (Twenty stamps
   * `updatedBy` `{ source: API, name: <key name> }`). Without it, Tiergate's own writes are
   * journaled like anyone's.
   */
  readonly ownKeyName?: string;
  /** Tiergate's own objects, whose events are its own writes (default: the manifest's). */
  readonly ownObjects?: ReadonlySet<string>;
  readonly batchSize?: number;
  readonly leaseMs?: number;
  /** Delay before attempt `n + 1` after `n` failed ones. */
  readonly retryDelayMs?: (attempts: number) => number;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
  /** Called once per violation, after it is journaled, and once per event parked `dead`. */
  readonly alert?: (line: string) => void;
}

export interface BatchResult {
  readonly claimed: number;
  readonly done: number;
  readonly failed: number;
  readonly violations: number;
}

/** Slowest retry of an event that waits for the host or the store to come back. */
const OUTAGE_RETRY_MAX_MS = 60_000;

/**
 * A failure of the host or the store rather than of the event: the host down, slow or failing
 * (`hostFailureKind`'s `transient`), or the database connection cut. Retrying may succeed. A host that
 * answers with a refusal (a key without access, a record gone) is not an outage: waiting for it
 * would hold the record's later events back for good.
 */
export function isOutage(error: unknown): boolean {
  if (error instanceof HostError) return hostFailureKind(error) === 'transient';
  return isConnectionFailure(error);
}

/** A body that does not say what changed. */
export class UnreadableEvent extends Error {
  override readonly name = 'UnreadableEvent';
}

const isRow = (value: unknown): value is Row =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The change a stored webhook body (or a sweep's) describes, read as the intake read it. */
export function recordEventOf(event: InboxEvent): RecordEvent & { readonly swept: boolean } {
  let body: unknown;
  try {
    body = JSON.parse(event.body);
  } catch {
    throw new UnreadableEvent(`inbox event ${event.id}: the body is not JSON`);
  }
  const read = readWebhook(body);
  if (!read.ok) throw new UnreadableEvent(`inbox event ${event.id}: ${read.message}`);
  const { fields, record, updatedFields, workspaceMemberId } = read;
  const { action } = fields;
  const swept = fields.webhookId === SWEEP_WEBHOOK_ID;
  // Twenty's destroyed event carries only `before` and its restored event only `after`
  // (`object-record-destroy.event.ts`, `object-record-restore.event.ts`); the webhook body's
  // `record` is after ?? before.
  const gone = action === 'deleted' || action === 'destroyed';
  return {
    object: fields.objectName,
    action,
    recordId: event.recordId,
    ...(gone ? { before: record } : {}),
    ...(action === 'destroyed' ? {} : { after: record }),
    ...(updatedFields === undefined ? {} : { updatedFields }),
    // The sweep reads records, never a caller: it names no member.
    ...(workspaceMemberId === undefined || swept ? {} : { workspaceMemberId }),
    swept,
  };
}

/**
 * Fields Twenty rewrites on every update by itself: the clock, the full-text index and the
 * writer's stamp. Twenty 2.43 lists `updatedBy` among `updatedFields` whenever the writer differs
 * from the last one (`object-record-changed-values.ts` leaves out only `updatedAt`,
 * `searchVector` and relations), so they say nothing about what the caller changed.
 */
const STAMPED_ON_UPDATE = new Set(['updatedBy', 'updatedAt', 'searchVector']);

/**
 * Tiergate's own maintenance of its helper fields, known by what it changed and who made it:
 * an update whose only change, past Twenty's own stamps, is `tiergateViewers`, made with
 * Tiergate's own API key and by no member. Twenty sets `updatedBy` from the caller on every
 * update, whatever the input says (`actor-from-auth-context.service.ts`, `injectUpdatedBy`,
 * called by `updated-by.update-one.pre-query-hook.ts`), so a member cannot pass as Tiergate;
 * `createdBy` is not trusted (a given value with a name is kept there). Twenty sends no event
 * for an update that changes nothing, so a rewrite of the same viewers is never seen here.
 */
export function isOwnMaintenance(change: RecordEvent, ownKeyName: string | undefined): boolean {
  if (ownKeyName === undefined || change.action !== 'updated') return false;
  if (change.workspaceMemberId !== undefined) return false;
  const fields = (change.updatedFields ?? []).filter((field) => !STAMPED_ON_UPDATE.has(field));
  // Only the viewers field: Tiergate writes no other helper field on records, and an API key may
  // share Tiergate's key name, so any other tiergate* change is journaled like a foreign one.
  if (fields.length === 0 || !fields.every((field) => field === HELPER_FIELD)) return false;
  const actor = change.after?.updatedBy;
  return (
    isRow(actor) &&
    actor.source === 'API' &&
    (actor.workspaceMemberId ?? null) === null &&
    actor.name === ownKeyName
  );
}

/**
 * Who made the change, in words, when no member did (an API key, a workflow, the system): what
 * the stamp Twenty wrote from the caller says. A delete, restore or destroy has none (the
 * record's `updatedBy` names its last updater, not the caller): 'unknown', never a wrong name.
 */
function actorLabel(change: RecordEvent): string {
  const actor = actorStampOf(change);
  if (!isRow(actor)) return 'unknown';
  const source = typeof actor.source === 'string' ? actor.source : 'unknown';
  const name = typeof actor.name === 'string' && actor.name !== '' ? `:${actor.name}` : '';
  return `${source.toLowerCase()}${name}`;
}

export class EventWorker {
  private readonly options: WorkerOptions;
  private readonly sensitive = new Map<string, SensitiveFields>();
  private readonly inOrg: ReadonlySet<string>;
  private readonly ownObjects: ReadonlySet<string>;
  /** Failures in a row that were the host's or the store's: how long the next retry waits. */
  private outageStreak = 0;

  constructor(options: WorkerOptions) {
    this.options = options;
    this.inOrg = new Set(options.policy.org.members.map((m) => m.id));
    this.ownObjects = options.ownObjects ?? ownObjectNames();
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  private sensitiveOf(object: string): SensitiveFields {
    let found = this.sensitive.get(object);
    if (found === undefined) {
      found = sensitiveFields(this.options.policy, object);
      this.sensitive.set(object, found);
    }
    return found;
  }

  /** The journal entries for one change: the change itself, then each violation. */
  drafts(change: RecordEvent & { readonly swept: boolean }): {
    drafts: JournalDraft[];
    violations: number;
  } {
    const { engine, redactKey } = this.options;
    const judgement = judge(engine, change, (id) => (this.inOrg.has(id) ? id : undefined));
    const sensitive = this.sensitiveOf(change.object);
    const redact = (record: Row | undefined) =>
      record === undefined ? null : redactRecord(record, sensitive, redactKey);
    const target = `${change.object}/${change.recordId}`;
    const actor = journalLabel(judgement.actor ?? actorLabel(change));
    const drafts: JournalDraft[] = [
      {
        actor,
        action: `record.${change.action}`,
        target,
        before: change.action === 'updated' ? null : redact(change.before),
        after: redact(change.after),
        reason: change.swept ? 'found by the sweep (its webhook never arrived)' : null,
      },
      ...judgement.violations.map((v): JournalDraft => ({
        actor,
        action: `violation.${v.kind}`,
        target,
        after: { kind: v.kind, ...(v.fields ? { fields: [...v.fields] } : {}) },
        reason: v.message,
      })),
    ];
    return { drafts, violations: judgement.violations.length };
  }

  /**
   * Whether the record's tiergateViewers are what Tiergate computes for it: its own writes are,
   * so a write under its key's name with other viewers (a key named alike, Twenty allows two)
   * is journaled and put back like anyone's.
   */
  private viewersAsComputed(change: RecordEvent): boolean {
    const { viewers, policy } = this.options;
    if (viewers === undefined) return true;
    const { updatedFields: _written, ...asFound } = change;
    return viewersUpdate(viewers.index, policy, asFound) === undefined;
  }

  private async processOne(event: InboxEvent): Promise<number> {
    const { store, journal, viewers, workerId } = this.options;
    const change = recordEventOf(event);
    if (
      this.ownObjects.has(change.object) ||
      (isOwnMaintenance(change, this.options.ownKeyName) && this.viewersAsComputed(change))
    ) {
      // Tiergate's own writes: its audit object mirrors the journal (journaling it again would
      // feed the journal to itself), and the apply or the worker that rewrote tiergateViewers
      // is journaled already; an entry per record would only bury the changes people made.
      if (!(await completeEvent(store.db, event.id, workerId))) {
        throw new Error(`inbox event ${event.id}: the lease ended before it was done`);
      }
      return 0;
    }
    let viewersRefused: string | undefined;
    if (viewers !== undefined) {
      const wanted = viewersUpdate(viewers.index, this.options.policy, change);
      if (wanted !== undefined)
        await viewers.write(change.object, change.recordId, wanted).catch((error: unknown) => {
          if (isOutage(error) || !(error instanceof HostError)) throw error;
          viewersRefused = error.message;
        });
    }
    const { drafts, violations } = this.drafts(change);
    const entries = await store.transaction(async (trx) => {
      const appended = await journal.append(drafts, { trx });
      // The sweep finds a destroy whose webhook was lost by the ids it knows, and a restore by
      // the ones it knows deleted: a record met only through its webhooks is one of them too,
      // in the state this event left it.
      if (change.action === 'destroyed') await forgetRecord(trx, change.object, change.recordId);
      else
        await rememberRecords(trx, change.object, [
          { recordId: change.recordId, version: event.recordVersion },
        ]);
      if (!(await completeEvent(trx, event.id, workerId))) {
        throw new Error(`inbox event ${event.id}: the lease ended before it was journaled`);
      }
      return appended;
    });
    // The alert: once committed, each violation is said at once (serve logs it at warn); its
    // entry reaches the CRM's audit object through the relay.
    for (const entry of entries.filter((e) => e.action.startsWith('violation.')))
      this.options.alert?.(`violation (journal entry ${entry.seq}): ${entry.reason ?? ''}`);
    if (viewersRefused !== undefined)
      this.options.alert?.(
        `tiergateViewers of ${change.object} ${change.recordId} could not be rewritten (${viewersRefused}); the change is journaled; \`tiergate apply\` rewrites every record's viewers`,
      );
    return violations;
  }

  /** Claims up to `batchSize` events and processes them; never throws for one event's failure. */
  async runOnce(): Promise<BatchResult> {
    const { store, journal, workerId } = this.options;
    const events = await claimEvents(store.db, {
      workerId,
      limit: this.options.batchSize ?? 50,
      leaseMs: this.options.leaseMs ?? 60_000,
      now: this.now(),
      onParked: (parked) =>
        (this.options.alert ?? this.options.log)?.(
          `inbox event ${parked.id} (${parked.eventName} ${parked.recordId}) failed: every worker that took it stopped before it was done; dead: it needs an operator (tiergate events list)`,
        ),
    });
    let done = 0;
    let failed = 0;
    let violations = 0;
    for (const event of events) {
      try {
        violations += await this.processOne(event);
        done++;
        this.outageStreak = 0;
      } catch (error) {
        failed++;
        const message = error instanceof Error ? error.message : String(error);
        const outage = isOutage(error);
        this.outageStreak = outage ? this.outageStreak + 1 : 0;
        const delay = outage
          ? Math.min(2 ** this.outageStreak * 500, OUTAGE_RETRY_MAX_MS)
          : (this.options.retryDelayMs ?? ((n) => Math.min(2 ** n * 1000, 3_600_000)))(
              event.attempts,
            );
        const outcome = await failEvent(store.db, event.id, workerId, {
          // Stored as text: no control character or lone surrogate may make the store refuse it.
          error: journalLabel(message, 4000),
          retryAt: new Date(this.now().getTime() + delay),
          countAttempt: !outage,
        });
        const line = `inbox event ${event.id} (${event.eventName} ${event.recordId}) failed: ${message}; ${outcome === 'dead' ? 'dead: it needs an operator (tiergate events list)' : `retried in ${delay} ms`}`;
        // A parked event is a change missing from the journal: an alert, not a log line.
        if (outcome === 'dead' && this.options.alert) this.options.alert(line);
        else this.options.log?.(line);
      }
    }
    if (done > 0) await journal.checkpointIfDue();
    return { claimed: events.length, done, failed, violations };
  }

  /** Processes until `signal` aborts, resting `idleMs` whenever the inbox has nothing due. */
  async run(signal: AbortSignal, idleMs = 500): Promise<void> {
    while (!signal.aborted) {
      const result = await this.runOnce().catch((error: unknown) => {
        this.options.log?.(`worker ${this.options.workerId}: ${String(error)}`);
        return { claimed: 0 };
      });
      if (result.claimed === 0) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            signal.removeEventListener('abort', wake);
            resolve();
          }, idleMs);
          signal.addEventListener('abort', wake, { once: true });
        });
      }
    }
  }
}
