/**
 * The inbox as an operator sees it (`tiergate events`): how many events are in each status,
 * which ones, one in detail, and parked (`dead`) events put back in line. Listing never reads
 * bodies: a body is the whole record, hidden fields included, and is only read by `eventBody`
 * for a caller that redacts it.
 */
import type { Executor, InboxStatus } from './schema.js';

const INBOX = 'tiergate_webhook_inbox';

/** An event without its body. */
export interface InboxEventSummary {
  readonly id: number;
  readonly receivedAt: Date;
  readonly eventName: string;
  readonly objectName: string;
  readonly recordId: string;
  readonly status: InboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  /** The body's size in bytes (UTF-8), which says whether it is worth reading. */
  readonly bodyBytes: number;
}

const summaryColumns = [
  'id',
  'received_at',
  'event_name',
  'object_name',
  'record_id',
  'status',
  'attempts',
  'next_attempt_at',
  'last_error',
] as const;

interface SummaryRow {
  id: number;
  received_at: Date;
  event_name: string;
  object_name: string;
  record_id: string;
  status: InboxStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  body_bytes: number | string;
}

function toSummary(row: SummaryRow): InboxEventSummary {
  return {
    id: row.id,
    receivedAt: row.received_at,
    eventName: row.event_name,
    objectName: row.object_name,
    recordId: row.record_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    // octet_length is an int4, but a driver may hand a count back as text.
    bodyBytes: Number(row.body_bytes),
  };
}

/** Events in `status`, oldest first, at most `limit`. */
export async function listEvents(
  db: Executor,
  options: { readonly status: InboxStatus; readonly limit: number },
): Promise<InboxEventSummary[]> {
  const rows = await db
    .selectFrom(INBOX)
    .select(summaryColumns)
    .select((eb) => eb.fn<number>('octet_length', ['body']).as('body_bytes'))
    .where('status', '=', options.status)
    .orderBy('id')
    .limit(options.limit)
    .execute();
  return rows.map(toSummary);
}

/** One event without its body, or undefined. */
export async function eventSummary(
  db: Executor,
  id: number,
): Promise<InboxEventSummary | undefined> {
  const row = await db
    .selectFrom(INBOX)
    .select(summaryColumns)
    .select((eb) => eb.fn<number>('octet_length', ['body']).as('body_bytes'))
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : toSummary(row);
}

/** An event's body as stored (the whole record: redact it before showing it). */
export async function eventBody(db: Executor, id: number): Promise<string | undefined> {
  const row = await db.selectFrom(INBOX).select('body').where('id', '=', id).executeTakeFirst();
  return row?.body;
}

/**
 * Puts dead events back in line: `pending`, no attempts counted, due at `now`; the last error
 * stays until the next attempt replaces it. `id` undefined requeues every dead event. Returns
 * the ids requeued (none when `id` is not dead).
 */
export async function requeueDead(
  db: Executor,
  options: { readonly id?: number; readonly now: Date },
): Promise<number[]> {
  let query = db
    .updateTable(INBOX)
    .set({
      status: 'pending',
      attempts: 0,
      next_attempt_at: options.now,
      locked_by: null,
      locked_until: null,
    })
    .where('status', '=', 'dead');
  if (options.id !== undefined) query = query.where('id', '=', options.id);
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** One event's place in a record's history (no body). */
export interface RecordEvent {
  readonly id: number;
  readonly eventName: string;
  /** Found by the sweep rather than delivered by a webhook. */
  readonly swept: boolean;
  readonly recordVersion: string | null;
  readonly status: InboxStatus;
  readonly receivedAt: Date;
}

/** Every event of one record, in the order received. */
export async function recordEvents(
  db: Executor,
  objectName: string,
  recordId: string,
): Promise<RecordEvent[]> {
  const rows = await db
    .selectFrom(INBOX)
    .select(['id', 'event_name', 'swept', 'record_version', 'status', 'received_at'])
    .where('object_name', '=', objectName)
    .where('record_id', '=', recordId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    eventName: row.event_name,
    swept: row.swept,
    recordVersion: row.record_version,
    status: row.status,
    receivedAt: row.received_at,
  }));
}
