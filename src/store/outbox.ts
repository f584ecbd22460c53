/**
 * The outbox carrying each journal row to the host's audit object. A claim is a lease written
 * into `next_attempt_at`: a relay that dies leaves its rows due again when the lease ends. Only a
 * refusal of the entry itself (`markOutboxFailed` with `counts`) is a strike, and a row is parked
 * as `dead` after `maxAttempts` strikes, so host outages and killed relays park nothing.
 */
import type { Selectable } from 'kysely';
import { toJournalRow, type JournalRow } from './journal-rows.js';
import {
  inTransaction,
  type AuditOutboxTable,
  type Executor,
  type OutboxStatus,
} from './schema.js';
import { StoreError } from './store-error.js';

export { OUTBOX_STATUSES, type OutboxStatus } from './schema.js';

const JOURNAL = 'tiergate_audit_journal';
const OUTBOX = 'tiergate_audit_outbox';

/** Strikes (refusals of the entry) after which an outbox row is parked as `dead`. */
export const OUTBOX_MAX_ATTEMPTS = 10;

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

/** The journal seqs the outbox marks as delivered to the host, lowest first. */
export async function deliveredJournalSeqs(db: Executor): Promise<number[]> {
  const rows = await db
    .selectFrom(OUTBOX)
    .select('journal_seq')
    .where('status', '=', 'delivered')
    .orderBy('journal_seq')
    .execute();
  return rows.map((row) => row.journal_seq);
}
