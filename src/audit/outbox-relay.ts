/**
 * Carries the audit journal to the host's `tiergateAuditEntry` records, exactly once by
 * idempotency (a record's id derives from its entry's hash), in seq order; only the host's refusal
 * of an entry counts toward parking it. Details: docs/internals.md "The audit outbox relay".
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { objectTypeNames, resolverName } from '../host/core-schema/names.js';
import { HOST_BATCH_SIZE } from '../host/batch.js';
import { HostError, hostFailureKind, type HostFailureKind } from '../host/host-error.js';
import type { Host } from '../host/host.js';
import { backoffDelay } from '../host/retry.js';
import {
  checkpointsToMirror,
  markCheckpointsMirrored,
  type Checkpoint,
  type JournalRow,
} from '../store/journal-rows.js';
import {
  claimOutbox,
  markDelivered,
  markOutboxFailed,
  OUTBOX_MAX_ATTEMPTS,
  releaseOutboxClaims,
  type ClaimedOutboxRow,
} from '../store/outbox.js';
import type { Store } from '../store/store.js';
import {
  manifestField,
  manifestObject,
  tiergateManifest,
  type Manifest,
} from '../twenty-app/manifest.js';
import { GENESIS_PREV_HASH, isHexHash } from './journal.js';

/** The host object the journal is mirrored to (manifest.json). */
export const AUDIT_OBJECT = 'tiergateAuditEntry';

/**
 * How long a claim holds a row by default: about as long as a send with its retries takes. A
 * relay that dies (SIGKILL) leaves its rows to the next one after this; one that outlives it only
 * sends rows a second time, which the host takes as the same records (`auditRecordId`).
 */
export const DEFAULT_LEASE_MS = 60_000;
/** How long `run` waits before looking again when nothing is due. */
export const DEFAULT_IDLE_MS = 1_000;
/** The longest `run` waits after an error of the store: seconds, so a dropped connection is brief. */
export const DEFAULT_STORE_RETRY_MAX_MS = 5_000;

export class OutboxRelayError extends Error {
  override readonly name = 'OutboxRelayError';
}

/** The namespace of Tiergate's name-based ids (a fixed random UUID; changing it changes every id). */
export const TIERGATE_ID_NAMESPACE = '6f3c2a0e-8d4b-4c1e-9a57-2b9e0d7c5f13';

/**
 * A name-based UUID, version 5 (RFC 9562 §5.5: SHA-1 of the namespace's 16 bytes and the name's
 * UTF-8, version nibble 5, variant `10`). Written here because node:crypto makes only v4 ids and
 * this is a dozen lines over its SHA-1.
 */
export function uuidV5(namespace: string, name: string): string {
  const space = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (space.length !== 16) throw new OutboxRelayError(`not a UUID namespace: ${namespace}`);
  const bytes = createHash('sha1').update(space).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
}

/**
 * The id of an entry's record on the host, derived from the entry's hash: the version 5 UUID of
 * the hash in Tiergate's namespace. Twenty 2.43 takes only UUIDs of versions 1 to 5 as ids
 * (twenty-shared `isValidUuid.ts`, and `uuid@9`'s `validate` behind the GraphQL UUID scalar), so
 * a version 7 or 8 id would be refused. The same entry always gets the same id, which is what
 * makes a redelivery an update of the record it already made.
 */
export function auditRecordId(entryHash: string): string {
  if (!isHexHash(entryHash))
    throw new OutboxRelayError(
      `an audit record id needs an entry hash of 64 lowercase hex digits, not ${JSON.stringify(entryHash)}`,
    );
  return uuidV5(TIERGATE_ID_NAMESPACE, entryHash);
}

/** A record of the audit object, as sent to the host's core API. */
export type AuditRecord = Readonly<Record<string, unknown>> & { readonly id: string };

/** The manifest's name of one of the audit object's fields; throws when it is not declared. */
function field(name: string, manifest: Manifest): string {
  return manifestField(AUDIT_OBJECT, name, manifest).name;
}

function parseDocument(seq: number, name: string, text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new OutboxRelayError(
      `journal entry ${seq}: ${name} is not JSON text (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
}

/**
 * The `tiergateAuditEntry` record of a journal entry: its derived id, `sequence`, `occurredAt`,
 * `actor`, `action`, `subject` (the entry's target), `reason`, `before`/`after` as JSON values
 * (RAW_JSON), `hash`, and `previousHash`: null for entry 1, whose `prevHash` is the genesis
 * value of zeros (the manifest's "empty for the first entry"). Field names are read from
 * manifest.json, so a field it does not declare fails here, loudly.
 */
export function auditRecordOf(
  entry: JournalRow,
  manifest: Manifest = tiergateManifest(),
): AuditRecord {
  manifestObject(AUDIT_OBJECT, manifest);
  return {
    id: auditRecordId(entry.hash),
    [field('sequence', manifest)]: entry.seq,
    [field('occurredAt', manifest)]: entry.at,
    [field('actor', manifest)]: entry.actor,
    [field('action', manifest)]: entry.action,
    [field('subject', manifest)]: entry.target,
    [field('reason', manifest)]: entry.reason,
    [field('before', manifest)]: parseDocument(entry.seq, 'before', entry.before),
    [field('after', manifest)]: parseDocument(entry.seq, 'after', entry.after),
    [field('hash', manifest)]: entry.hash,
    [field('previousHash', manifest)]: entry.prevHash === GENESIS_PREV_HASH ? null : entry.prevHash,
  };
}

/**
 * A signed checkpoint as a record of the audit object (checkpoints are kept outside
 * the journal's table, in a file and in the host): action `journal.checkpoint`, its `hash` the
 * entry hash it vouches for, `after` the whole checkpoint with its signature, and an id derived
 * from the signature so that mirroring it twice leaves one record.
 */
export function checkpointRecordOf(
  checkpoint: Checkpoint,
  manifest: Manifest = tiergateManifest(),
): AuditRecord {
  manifestObject(AUDIT_OBJECT, manifest);
  const idSource = createHash('sha256')
    .update(`tiergate.checkpoint.v1\n${checkpoint.seq}\n${checkpoint.signature}`)
    .digest('hex');
  return {
    id: auditRecordId(idSource),
    [field('sequence', manifest)]: checkpoint.seq,
    [field('occurredAt', manifest)]: checkpoint.at,
    [field('actor', manifest)]: 'tiergate',
    [field('action', manifest)]: 'journal.checkpoint',
    [field('subject', manifest)]: `journal through entry ${checkpoint.seq}`,
    [field('reason', manifest)]: null,
    [field('before', manifest)]: null,
    [field('after', manifest)]: { ...checkpoint },
    [field('hash', manifest)]: checkpoint.hash,
    [field('previousHash', manifest)]: null,
  };
}

export interface BackoffOptions {
  /** The ceiling of the first retry's delay; it doubles with each attempt. */
  readonly baseMs: number;
  /** The largest ceiling. */
  readonly maxMs: number;
}

export interface OutboxRelayOptions {
  /** Rows per claim and per host call; at most Twenty's 60 records per create. */
  readonly batchSize?: number;
  /** Strikes (refusals of the entry) after which a row is parked; `OUTBOX_MAX_ATTEMPTS` by default. */
  readonly maxAttempts?: number;
  readonly backoff: BackoffOptions;
  /** How long a claim holds its rows (`DEFAULT_LEASE_MS`): a relay that dies frees them then. */
  readonly leaseMs?: number;
  /** How long `run` waits when nothing is due (`DEFAULT_IDLE_MS`). */
  readonly idleMs?: number;
  /** The longest wait after an error of the store (`DEFAULT_STORE_RETRY_MAX_MS`). */
  readonly storeRetryMaxMs?: number;
  /** In [0, 1): the jitter. */
  readonly random?: () => number;
  readonly now?: () => Date;
  /** Waits `ms`, or less when `signal` aborts; never rejects. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The alert: called once for each row this relay parks, with the last error. */
  readonly onParked?: (row: ClaimedOutboxRow, error: string) => void | Promise<void>;
  /**
   * Told once when the installation cannot write the audit object at all (a revoked key, the
   * object gone), and again only after a delivery has succeeded since: the mirror has stopped.
   */
  readonly onBlocked?: (message: string) => void;
  /** One line per notable event (a failed batch, a parked row); stderr by default. */
  readonly log?: (line: string) => void;
  /** Where the audit object's names come from; manifest.json by default. */
  readonly manifest?: Manifest;
}

export interface RelayRun {
  readonly delivered: number;
  /** Rows that failed and are due again later. */
  readonly failed: number;
  /** Rows that failed for the last time and were parked. */
  readonly parked: number;
  /** When rows failed: the delay until the earliest of them is due again. */
  readonly retryInMs?: number;
}

const defaultSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  try {
    await sleepFor(ms, undefined, signal === undefined ? undefined : { signal });
  } catch (error) {
    if (!(signal?.aborted ?? false)) throw error;
  }
};

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whose a failed send is (`hostFailureKind`, src/host/host-error.ts, for the host's answers):
 * `transient` and `blocked` are not the entry's fault, so neither parks it; `refused` also
 * covers an entry that cannot be made into a record, and an error we cannot place is transient.
 */
export type FailureKind = HostFailureKind;

/** How a failed send counts; see `FailureKind`. */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof OutboxRelayError) return 'refused';
  return error instanceof HostError ? hostFailureKind(error) : 'transient';
}

interface SendFailure {
  readonly message: string;
  readonly kind: FailureKind;
}

const failureOf = (error: unknown): SendFailure => ({
  message: messageOf(error),
  kind: failureKind(error),
});

/** Carries outbox rows to the host's audit object; see the file's comment. */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly leaseMs: number;
  private readonly idleMs: number;
  private readonly storeRetryMaxMs: number;
  /** Whether `onBlocked` was told of the current spell of refusals. */
  private blockedSaid = false;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly log: (line: string) => void;
  private readonly manifest: Manifest;
  private readonly mutation: string;
  private readonly resolver: string;

  constructor(
    private readonly store: Pick<Store, 'db'>,
    private readonly host: Pick<Host, 'core'>,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? HOST_BATCH_SIZE;
    this.maxAttempts = options.maxAttempts ?? OUTBOX_MAX_ATTEMPTS;
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.storeRetryMaxMs = options.storeRetryMaxMs ?? DEFAULT_STORE_RETRY_MAX_MS;
    const { baseMs, maxMs } = options.backoff;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1 || this.batchSize > HOST_BATCH_SIZE)
      throw new RangeError(
        `outbox relay batchSize must be a whole number from 1 to ${HOST_BATCH_SIZE}, not ${this.batchSize}`,
      );
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1)
      throw new RangeError(
        `outbox relay maxAttempts must be a whole number >= 1, not ${this.maxAttempts}`,
      );
    if (!(baseMs >= 0) || !(maxMs >= baseMs))
      throw new RangeError(
        `outbox relay backoff needs 0 <= baseMs <= maxMs, not baseMs ${baseMs} and maxMs ${maxMs}`,
      );
    if (!(this.leaseMs >= 0)) throw new RangeError(`outbox relay leaseMs must be >= 0`);
    if (!(this.storeRetryMaxMs >= 0))
      throw new RangeError(`outbox relay storeRetryMaxMs must be >= 0`);
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? defaultSleep;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.manifest = options.manifest ?? tiergateManifest();
    const object = manifestObject(AUDIT_OBJECT, this.manifest);
    this.resolver = resolverName(object, 'createMany');
    this.mutation = `mutation TiergateAuditRelay($data: [${objectTypeNames(object.nameSingular).create}!]!) {
  ${this.resolver}(data: $data, upsert: true) { id }
}`;
  }

  /** Rows this relay claimed and has not reported on yet, with the end of their lease. */
  private readonly unsettled = new Map<number, Date>();
  /** Failed checkpoint mirrorings in a row, and when a run may try again. */
  private mirrorFailures = 0;
  private mirrorRetryAt = 0;

  /**
   * Mirrors the checkpoints that are due (unless a failed mirroring is backing off), then
   * delivers what is due now, batch after batch, until nothing is due or a batch fails (the rows
   * after it stay due, and are taken in order once the failed ones are due again).
   */
  async runOnce(): Promise<RelayRun> {
    await this.releaseUnsettled();
    if (this.now().getTime() >= this.mirrorRetryAt) await this.mirrorCheckpoints();
    let delivered = 0;
    let failed = 0;
    let parked = 0;
    let retryInMs: number | undefined;
    for (;;) {
      const now = this.now();
      const claimed = await claimOutbox(this.store.db, {
        limit: this.batchSize,
        leaseMs: this.leaseMs,
        now,
      });
      if (claimed.length === 0) break;
      const leaseEnd = new Date(now.getTime() + this.leaseMs);
      for (const row of claimed) this.unsettled.set(row.entry.journalSeq, leaseEnd);
      const failures = await this.send(claimed);
      // One delay for the batch, so its rows stay together for the retry.
      const delay = backoffDelay(
        Math.max(...claimed.map((row) => row.entry.attempts)),
        {
          attempts: this.maxAttempts,
          baseDelayMs: this.options.backoff.baseMs,
          maxDelayMs: this.options.backoff.maxMs,
        },
        this.random,
      );
      for (const row of claimed) {
        const seq = row.entry.journalSeq;
        const failure = failures.get(seq);
        if (failure === undefined) {
          if (await markDelivered(this.store.db, seq, this.now())) {
            delivered++;
            this.blockedSaid = false;
          }
          this.unsettled.delete(seq);
          continue;
        }
        const outcome = await markOutboxFailed(this.store.db, seq, {
          error: failure.message,
          retryAt: new Date(this.now().getTime() + delay),
          counts: failure.kind === 'refused',
          maxAttempts: this.maxAttempts,
        });
        this.unsettled.delete(seq);
        if (outcome === 'dead') {
          parked++;
          this.log(
            `audit outbox: parked journal entry ${seq} after ${row.entry.attempts} attempts, ${row.entry.strikes + 1} of them refused: ${failure.message}`,
          );
          await this.options.onParked?.(row, failure.message);
        } else if (outcome === 'pending') {
          failed++;
          retryInMs = Math.min(retryInMs ?? delay, delay);
        }
      }
      if (failures.size > 0) {
        const first = failures.values().next().value as SendFailure;
        const advice =
          first.kind === 'blocked'
            ? " (the installation cannot write the audit object: check Tiergate's API key and run tiergate install; entries wait, none is parked)"
            : '';
        const line = `audit outbox: ${failures.size} of ${claimed.length} entries from seq ${claimed[0]?.entry.journalSeq} not delivered: ${first.message}${advice}`;
        this.log(line);
        if (first.kind === 'blocked' && !this.blockedSaid) {
          this.blockedSaid = true;
          this.options.onBlocked?.(line);
        }
        break;
      }
    }
    return retryInMs === undefined
      ? { delivered, failed, parked }
      : { delivered, failed, parked, retryInMs };
  }

  /**
   * Puts every checkpoint not yet mirrored into the host's audit object, whether or not its
   * entries are there yet (see the file's comment), and returns how many. A failure is logged
   * and backs off; the next run tries again (the ids make a repeat harmless). The journal calls
   * this right after taking a checkpoint.
   */
  async mirrorCheckpoints(): Promise<number> {
    let mirrored = 0;
    try {
      for (;;) {
        const due = await checkpointsToMirror(this.store.db, { limit: this.batchSize });
        if (due.length === 0) break;
        const data = due.map((cp) => checkpointRecordOf(cp, this.manifest));
        await this.host.core.request<Record<string, unknown>>(this.mutation, { data });
        await markCheckpointsMirrored(
          this.store.db,
          due.map((cp) => cp.seq),
          this.now(),
        );
        mirrored += due.length;
        if (due.length < this.batchSize) break;
      }
      this.mirrorFailures = 0;
      this.mirrorRetryAt = 0;
    } catch (error) {
      this.mirrorFailures++;
      const delay = backoffDelay(
        this.mirrorFailures,
        {
          attempts: Number.POSITIVE_INFINITY,
          baseDelayMs: this.options.backoff.baseMs,
          maxDelayMs: this.options.backoff.maxMs,
        },
        this.random,
      );
      this.mirrorRetryAt = this.now().getTime() + delay;
      this.log(`audit outbox: checkpoints not mirrored to the host yet: ${messageOf(error)}`);
    }
    return mirrored;
  }

  /**
   * Runs until `signal` aborts: delivers what is due, waits for the earliest retry after a
   * failure, and looks again every `idleMs` when nothing is due. An error of the store is logged
   * and the loop goes on within `storeRetryMaxMs` (backing off with jitter from half a second),
   * never after the host's backoff: the store coming back should not find the relay asleep.
   */
  async run(signal: AbortSignal): Promise<void> {
    let storeErrors = 0;
    while (!signal.aborted) {
      let wait: number;
      try {
        const result = await this.runOnce();
        storeErrors = 0;
        wait = result.retryInMs ?? (result.delivered > 0 ? 0 : this.idleMs);
      } catch (error) {
        storeErrors++;
        this.log(`audit outbox: relay run failed: ${messageOf(error)}`);
        wait = backoffDelay(
          storeErrors,
          {
            attempts: Number.POSITIVE_INFINITY,
            baseDelayMs: Math.min(500, this.storeRetryMaxMs),
            maxDelayMs: this.storeRetryMaxMs,
          },
          this.random,
        );
      }
      if (wait > 0 && !signal.aborted) await this.sleep(wait, signal);
    }
  }

  /**
   * Rows claimed by a run that failed on the store before reporting on them: due again now,
   * instead of at the end of a lease meant for a relay that died. Only rows still under this
   * relay's lease are touched.
   */
  private async releaseUnsettled(): Promise<void> {
    if (this.unsettled.size === 0) return;
    const claims = [...this.unsettled].map(([journalSeq, leaseEnd]) => ({ journalSeq, leaseEnd }));
    await releaseOutboxClaims(this.store.db, claims, this.now());
    this.unsettled.clear();
  }

  /** Sends the rows; the failure of each row that did not reach the host, by journal seq. */
  private async send(rows: readonly ClaimedOutboxRow[]): Promise<Map<number, SendFailure>> {
    try {
      await this.create(rows);
      return new Map();
    } catch (error) {
      const failure = failureOf(error);
      if (rows.length === 1 || failure.kind !== 'refused')
        return new Map(rows.map((row) => [row.entry.journalSeq, failure]));
    }
    // Refused as a batch: find the rows the host refuses, one by one.
    const failures = new Map<number, SendFailure>();
    for (const [i, row] of rows.entries()) {
      try {
        await this.create([row]);
      } catch (error) {
        const failure = failureOf(error);
        failures.set(row.entry.journalSeq, failure);
        if (failure.kind !== 'refused') {
          // The host is failing now, not refusing this entry: leave the rest for the retry.
          for (const rest of rows.slice(i + 1)) failures.set(rest.entry.journalSeq, failure);
          break;
        }
      }
    }
    return failures;
  }

  private async create(rows: readonly ClaimedOutboxRow[]): Promise<void> {
    const data = rows.map((row) => auditRecordOf(row.row, this.manifest));
    const answer = await this.host.core.request<Record<string, unknown>>(this.mutation, { data });
    const returned = answer[this.resolver];
    const ids = new Set(
      Array.isArray(returned)
        ? returned.map((record: unknown) =>
            typeof record === 'object' && record !== null && 'id' in record ? record.id : undefined,
          )
        : [],
    );
    const missing = data.find((record) => !ids.has(record.id));
    if (missing !== undefined)
      throw new OutboxRelayError(
        `${this.resolver}: the host's answer lacks record ${missing.id} (journal entry ${String(missing[field('sequence', this.manifest)])})`,
      );
  }
}
