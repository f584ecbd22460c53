/**
 * The store's tables as Kysely sees them. Every table is named `tiergate_<what>` (snake_case)
 * so that Tiergate can share a database, and its default schema, with other applications; the
 * migration bookkeeping tables follow the same rule (`tiergate_migration`,
 * `tiergate_migration_lock`).
 *
 * Types are those the store's connections hand back on both engines: `bigint` columns arrive as
 * JavaScript numbers (the store's type parser refuses values beyond 2^53), `timestamptz` columns
 * as `Date`s, everything else as text. Repositories map these rows to camelCase objects; nothing
 * outside `src/store` should need these interfaces.
 */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

export const TABLES = {
  webhookInbox: 'tiergate_webhook_inbox',
  auditJournal: 'tiergate_audit_journal',
  auditCheckpoint: 'tiergate_audit_checkpoint',
  auditOutbox: 'tiergate_audit_outbox',
  sweepCursor: 'tiergate_sweep_cursor',
  sweepKnown: 'tiergate_sweep_known',
  sweepLease: 'tiergate_sweep_lease',
} as const;

export const MIGRATION_TABLE = 'tiergate_migration';
export const MIGRATION_LOCK_TABLE = 'tiergate_migration_lock';

/** A `timestamptz`: read as a `Date`, written as a `Date` (or an ISO string). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A `timestamptz` with a database default. */
type TimestampWithDefault = ColumnType<Date, Date | string | undefined, Date | string>;

export const INBOX_STATUSES = ['pending', 'processing', 'done', 'dead'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export const OUTBOX_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export interface WebhookInboxTable {
  id: Generated<number>;
  received_at: TimestampWithDefault;
  body_sha256: string;
  dedupe_key: string;
  event_name: string;
  object_name: string;
  record_id: string;
  /** The record's `updatedAt` the event carries, normalised to ISO-8601 UTC; null: unknown. */
  record_version: ColumnType<string | null, string | null | undefined, string | null>;
  /** The event is a version the sweep read, not a webhook delivery. */
  swept: ColumnType<boolean, boolean | undefined, boolean>;
  body: string;
  status: ColumnType<InboxStatus, InboxStatus | undefined, InboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: TimestampWithDefault;
  last_error: string | null;
  locked_by: string | null;
  locked_until: Timestamp | null;
}

export interface AuditJournalTable {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: string | null;
  after: string | null;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointTable {
  seq: number;
  hash: string;
  at: string;
  key_id: string;
  signature: string;
  /** When the relay put it into the host's audit object; null until then. */
  mirrored_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface AuditOutboxTable {
  journal_seq: number;
  status: ColumnType<OutboxStatus, OutboxStatus | undefined, OutboxStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  /** The attempts that count toward parking: the host's refusals of the entry. */
  strikes: ColumnType<number, number | undefined, number>;
  next_attempt_at: TimestampWithDefault;
  last_error: string | null;
  delivered_at: Timestamp | null;
}

export interface SweepCursorTable {
  object_name: string;
  updated_at: string;
  record_id: string;
  swept_at: Timestamp;
  /** When the sweep last compared the ids it knows with the host's; null: never. */
  ids_checked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface SweepKnownTable {
  object_name: string;
  record_id: string;
  /** The record's version (`recordVersion`) when the sweep last read it whole; null: never. */
  version: ColumnType<string | null, string | null | undefined, string | null>;
  /** Since when the host no longer has it (a destroy not yet declared); null: present. */
  missing_since: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface SweepLeaseTable {
  name: string;
  holder: string;
  expires_at: Timestamp;
}

export interface Database {
  tiergate_webhook_inbox: WebhookInboxTable;
  tiergate_audit_journal: AuditJournalTable;
  tiergate_audit_checkpoint: AuditCheckpointTable;
  tiergate_audit_outbox: AuditOutboxTable;
  tiergate_sweep_cursor: SweepCursorTable;
  tiergate_sweep_known: SweepKnownTable;
  tiergate_sweep_lease: SweepLeaseTable;
}

/** What repositories run on: the store's `db`, or a transaction from `store.transaction`. */
export type Executor = Kysely<Database>;
/** A transaction the store opened (`Store.transaction`); operations that must run in one take it. */
export type StoreTransaction = Transaction<Database>;

/** Runs `fn` in `db` when it is a transaction already, else in a new one. */
export function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
