/**
 * The sweep's cursors: Twenty does not redeliver webhooks, so a periodic sweep reads each object
 * by `(updatedAt, id)` from where it last stopped. The cursor is kept as the host gave it
 * (`updatedAt` as an ISO string, not a timestamp, so no precision is lost on the way back), and
 * `sweptAt` says when the sweep last got there.
 */
import type { Executor } from './schema.js';

const CURSOR = 'tiergate_sweep_cursor';

export interface SweepCursor {
  readonly objectName: string;
  readonly updatedAt: string;
  readonly recordId: string;
  readonly sweptAt: Date;
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
