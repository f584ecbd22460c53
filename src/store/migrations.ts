/**
 * The store's migrations, defined in code and run by Kysely's `Migrator` on PostgreSQL and on
 * PGlite alike. Being code rather than `.sql` files found on disk, they run the same from `src`
 * under vitest and from `dist` after the build.
 *
 * Rules for adding one: give it the next `NNNN_name` (the migrator applies them in name order
 * and refuses a new one named before an applied one); never edit a migration once merged, add
 * another; spell table and column names out literally here, so that a later rename in
 * `schema.ts` cannot change what an old migration did. Each migration is typed over
 * `Kysely<unknown>` because it must not depend on the current shape of the schema.
 */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // The webhook inbox: persist-then-acknowledge, then processed from here.
    await db.schema
      .createTable('tiergate_webhook_inbox')
      .addColumn('id', 'bigserial', (c) => c.primaryKey())
      .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('body_sha256', 'text', (c) => c.notNull().unique())
      .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
      .addColumn('event_name', 'text', (c) => c.notNull())
      .addColumn('object_name', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .defaultTo('pending')
          .check(sql`status in ('pending', 'processing', 'done', 'dead')`),
      )
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('last_error', 'text')
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('tiergate_webhook_inbox_claim')
      .on('tiergate_webhook_inbox')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('tiergate_webhook_inbox_record_order')
      .on('tiergate_webhook_inbox')
      .columns(['object_name', 'record_id', 'id'])
      .execute();

    // The audit journal: hash-chained, seq contiguous from 1. before / after are canonical
    // JSON as text (null: no value), never jsonb, which would reorder keys and break the hashes.
    await db.schema
      .createTable('tiergate_audit_journal')
      .addColumn('seq', 'bigint', (c) => c.primaryKey().check(sql`seq >= 1`))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addColumn('reason', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .execute();

    await db.schema
      .createTable('tiergate_audit_checkpoint')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .execute();

    // One row per journal row to deliver to the host's audit object, written in the journal
    // row's transaction.
    await db.schema
      .createTable('tiergate_audit_outbox')
      .addColumn('journal_seq', 'bigint', (c) =>
        c.primaryKey().references('tiergate_audit_journal.seq'),
      )
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .defaultTo('pending')
          .check(sql`status in ('pending', 'delivered', 'dead')`),
      )
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('last_error', 'text')
      .addColumn('delivered_at', 'timestamptz')
      .execute();
    await db.schema
      .createIndex('tiergate_audit_outbox_claim')
      .on('tiergate_audit_outbox')
      .columns(['status', 'next_attempt_at'])
      .execute();

    // The sweep's (updatedAt, id) cursor per object.
    await db.schema
      .createTable('tiergate_sweep_cursor')
      .addColumn('object_name', 'text', (c) => c.primaryKey())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('swept_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
};

/**
 * The version of the record an inbox event carries (its `updatedAt` as the host reports it), so
 * that a change reaches the inbox once whether its webhook arrived, the sweep found it, or both.
 */
const inboxRecordVersion: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('tiergate_webhook_inbox')
      .addColumn('record_version', 'text')
      .execute();
    await db.schema
      .createIndex('tiergate_webhook_inbox_record_version')
      .on('tiergate_webhook_inbox')
      .columns(['object_name', 'record_id', 'record_version'])
      .unique()
      .where(sql.ref('record_version'), 'is not', null)
      .execute();
  },
};

/** When a checkpoint reached the host's audit object (null: not yet), so each goes once. */
const checkpointMirrored: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('tiergate_audit_checkpoint')
      .addColumn('mirrored_at', 'timestamptz')
      .execute();
  },
};

/**
 * An inbox event is identified by its delivery, not by the record's state: the version stops
 * being unique across all events (a destroy keeps the deletion's version, a restore may bring
 * back an earlier one) and stays unique only among the sweep's readings (of one event), which now
 * say that they are the sweep's (`swept`).
 */
const intakeEventIdentity: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('tiergate_webhook_inbox_record_version').execute();
    await db.schema
      .alterTable('tiergate_webhook_inbox')
      .addColumn('swept', 'boolean', (c) => c.notNull().defaultTo(false))
      .execute();
    await sql`update tiergate_webhook_inbox set swept = true
      where dedupe_key like ${'["tiergate-sweep",%'}`.execute(db);
    await db.schema
      .createIndex('tiergate_webhook_inbox_swept_version')
      .on('tiergate_webhook_inbox')
      // With the event: a destroy the sweep finds keeps the version of the deletion it read.
      .columns(['object_name', 'record_id', 'record_version', 'event_name'])
      .unique()
      .where(sql.ref('swept'), '=', true)
      .execute();
  },
};

/**
 * What the sweep needs to find destroys and to keep replicas from sweeping at once: the ids (and
 * last version read) of every record it knows per object, when it last compared them with the
 * host's, and one lease row that a replica holds while it sweeps.
 */
const sweepKnownIds: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('tiergate_sweep_known')
      .addColumn('object_name', 'text', (c) => c.notNull())
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('version', 'text')
      .addColumn('missing_since', 'timestamptz')
      .addPrimaryKeyConstraint('tiergate_sweep_known_pk', ['object_name', 'record_id'])
      .execute();
    await db.schema
      .alterTable('tiergate_sweep_cursor')
      .addColumn('ids_checked_at', 'timestamptz')
      .execute();
    await db.schema
      .createTable('tiergate_sweep_lease')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
};

/**
 * The outbox's attempts that count toward parking a row (the host's refusals of the entry),
 * apart from `attempts`: a host that is down or busy must never park a row.
 */
const relayOutboxStrikes: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('tiergate_audit_outbox')
      .addColumn('strikes', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/** Every migration, by name. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initial,
  '0002_inbox_record_version': inboxRecordVersion,
  '0003_checkpoint_mirrored': checkpointMirrored,
  '0004_intake_event_identity': intakeEventIdentity,
  '0005_sweep_known_ids': sweepKnownIds,
  '0006_relay_outbox_strikes': relayOutboxStrikes,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
