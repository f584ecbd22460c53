/**
 * What the inbox keeps once an event is done. Its body, the record as Twenty sent it, hidden
 * fields included, is only needed to process the event: once done, the body is reduced to the
 * event's envelope and the record's identity (id and timestamps), and done events older than
 * the retention are deleted. Dead events keep their body: they are to be requeued and processed.
 *
 * A reduced body starts with `{"tiergateReduced":true`, which is how a reduced row is told
 * from one still to reduce without a column of its own.
 */
import { sql } from 'kysely';
import { TABLES, type Executor } from './schema.js';
import type { Store } from './store.js';

const INBOX = TABLES.webhookInbox;
const REDUCED_PREFIX = '{"tiergateReduced":true';

export const DEFAULT_RETENTION_DAYS = 7;
/** How often the retention runs: the longest a done event keeps its clear body. */
export const DEFAULT_RETENTION_EVERY_MS = 10_000;
/** Rows per statement, so a backlog never holds the store in one long transaction. */
const BATCH = 500;
const MAX_BATCHES = 100;

/** The record fields kept: what identifies the record and its version, never its values. */
const KEPT_RECORD_FIELDS = ['id', 'createdAt', 'updatedAt', 'deletedAt'] as const;
/** The envelope fields kept (HOST-CONTRACT.md §A): none carries a record value. */
const KEPT_ENVELOPE_FIELDS = [
  'eventName',
  'objectMetadata',
  'workspaceId',
  'webhookId',
  'eventDate',
] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body a done event keeps: the envelope and the record's identity, no field value. */
export function reducedBody(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const reduced: Record<string, unknown> = { tiergateReduced: true };
  if (isObject(parsed)) {
    for (const key of KEPT_ENVELOPE_FIELDS) if (key in parsed) reduced[key] = parsed[key];
    const record = parsed.record;
    if (isObject(record)) {
      const kept: Record<string, unknown> = {};
      for (const key of KEPT_RECORD_FIELDS) if (key in record) kept[key] = record[key];
      reduced.record = kept;
    }
    // Which fields changed is named, not valued: worth keeping to read the event later.
    if (
      Array.isArray(parsed.updatedFields) &&
      parsed.updatedFields.every((f) => typeof f === 'string')
    )
      reduced.updatedFields = parsed.updatedFields;
  }
  return JSON.stringify(reduced);
}

/** Reduces the bodies of done events not reduced yet; returns how many it reduced. */
export async function reduceDoneEvents(db: Executor, limit: number = BATCH): Promise<number> {
  const rows = await db
    .selectFrom(INBOX)
    .select(['id', 'body'])
    .where('status', '=', 'done')
    .where(sql<boolean>`left(body, ${REDUCED_PREFIX.length}) <> ${REDUCED_PREFIX}`)
    .orderBy('id')
    .limit(limit)
    .execute();
  let reduced = 0;
  for (const row of rows) {
    const result = await db
      .updateTable(INBOX)
      .set({ body: reducedBody(row.body) })
      .where('id', '=', row.id)
      .where('status', '=', 'done')
      .executeTakeFirst();
    reduced += Number(result.numUpdatedRows);
  }
  return reduced;
}

/** Deletes done events received before `before`; returns how many it deleted. */
export async function deleteExpiredEvents(
  db: Executor,
  before: Date,
  limit: number = BATCH,
): Promise<number> {
  const result = await db
    .deleteFrom(INBOX)
    .where(
      'id',
      'in',
      db
        .selectFrom(INBOX)
        .select('id')
        .where('status', '=', 'done')
        .where('received_at', '<', before)
        .orderBy('id')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface RetentionOptions {
  /** How long a done event is kept (its reduced body and metadata), in days. */
  readonly retentionDays?: number;
  readonly everyMs?: number;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

/** One pass: every done event reduced, every expired one deleted, batch after batch. */
export async function applyRetention(
  store: Store,
  options: Pick<RetentionOptions, 'retentionDays' | 'now'> = {},
): Promise<{ reduced: number; deleted: number }> {
  const days = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const before = new Date((options.now ?? Date.now)() - days * 86_400_000);
  let reduced = 0;
  let deleted = 0;
  // Bounded, so that one pass ends even if a batch keeps coming back full; the next pass goes on.
  for (let n = BATCH, pass = 0; n === BATCH && pass < MAX_BATCHES; pass++, reduced += n)
    n = await reduceDoneEvents(store.db);
  for (let n = BATCH, pass = 0; n === BATCH && pass < MAX_BATCHES; pass++, deleted += n)
    n = await deleteExpiredEvents(store.db, before);
  return { reduced, deleted };
}

/** Applies the retention now and every `everyMs` until `signal` aborts; never throws. */
export async function runRetention(
  store: Store,
  signal: AbortSignal,
  options: RetentionOptions = {},
): Promise<void> {
  const every = options.everyMs ?? DEFAULT_RETENTION_EVERY_MS;
  while (!signal.aborted) {
    try {
      const { deleted } = await applyRetention(store, options);
      if (deleted > 0) options.log?.(`inbox: deleted ${deleted} done events past the retention`);
    } catch (error) {
      // The next pass retries; a store that is down is reported by /readyz and the intake.
      options.log?.(
        `inbox retention failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, every);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
