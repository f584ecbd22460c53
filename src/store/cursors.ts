/**
 * The sweep's cursors: Twenty does not redeliver webhooks, so a periodic sweep reads each object
 * by `(updatedAt, id)` from where it last stopped. The cursor is kept as the host gave it
 * (`updatedAt` as an ISO string, not a timestamp, so no precision is lost on the way back), and
 * `sweptAt` says when the sweep last got there.
 *
 * Beside the cursors: the records the sweep knows per object (id and the version it last read),
 * so that a record gone from the host can be told apart from one never seen, and the lease a
 * replica holds while it sweeps.
 */
import { sql } from 'kysely';
import type { Executor } from './schema.js';

const CURSOR = 'tiergate_sweep_cursor';

export interface SweepCursor {
  readonly objectName: string;
  readonly updatedAt: string;
  readonly recordId: string;
  readonly sweptAt: Date;
  /** When the known ids were last compared with the host's (read only; absent: never). */
  readonly idsCheckedAt?: Date;
}

/** The cursor of one object, or undefined before its first sweep. */
export async function getSweepCursor(
  db: Executor,
  objectName: string,
): Promise<SweepCursor | undefined> {
  const row = await db
    .selectFrom(CURSOR)
    .selectAll()
    .where('object_name', '=', objectName)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        objectName: row.object_name,
        updatedAt: row.updated_at,
        recordId: row.record_id,
        sweptAt: row.swept_at,
        ...(row.ids_checked_at === null ? {} : { idsCheckedAt: row.ids_checked_at }),
      };
}

/** Creates or moves the cursor of `cursor.objectName`. */
export async function setSweepCursor(db: Executor, cursor: SweepCursor): Promise<void> {
  await db
    .insertInto(CURSOR)
    .values({
      object_name: cursor.objectName,
      updated_at: cursor.updatedAt,
      record_id: cursor.recordId,
      swept_at: cursor.sweptAt,
    })
    .onConflict((conflict) =>
      conflict.column('object_name').doUpdateSet({
        updated_at: cursor.updatedAt,
        record_id: cursor.recordId,
        swept_at: cursor.sweptAt,
      }),
    )
    .execute();
}

const KNOWN = 'tiergate_sweep_known';
const LEASE = 'tiergate_sweep_lease';
/** Rows per statement when the sweep writes many: well under PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 1_000;

/** A record the sweep knows: the version it last read whole (null: only its id was seen). */
export interface KnownRecord {
  readonly recordId: string;
  readonly version: string | null;
}

/** How many records of `objectName` the sweep knows. */
export async function countKnownRecords(db: Executor, objectName: string): Promise<number> {
  const row = await db
    .selectFrom(KNOWN)
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('object_name', '=', objectName)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

/**
 * Remembers records as present on the host. A version replaces the one known; a null version
 * (an id seen without its record) adds the id if it is new and changes nothing otherwise.
 */
export async function rememberRecords(
  db: Executor,
  objectName: string,
  records: readonly KnownRecord[],
): Promise<void> {
  const byId = new Map(records.map((r) => [r.recordId, r.version]));
  const rows = [...byId].map(([record_id, version]) => ({
    object_name: objectName,
    record_id,
    version,
  }));
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const batch = rows.slice(i, i + ROWS_PER_STATEMENT);
    const seen = batch.filter((r) => r.version !== null);
    const idsOnly = batch.filter((r) => r.version === null);
    if (seen.length > 0)
      await db
        .insertInto(KNOWN)
        .values(seen)
        .onConflict((conflict) =>
          conflict.columns(['object_name', 'record_id']).doUpdateSet((eb) => ({
            version: eb.ref('excluded.version'),
            missing_since: null,
          })),
        )
        .execute();
    if (idsOnly.length > 0)
      await db
        .insertInto(KNOWN)
        .values(idsOnly)
        .onConflict((conflict) =>
          conflict.columns(['object_name', 'record_id']).doUpdateSet({ missing_since: null }),
        )
        .execute();
  }
}

/** Ids last read soft-deleted (their version carries a `deletedAt`, see `recordVersion`). */
export async function knownDeletedIds(db: Executor, objectName: string): Promise<string[]> {
  const rows = await db
    .selectFrom(KNOWN)
    .select('record_id')
    .where('object_name', '=', objectName)
    .where('version', 'like', '% deleted %')
    .orderBy('record_id')
    .execute();
  return rows.map((r) => r.record_id);
}

/** The versions known for these ids (an id absent from the map is not known). */
export async function knownVersions(
  db: Executor,
  objectName: string,
  recordIds: readonly string[],
): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  for (let i = 0; i < recordIds.length; i += ROWS_PER_STATEMENT) {
    const batch = recordIds.slice(i, i + ROWS_PER_STATEMENT);
    if (batch.length === 0) continue;
    const rows = await db
      .selectFrom(KNOWN)
      .select(['record_id', 'version'])
      .where('object_name', '=', objectName)
      .where('record_id', 'in', batch)
      .execute();
    for (const row of rows) found.set(row.record_id, row.version);
  }
  return found;
}

/** Every id known for `objectName`, with since when the host has been missing it (or null). */
export async function knownIds(
  db: Executor,
  objectName: string,
): Promise<Map<string, Date | null>> {
  const rows = await db
    .selectFrom(KNOWN)
    .select(['record_id', 'missing_since'])
    .where('object_name', '=', objectName)
    .execute();
  return new Map(rows.map((r) => [r.record_id, r.missing_since]));
}

/** Marks ids the host no longer has, keeping the first moment each went missing. */
export async function markMissing(
  db: Executor,
  objectName: string,
  recordIds: readonly string[],
  since: Date,
): Promise<void> {
  for (let i = 0; i < recordIds.length; i += ROWS_PER_STATEMENT) {
    const batch = recordIds.slice(i, i + ROWS_PER_STATEMENT);
    if (batch.length === 0) continue;
    await db
      .updateTable(KNOWN)
      .set({ missing_since: since })
      .where('object_name', '=', objectName)
      .where('record_id', 'in', batch)
      .where('missing_since', 'is', null)
      .execute();
  }
}

/** Forgets one record (it was destroyed). */
export async function forgetRecord(
  db: Executor,
  objectName: string,
  recordId: string,
): Promise<void> {
  await db
    .deleteFrom(KNOWN)
    .where('object_name', '=', objectName)
    .where('record_id', '=', recordId)
    .execute();
}

/** Records when the ids of `objectName` were last compared with the host's. */
export async function setIdsCheckedAt(db: Executor, objectName: string, at: Date): Promise<void> {
  await db
    .updateTable(CURSOR)
    .set({ ids_checked_at: at })
    .where('object_name', '=', objectName)
    .execute();
}

/**
 * Takes or renews the lease `name` for `holder` for `ms` milliseconds: true when `holder` has
 * it now, false when another holder's lease has not ended. Times are the database's, so the
 * replicas sharing it need not agree on the time. A lease row rather than an advisory lock:
 * a session lock needs one connection held for the whole sweep, which PGlite's single
 * connection cannot spare.
 */
export async function acquireLease(
  db: Executor,
  name: string,
  holder: string,
  ms: number,
): Promise<boolean> {
  const until = sql<Date>`now() + ${ms} * interval '1 millisecond'`;
  const row = await db
    .insertInto(LEASE)
    .values({ name, holder, expires_at: until })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet({ holder, expires_at: until })
        .where((eb) =>
          eb.or([
            eb(`${LEASE}.holder`, '=', holder),
            eb(`${LEASE}.expires_at`, '<=', sql<Date>`now()`),
          ]),
        ),
    )
    .returning('holder')
    .executeTakeFirst();
  return row !== undefined;
}

/** Gives the lease up if `holder` still has it. */
export async function releaseLease(db: Executor, name: string, holder: string): Promise<void> {
  await db.deleteFrom(LEASE).where('name', '=', name).where('holder', '=', holder).execute();
}
