/**
 * Rows of the audit journal and its checkpoints, as stored. What the hashes cover and how the
 * chain is verified belongs to `src/audit`; the store keeps the rows exactly as given (canonical
 * JSON as text, byte for byte), `seq` runs from 1 with no gap, and a journal row and its outbox
 * row commit together or not at all.
 */
import { sql, type Selectable } from 'kysely';
import {
  inTransaction,
  type AuditCheckpointTable,
  type AuditJournalTable,
  type Executor,
  type StoreTransaction,
} from './schema.js';
import { StoreError } from './store-error.js';

const JOURNAL = 'tiergate_audit_journal';
const CHECKPOINT = 'tiergate_audit_checkpoint';
const OUTBOX = 'tiergate_audit_outbox';

/** Two int4 keys, "tier" and "gate" in ASCII, so the lock is unlikely to meet another application's. */
const JOURNAL_LOCK = [0x74696572, 0x67617465] as const;

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

export function toJournalRow(row: Selectable<AuditJournalTable>): JournalRow {
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

/**
 * Takes the journal's advisory lock until `trx` ends: appends and checkpoints from several
 * processes then queue up instead of forking the chain.
 */
export async function lockJournal(trx: StoreTransaction): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(JOURNAL_LOCK[0])}, ${sql.lit(JOURNAL_LOCK[1])})`.execute(
    trx,
  );
}

export interface StoredCheckpoint extends Checkpoint {
  /** Whether it was mirrored to the host's audit object. */
  readonly mirrored: boolean;
}

/** Every stored checkpoint, by seq. */
export async function listCheckpoints(db: Executor): Promise<StoredCheckpoint[]> {
  const rows = await db.selectFrom(CHECKPOINT).selectAll().orderBy('seq').execute();
  return rows.map((row) => ({ ...toCheckpoint(row), mirrored: row.mirrored_at !== null }));
}

/** How many checkpoints are not mirrored to the host yet. */
export async function countUnmirroredCheckpoints(db: Executor): Promise<number> {
  const row = await db
    .selectFrom(CHECKPOINT)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('mirrored_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
