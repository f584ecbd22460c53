/**
 * The webhook inbox: a webhook is written here before it is acknowledged, then processed by
 * workers that claim events with `FOR UPDATE SKIP LOCKED`, so several replicas can share one
 * PostgreSQL without two of them taking the same event.
 *
 * Twenty does not redeliver and gives no event id, so a delivery is a duplicate when its raw body
 * was seen before (`body_sha256`) or when its dedupe key was (webhook id, event, record id and
 * event date: the same change delivered with a fresh nonce and timestamp). The record's version
 * (`updatedAt`, `deletedAt`) only joins what the sweep found with what webhooks brought (see
 * `versionDuplicate`): two deliveries are never one event because the record looks the same, since
 * a destroy leaves the version alone and a restore may bring back one already seen.
 *
 * Events of one record are processed in the order they arrived: an event is not claimed while
 * an earlier event of the same record is pending or processing. A `dead` event (it failed
 * `maxAttempts` times) no longer holds the record back; it waits for an operator instead.
 *
 * A claim is a lease: `locked_until`. A worker that dies leaves its events to be claimed again
 * once the lease ends; each claim counts as an attempt, so an event that keeps killing its
 * worker goes `dead` too. Times come from the caller's clock (`now`), which tests set.
 */
import { createHash } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Executor, InboxStatus, WebhookInboxTable } from './schema.js';

export { INBOX_STATUSES, type InboxStatus } from './schema.js';

/** Attempts after which a failing event is parked as `dead`. */
export const INBOX_MAX_ATTEMPTS = 8;

const INBOX = 'tiergate_webhook_inbox';

/**
 * The webhook id sweep events carry (src/events/sweep.ts re-states it for the bodies it builds):
 * what tells a version the sweep read apart from a delivery.
 */
export const SWEEP_WEBHOOK_ID = 'tiergate-sweep';

export interface NewInboxEvent {
  /** The request body exactly as received. */
  readonly body: string;
  /** See `inboxDedupeKey`. */
  readonly dedupeKey: string;
  readonly eventName: string;
  readonly objectName: string;
  readonly recordId: string;
  /**
   * The record's version as the event carries it (see `recordVersion`): with it, a version the
   * sweep read and the webhook of that change are stored once (see `versionDuplicate`).
   */
  readonly recordVersion?: string | null;
  readonly receivedAt?: Date;
}

export interface InboxEvent {
  readonly id: number;
  readonly receivedAt: Date;
  readonly bodySha256: string;
  readonly dedupeKey: string;
  readonly eventName: string;
  readonly objectName: string;
  readonly recordId: string;
  readonly recordVersion: string | null;
  readonly body: string;
  readonly status: InboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly lockedBy: string | null;
  readonly lockedUntil: Date | null;
}

/** Hex SHA-256 of the body's UTF-8 bytes. */
export function bodySha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

const isoOf = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
};

/**
 * Which version of a record an event carries, in one spelling whoever reports it: its
 * `updatedAt` in ISO-8601 UTC, and for a soft-deleted record also its `deletedAt` (a deletion
 * need not move `updatedAt`). Null when the record has no readable `updatedAt`.
 */
export function recordVersion(record: {
  readonly updatedAt?: unknown;
  readonly deletedAt?: unknown;
}): string | null {
  const updated = isoOf(record.updatedAt);
  if (updated === null) return null;
  const deleted = isoOf(record.deletedAt);
  return deleted === null ? updated : `${updated} deleted ${deleted}`;
}

/** A version's parts (see `recordVersion`): its `updatedAt`, and whether the record was deleted. */
export function versionParts(version: string): {
  readonly updatedAt: string;
  readonly deleted: boolean;
} {
  const [updatedAt = version, deleted] = version.split(' deleted ');
  return { updatedAt, deleted: deleted !== undefined };
}

/** One change, however often it is delivered: a JSON array, so no part can bleed into another. */
export function inboxDedupeKey(parts: {
  readonly webhookId: string;
  readonly eventName: string;
  readonly recordId: string;
  readonly eventDate: string;
}): string {
  return JSON.stringify([parts.webhookId, parts.eventName, parts.recordId, parts.eventDate]);
}

function toEvent(row: Selectable<WebhookInboxTable>): InboxEvent {
  return {
    id: row.id,
    receivedAt: row.received_at,
    bodySha256: row.body_sha256,
    dedupeKey: row.dedupe_key,
    eventName: row.event_name,
    objectName: row.object_name,
    recordId: row.record_id,
    recordVersion: row.record_version,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
  };
}

/** Stores the event unless it is a duplicate (see `insertManyIfNew`). */
export async function insertIfNew(
  db: Executor,
  event: NewInboxEvent,
): Promise<'inserted' | 'duplicate'> {
  const [result] = await insertManyIfNew(db, [event]);
  return result ?? 'duplicate';
}

/** The webhook id and event date a dedupe key (see `inboxDedupeKey`) holds, when readable. */
function keyParts(dedupeKey: string): { webhookId?: unknown; eventDate?: unknown } {
  try {
    const parts: unknown = JSON.parse(dedupeKey);
    return Array.isArray(parts) ? { webhookId: parts[0], eventDate: parts[3] } : {};
  } catch {
    return {};
  }
}

/** Whether a dedupe key is that of a version the sweep read. */
export function isSweepKey(dedupeKey: string): boolean {
  return keyParts(dedupeKey).webhookId === SWEEP_WEBHOOK_ID;
}

const actionOf = (eventName: string): string => eventName.slice(eventName.lastIndexOf('.') + 1);

/** What the inbox already holds of one record, in arrival order. */
interface KnownVersion {
  readonly version: string | null;
  readonly swept: boolean;
  readonly action: string;
  /** When it was stored: for a sweep's reading, when the sweep saw that state. */
  readonly receivedAt: Date;
}

/** The event date a dedupe key holds, as a time; NaN when unreadable. */
function eventTimeOf(dedupeKey: string): number {
  const { eventDate } = keyParts(dedupeKey);
  return typeof eventDate === 'string' ? Date.parse(eventDate) : NaN;
}

/**
 * Whether an event adds nothing to what the inbox holds of its record (`known`, oldest first),
 * judged on the record's version (its `updatedAt`, and `deletedAt` when deleted):
 * - a version the sweep read is a duplicate when it is the last thing known of the record, or
 *   when something newer is known (webhooks ran ahead of the reading); not when an older event
 *   had it and a deletion came since: a restore brings back the version before the deletion
 *   (Twenty moves only `deletedAt`), which is another event. A destroy the sweep found (the
 *   record gone from the host) is a duplicate of a destroy last known of it;
 * - a `created`, `updated` or `deleted` delivery is a duplicate of the sweep's reading of the
 *   same version (the version names that state: a deletion carries its `deletedAt`);
 * - a `restored` delivery only of a sweep's reading of that version, last known of the record
 *   and made after the restore happened: one made before it read the state before the deletion;
 * - a `destroyed` delivery only of the sweep's finding of that destroy, last known of the record:
 *   a destroy leaves the version as the deletion left it, so it is never taken for the deletion.
 */
function versionDuplicate(
  event: {
    readonly swept: boolean;
    readonly action: string;
    readonly version: string | null;
    readonly at: number;
  },
  known: readonly KnownVersion[],
): boolean {
  const { version } = event;
  const last = known.at(-1);
  if (event.swept && event.action === 'destroyed') return last?.action === 'destroyed';
  if (event.action === 'destroyed')
    return last !== undefined && last.swept && last.action === 'destroyed';
  if (version === null) return false;
  if (event.swept) {
    if (last === undefined || last.version === null) return false;
    return (
      last.version === version ||
      versionParts(last.version).updatedAt > versionParts(version).updatedAt
    );
  }
  switch (event.action) {
    case 'created':
    case 'updated':
    case 'deleted':
      return known.some((k) => k.swept && k.version === version);
    case 'restored':
      return (
        last !== undefined &&
        last.swept &&
        last.version === version &&
        !(last.receivedAt.getTime() < event.at)
      );
    default:
      return false;
  }
}

/**
 * Stores each event unless it is a duplicate of what the inbox holds or of an event earlier in
 * the same batch: the same body, the same dedupe key, or (for what the sweep read) the same
 * version of the record (`versionDuplicate`). Results are in the order of `events`.
 *
 * Two sweeps reading one version at once are kept apart by a unique index; a webhook racing the
 * sweep's reading of the same version within the same instant may be stored twice (an entry too
 * many, never one lost).
 */
export async function insertManyIfNew(
  db: Executor,
  events: readonly NewInboxEvent[],
): Promise<('inserted' | 'duplicate')[]> {
  if (events.length === 0) return [];
  const recordKey = (object: string, id: string) => JSON.stringify([object, id]);
  const known = new Map<string, KnownVersion[]>();
  const idsByObject = new Map<string, Set<string>>();
  for (const e of events)
    idsByObject.set(e.objectName, (idsByObject.get(e.objectName) ?? new Set()).add(e.recordId));
  const existing = await db
    .selectFrom(INBOX)
    .select(['object_name', 'record_id', 'record_version', 'swept', 'event_name', 'received_at'])
    // By object, then record: what the record-order index (object_name, record_id, id) serves.
    .where((eb) =>
      eb.or(
        [...idsByObject].map(([object, ids]) =>
          eb.and([eb('object_name', '=', object), eb('record_id', 'in', [...ids])]),
        ),
      ),
    )
    .orderBy('id')
    .execute();
  for (const row of existing) {
    const key = recordKey(row.object_name, row.record_id);
    const list = known.get(key) ?? [];
    list.push({
      version: row.record_version,
      swept: row.swept,
      action: actionOf(row.event_name),
      receivedAt: row.received_at,
    });
    known.set(key, list);
  }

  const results: ('inserted' | 'duplicate')[] = [];
  const rows = [];
  const seen = new Set<string>();
  const shas: string[] = [];
  for (const event of events) {
    const sha = bodySha256(event.body);
    const swept = isSweepKey(event.dedupeKey);
    const version = event.recordVersion ?? null;
    const history = known.get(recordKey(event.objectName, event.recordId)) ?? [];
    const action = actionOf(event.eventName);
    if (
      seen.has(`b${sha}`) ||
      seen.has(`k${event.dedupeKey}`) ||
      versionDuplicate({ swept, action, version, at: eventTimeOf(event.dedupeKey) }, history)
    ) {
      results.push('duplicate');
      shas.push('');
      continue;
    }
    seen.add(`b${sha}`);
    seen.add(`k${event.dedupeKey}`);
    const receivedAt = event.receivedAt ?? new Date();
    history.push({ version, swept, action, receivedAt });
    known.set(recordKey(event.objectName, event.recordId), history);
    results.push('inserted'); // provisional: settled below by what the database took
    shas.push(sha);
    rows.push({
      body: event.body,
      body_sha256: sha,
      dedupe_key: event.dedupeKey,
      event_name: event.eventName,
      object_name: event.objectName,
      record_id: event.recordId,
      record_version: version,
      swept,
      received_at: receivedAt,
      next_attempt_at: receivedAt,
    });
  }
  if (rows.length === 0) return results;
  const inserted = await db
    .insertInto(INBOX)
    .values(rows)
    .onConflict((conflict) => conflict.doNothing())
    .returning('body_sha256')
    .execute();
  const taken = new Set(inserted.map((r) => r.body_sha256));
  return results.map((result, i) =>
    result === 'inserted' && taken.has(shas[i] ?? '') ? 'inserted' : 'duplicate',
  );
}

export interface ClaimOptions {
  readonly workerId: string;
  /** At most this many events. */
  readonly limit: number;
  /** How long the claim holds before another worker may take the events. */
  readonly leaseMs: number;
  readonly now?: Date;
  readonly maxAttempts?: number;
  /** Told of each event parked because its leases kept running out (its workers die on it). */
  readonly onParked?: (event: ParkedEvent) => void;
}

export interface ParkedEvent {
  readonly id: number;
  readonly eventName: string;
  readonly recordId: string;
}

const toParked = (row: { id: number; event_name: string; record_id: string }): ParkedEvent => ({
  id: row.id,
  eventName: row.event_name,
  recordId: row.record_id,
});

/**
 * Claims up to `limit` due events, oldest first, marking them `processing` for `workerId`
 * until the lease ends. Skips events other workers are claiming at the same moment, and events
 * whose record has an earlier event still pending or processing.
 */
export async function claimEvents(db: Executor, options: ClaimOptions): Promise<InboxEvent[]> {
  const now = options.now ?? new Date();
  const maxAttempts = options.maxAttempts ?? INBOX_MAX_ATTEMPTS;
  if (!Number.isInteger(options.limit) || options.limit < 1)
    throw new RangeError(`claim limit must be a positive integer, not ${options.limit}`);
  if (!(options.leaseMs >= 0)) throw new RangeError(`leaseMs must be >= 0, not ${options.leaseMs}`);

  // A lease that ended on an event out of attempts: its workers keep dying on it. Park it.
  const parked = await db
    .updateTable(INBOX)
    .set((eb) => ({
      status: 'dead',
      last_error: eb.fn.coalesce(
        'last_error',
        eb.val(`lease expired after ${maxAttempts} attempts`),
      ),
      locked_by: null,
      locked_until: null,
    }))
    .where('status', '=', 'processing')
    .where('locked_until', '<=', now)
    .where('attempts', '>=', maxAttempts)
    .returning(['id', 'event_name', 'record_id'])
    .execute();
  for (const row of parked) options.onParked?.(toParked(row));

  const candidates = db
    .selectFrom(`${INBOX} as candidate`)
    .select('candidate.id')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('candidate.status', '=', 'pending'),
          eb('candidate.next_attempt_at', '<=', now),
        ]),
        eb.and([
          eb('candidate.status', '=', 'processing'),
          eb('candidate.locked_until', '<=', now),
        ]),
      ]),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom(`${INBOX} as earlier`)
            .select('earlier.id')
            .whereRef('earlier.object_name', '=', 'candidate.object_name')
            .whereRef('earlier.record_id', '=', 'candidate.record_id')
            .whereRef('earlier.id', '<', 'candidate.id')
            .where('earlier.status', 'in', ['pending', 'processing']),
        ),
      ),
    )
    .orderBy('candidate.id')
    .limit(options.limit)
    .forUpdate()
    .skipLocked();

  const rows = await db
    .updateTable(INBOX)
    .set((eb) => ({
      status: 'processing',
      locked_by: options.workerId,
      locked_until: new Date(now.getTime() + options.leaseMs),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', candidates)
    .returningAll()
    .execute();
  return rows.map(toEvent).sort((a, b) => a.id - b.id);
}

/** Marks a claimed event done; false when `workerId` no longer holds it (its lease ended). */
export async function completeEvent(db: Executor, id: number, workerId: string): Promise<boolean> {
  const result = await db
    .updateTable(INBOX)
    .set({ status: 'done', locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records a failed attempt: the event is due again at `retryAt`, or `dead` once it has had
 * `maxAttempts` attempts (unless the attempt is not counted, see `countAttempt`). `'not-claimed'` when `workerId` no longer holds it.
 */
export async function failEvent(
  db: Executor,
  id: number,
  workerId: string,
  failure: {
    readonly error: string;
    readonly retryAt: Date;
    readonly maxAttempts?: number;
    /**
     * False for a failure that was not the event's own (the host or the store away): the claim's
     * attempt is given back, so an outage of any length never parks an event.
     */
    readonly countAttempt?: boolean;
  },
): Promise<'pending' | 'dead' | 'not-claimed'> {
  const maxAttempts = failure.maxAttempts ?? INBOX_MAX_ATTEMPTS;
  const counted = failure.countAttempt ?? true;
  const row = await db
    .updateTable(INBOX)
    .set((eb) => ({
      status: counted
        ? eb
            .case()
            .when('attempts', '>=', maxAttempts)
            .then(eb.val<InboxStatus>('dead'))
            .else(eb.val<InboxStatus>('pending'))
            .end()
        : eb.val<InboxStatus>('pending'),
      ...(counted ? {} : { attempts: eb('attempts', '-', 1) }),
      next_attempt_at: failure.retryAt,
      last_error: failure.error,
      locked_by: null,
      locked_until: null,
    }))
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('locked_by', '=', workerId)
    .returning('status')
    .executeTakeFirst();
  if (row === undefined) return 'not-claimed';
  return row.status === 'dead' ? 'dead' : 'pending';
}

/** Whether the inbox holds any `eventName` event of the record, whatever its status. */
export async function hasEvent(
  db: Executor,
  event: { readonly objectName: string; readonly recordId: string; readonly eventName: string },
): Promise<boolean> {
  const row = await db
    .selectFrom(INBOX)
    .select('id')
    .where('object_name', '=', event.objectName)
    .where('record_id', '=', event.recordId)
    .where('event_name', '=', event.eventName)
    .executeTakeFirst();
  return row !== undefined;
}

/** One event by id, or undefined. */
export async function findEvent(db: Executor, id: number): Promise<InboxEvent | undefined> {
  const row = await db.selectFrom(INBOX).selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toEvent(row);
}

/** How many events are in each status (zero for a status with none). */
export async function countEventsByStatus(db: Executor): Promise<Record<InboxStatus, number>> {
  const rows = await db
    .selectFrom(INBOX)
    .select((eb) => ['status', eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const counts: Record<InboxStatus, number> = { pending: 0, processing: 0, done: 0, dead: 0 };
  for (const row of rows) counts[row.status] = row.count;
  return counts;
}
