/**
 * Rows of the audit journal, its checkpoints and its outbox, as stored. What the hashes cover
 * and how the chain is verified belongs to `src/audit`; the store keeps the rows exactly as
 * given (canonical JSON as text, byte for byte) and guarantees two things of its own: `seq`
 * runs from 1 with no gap (an append must continue the journal, and two concurrent appends
 * cannot both take a seq), and a journal row and its outbox row commit together or not at all.
 *
 * The outbox carries each journal row to the host's audit object. A claim is a lease written
 * into `next_attempt_at`: a relay that dies leaves its rows due again when the lease ends. Every
 * claim is an attempt; only a refusal of the entry itself (`markOutboxFailed` with `counts`) is
 * a strike, and a row is parked as `dead` after `maxAttempts` strikes. A host outage of any
 * length, and relays killed any number of times, therefore park nothing; `requeueDeadOutbox`
 * puts parked rows back.
 */
import type { Selectable } from 'kysely';
import type {
  AuditCheckpointTable,
  AuditJournalTable,
  AuditOutboxTable,
  Executor,
  OutboxStatus,
} from './schema.js';
import { StoreError } from './store-error.js';

export { OUTBOX_STATUSES, type OutboxStatus } from './schema.js';

const JOURNAL = 'tiergate_audit_journal';
const CHECKPOINT = 'tiergate_audit_checkpoint';
const OUTBOX = 'tiergate_audit_outbox';

/** Strikes (refusals of the entry) after which an outbox row is parked as `dead`. */
export const OUTBOX_MAX_ATTEMPTS = 10;

export interface JournalRow {
  readonly seq: number;
  /** ISO 8601, as hashed. */
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  /** Canonical JSON text, or null for no value (`src/audit` decides which). */
  readonly before: string | null;
  readonly after: string | null;
  readonly reason: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export interface Checkpoint {
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
  readonly keyId: string;
  readonly signature: string;
}

export interface OutboxEntry {
  readonly journalSeq: number;
  readonly status: OutboxStatus;
  readonly attempts: number;
  /** The attempts that count toward parking: the host's refusals of the entry. */
  readonly strikes: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly deliveredAt: Date | null;
}

function toJournalRow(row: Selectable<AuditJournalTable>): JournalRow {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: row.before,
    after: row.after,
    reason: row.reason,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function toOutboxEntry(row: Selectable<AuditOutboxTable>): OutboxEntry {
  return {
    journalSeq: row.journal_seq,
    status: row.status,
    attempts: row.attempts,
    strikes: row.strikes,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
  };
}

function toCheckpoint(row: Selectable<AuditCheckpointTable>): Checkpoint {
  return {
    seq: row.seq,
    hash: row.hash,
    at: row.at,
    keyId: row.key_id,
    signature: row.signature,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}

/** Runs `fn` in `db` when it is a transaction already, else in a new one. */
function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Appends rows in one insert; they must continue the journal (`seq` = last seq + 1, then + 1
 * each). With `outbox`, each row gets its outbox row, due at `now`, in the same transaction.
 * Pass a transaction to commit the rows with other writes; otherwise one is opened here.
 */
export async function appendJournalRows(
  db: Executor,
  rows: readonly JournalRow[],
  options: { readonly outbox?: boolean; readonly now?: Date } = {},
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  rows.forEach((row, i) => {
    if (row.seq !== first.seq + i)
      throw new StoreError(
        `journal rows must have consecutive seqs: ${row.seq} follows ${first.seq + i - 1}`,
      );
  });
  await inTransaction(db, async (trx) => {
    const last = await trx
      .selectFrom(JOURNAL)
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirstOrThrow();
    const expected = (last.seq ?? 0) + 1;
    if (first.seq !== expected)
      throw new StoreError(`journal append must start at seq ${expected}, not ${first.seq}`);
    try {
      await trx
        .insertInto(JOURNAL)
        .values(
          rows.map((row) => ({
            seq: row.seq,
            at: row.at,
            actor: row.actor,
            action: row.action,
            target: row.target,
            before: row.before,
            after: row.after,
            reason: row.reason,
            prev_hash: row.prevHash,
            hash: row.hash,
          })),
        )
        .execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new StoreError(
          `journal seq ${first.seq} or a hash was taken meanwhile: another append got there first`,
          { cause: error },
        );
      throw error;
    }
    if (options.outbox === true) {
      const due = options.now ?? new Date();
      await trx
        .insertInto(OUTBOX)
        .values(rows.map((row) => ({ journal_seq: row.seq, next_attempt_at: due })))
        .execute();
    }
  });
}

/** The journal's last row, or undefined when it is empty. */
export async function lastJournalRow(db: Executor): Promise<JournalRow | undefined> {
  const row = await db
    .selectFrom(JOURNAL)
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toJournalRow(row);
}

/** Up to `limit` rows from `fromSeq` on, in seq order. */
export async function readJournalRows(
  db: Executor,
  fromSeq: number,
  limit: number,
): Promise<JournalRow[]> {
  const rows = await db
    .selectFrom(JOURNAL)
    .selectAll()
    .where('seq', '>=', fromSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toJournalRow);
}

/** Every row from `fromSeq` (default 1) on, in seq order, read `batchSize` rows at a time. */
export async function* allJournalRows(
  db: Executor,
  options: { readonly fromSeq?: number; readonly batchSize?: number } = {},
): AsyncGenerator<JournalRow, void, undefined> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, not ${batchSize}`);
  let from = options.fromSeq ?? 1;
  for (;;) {
    const batch = await readJournalRows(db, from, batchSize);
    yield* batch;
    const last = batch.at(-1);
    if (last === undefined || batch.length < batchSize) return;
    from = last.seq + 1;
  }
}

/** Stores a checkpoint; a second checkpoint at the same seq is refused. */
export async function appendCheckpoint(db: Executor, checkpoint: Checkpoint): Promise<void> {
  await db
    .insertInto(CHECKPOINT)
    .values({
      seq: checkpoint.seq,
      hash: checkpoint.hash,
      at: checkpoint.at,
      key_id: checkpoint.keyId,
      signature: checkpoint.signature,
    })
    .execute();
}

/**
 * Checkpoints not yet mirrored to the host, lowest seq first, whether or not their entries have
 * reached it: the host's copy anchors the tail outside the store as soon as it exists, and a
 * checkpoint ahead of its entries there only says those entries are still on their way.
 */
export async function checkpointsToMirror(
  db: Executor,
  options: { readonly limit: number },
): Promise<Checkpoint[]> {
  const rows = await db
    .selectFrom(CHECKPOINT)
    .selectAll()
    .where('mirrored_at', 'is', null)
    .orderBy('seq')
    .limit(options.limit)
    .execute();
  return rows.map(toCheckpoint);
}

/** Marks checkpoints as mirrored to the host. */
export async function markCheckpointsMirrored(
  db: Executor,
  seqs: readonly number[],
  at: Date,
): Promise<void> {
  if (seqs.length === 0) return;
  await db.updateTable(CHECKPOINT).set({ mirrored_at: at }).where('seq', 'in', seqs).execute();
}

/** The highest seq such that every outbox row up to it is delivered; 0 when none is. */
export async function deliveredThrough(db: Executor): Promise<number> {
  const row = await db
    .selectFrom(OUTBOX)
    .select((eb) => eb.fn.min('journal_seq').as('first'))
    .where('status', '!=', 'delivered')
    .executeTakeFirst();
  const firstUndelivered = row?.first ?? null;
  if (firstUndelivered !== null) return firstUndelivered - 1;
  const last = await db
    .selectFrom(OUTBOX)
    .select((eb) => eb.fn.max('journal_seq').as('last'))
    .executeTakeFirst();
  return last?.last ?? 0;
}

/** The checkpoint with the highest seq, or undefined. */
export async function lastCheckpoint(db: Executor): Promise<Checkpoint | undefined> {
  const row = await db
    .selectFrom(CHECKPOINT)
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toCheckpoint(row);
}

export interface ClaimedOutboxRow {
  readonly entry: OutboxEntry;
  readonly row: JournalRow;
}

/**
 * Claims up to `limit` due outbox rows, lowest seq first, with their journal rows: they are not
 * due again for `leaseMs`. Rows another relay is claiming at the same moment are skipped.
 */
export async function claimOutbox(
  db: Executor,
  options: {
    readonly limit: number;
    readonly leaseMs: number;
    readonly now?: Date;
  },
): Promise<ClaimedOutboxRow[]> {
  const now = options.now ?? new Date();
  if (!Number.isInteger(options.limit) || options.limit < 1)
    throw new RangeError(`claim limit must be a positive integer, not ${options.limit}`);
  if (!(options.leaseMs >= 0)) throw new RangeError(`leaseMs must be >= 0, not ${options.leaseMs}`);

  // A claim whose lease ran out is simply due again, never parked: the relay died (SIGKILL, an
  // out-of-memory kill, a deploy), which says nothing about the entry.
  const due = db
    .selectFrom(OUTBOX)
    .select('journal_seq')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .orderBy('journal_seq')
    .limit(options.limit)
    .forUpdate()
    .skipLocked();
  const entries = await db
    .updateTable(OUTBOX)
    .set((eb) => ({
      next_attempt_at: new Date(now.getTime() + options.leaseMs),
      attempts: eb('attempts', '+', 1),
    }))
    .where('journal_seq', 'in', due)
    .returningAll()
    .execute();
  if (entries.length === 0) return [];
  const rows = await db
    .selectFrom(JOURNAL)
    .selectAll()
    .where(
      'seq',
      'in',
      entries.map((e) => e.journal_seq),
    )
    .execute();
  const bySeq = new Map(rows.map((row) => [row.seq, toJournalRow(row)]));
  return entries
    .map((entry) => {
      const row = bySeq.get(entry.journal_seq);
      if (row === undefined)
        throw new StoreError(`outbox row ${entry.journal_seq} has no journal row`);
      return { entry: toOutboxEntry(entry), row };
    })
    .sort((a, b) => a.entry.journalSeq - b.entry.journalSeq);
}

/** Marks a row delivered; false when it was not pending (delivered already, or dead). */
export async function markDelivered(
  db: Executor,
  journalSeq: number,
  now: Date = new Date(),
): Promise<boolean> {
  const result = await db
    .updateTable(OUTBOX)
    .set({ status: 'delivered', delivered_at: now, last_error: null })
    .where('journal_seq', '=', journalSeq)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records a failed delivery, due again at `retryAt`. With `counts`, the failure was the entry's
 * own (the host refuses it): a strike, and the row is parked as `dead` at `maxAttempts`
 * strikes. Without, the host was down, busy or failing, and the row stays pending however often
 * that happens. `'not-pending'` when the row was delivered or dead already.
 */
export async function markOutboxFailed(
  db: Executor,
  journalSeq: number,
  failure: {
    readonly error: string;
    readonly retryAt: Date;
    readonly counts: boolean;
    readonly maxAttempts?: number;
  },
): Promise<'pending' | 'dead' | 'not-pending'> {
  const maxAttempts = failure.maxAttempts ?? OUTBOX_MAX_ATTEMPTS;
  const row = await db
    .updateTable(OUTBOX)
    .set((eb) => ({
      // The right-hand sides read the row as it was: `strikes + 1` is the new count.
      ...(failure.counts
        ? {
            strikes: eb('strikes', '+', 1),
            status: eb
              .case()
              .when(eb('strikes', '+', 1), '>=', maxAttempts)
              .then(eb.val<OutboxStatus>('dead'))
              .else(eb.val<OutboxStatus>('pending'))
              .end(),
          }
        : {}),
      next_attempt_at: failure.retryAt,
      last_error: failure.error,
    }))
    .where('journal_seq', '=', journalSeq)
    .where('status', '=', 'pending')
    .returning('status')
    .executeTakeFirst();
  if (row === undefined) return 'not-pending';
  return row.status === 'dead' ? 'dead' : 'pending';
}

/**
 * Gives back claims a relay could not report on (its store failed meanwhile): each row still
 * pending under that claim's lease (`next_attempt_at` = `leaseEnd`) is due at `now` again. A row
 * another relay claimed since is left alone.
 */
export async function releaseOutboxClaims(
  db: Executor,
  claims: readonly { readonly journalSeq: number; readonly leaseEnd: Date }[],
  now: Date = new Date(),
): Promise<void> {
  if (claims.length === 0) return;
  await inTransaction(db, async (trx) => {
    for (const claim of claims)
      await trx
        .updateTable(OUTBOX)
        .set({ next_attempt_at: now })
        .where('journal_seq', '=', claim.journalSeq)
        .where('status', '=', 'pending')
        .where('next_attempt_at', '=', claim.leaseEnd)
        .execute();
  });
}

/**
 * Puts every parked (`dead`) row back to pending, due at `now`, with its strikes cleared (its
 * attempts and last error stay, as history). Returns the seqs requeued, lowest first.
 */
export async function requeueDeadOutbox(db: Executor, now: Date = new Date()): Promise<number[]> {
  const rows = await db
    .updateTable(OUTBOX)
    .set({ status: 'pending', strikes: 0, next_attempt_at: now })
    .where('status', '=', 'dead')
    .returning('journal_seq')
    .execute();
  return rows.map((row) => row.journal_seq).sort((a, b) => a - b);
}

export interface OutboxSummary {
  /** Rows by status (every status present, 0 when none). */
  readonly counts: Readonly<Record<OutboxStatus, number>>;
  /** The undelivered (pending or dead) row with the lowest seq, with its entry's time. */
  readonly oldestUndelivered?: OutboxEntry & { readonly at: string };
}

/** The outbox's rows counted by status, and its oldest undelivered row. */
export async function outboxSummary(db: Executor): Promise<OutboxSummary> {
  const grouped = await db
    .selectFrom(OUTBOX)
    .select((eb) => ['status', eb.fn.countAll<string | number | bigint>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<OutboxStatus, number> = { pending: 0, delivered: 0, dead: 0 };
  for (const row of grouped) counts[row.status] = Number(row.n);
  const oldest = await db
    .selectFrom(OUTBOX)
    .innerJoin(JOURNAL, `${JOURNAL}.seq`, `${OUTBOX}.journal_seq`)
    .selectAll(OUTBOX)
    .select(`${JOURNAL}.at`)
    .where(`${OUTBOX}.status`, '!=', 'delivered')
    .orderBy(`${OUTBOX}.journal_seq`)
    .limit(1)
    .executeTakeFirst();
  return oldest === undefined
    ? { counts }
    : { counts, oldestUndelivered: { ...toOutboxEntry(oldest), at: oldest.at } };
}

/** The outbox row of a journal row, or undefined. */
export async function findOutboxEntry(
  db: Executor,
  journalSeq: number,
): Promise<OutboxEntry | undefined> {
  const row = await db
    .selectFrom(OUTBOX)
    .selectAll()
    .where('journal_seq', '=', journalSeq)
    .executeTakeFirst();
  return row === undefined ? undefined : toOutboxEntry(row);
}
