/**
 * The last few hundred record ids the add-on server's webhooks carried, with how each ended. The
 * delivery proof asks for its own probe record's id: on a busy workspace other webhooks arrive
 * while it waits, so "a count grew" does not show that the probe's webhook arrived. Only an
 * exact id is answered (ids are random UUIDs), so a caller learns nothing it did not know.
 */
import type { WebhookOutcome } from './webhook-outcomes.js';

/** How many record ids are kept: the proof asks within seconds, so a few hundred are plenty. */
export const RECENT_DELIVERIES_KEPT = 512;
/** Per record: a created and a destroyed event, and a few more, are all the proof reads. */
const EVENTS_KEPT_PER_RECORD = 8;
/** The longest record id kept: Twenty's are UUIDs; anything longer is no record id of its. */
const MAX_RECORD_ID_LENGTH = 64;
/**
 * The largest refused body whose record id is read: only to tell the proof that its webhook came
 * with a signature this server refuses. The probe's record is empty, so its body is small.
 */
export const MAX_REFUSED_BODY_READ = 64 * 1024;

export interface RecentDelivery {
  readonly eventName: string;
  readonly outcome: WebhookOutcome;
}

export class RecentDeliveries {
  readonly #byRecord = new Map<string, RecentDelivery[]>();
  readonly #kept: number;

  constructor(kept = RECENT_DELIVERIES_KEPT) {
    this.#kept = kept;
  }

  note(recordId: string, eventName: string, outcome: WebhookOutcome): void {
    if (recordId === '' || recordId.length > MAX_RECORD_ID_LENGTH) return;
    const events = this.#byRecord.get(recordId) ?? [];
    // Re-inserted, so that the map's order is least recently seen first.
    this.#byRecord.delete(recordId);
    this.#byRecord.set(recordId, [
      ...events.slice(-(EVENTS_KEPT_PER_RECORD - 1)),
      { eventName: eventName.slice(0, 200), outcome },
    ]);
    while (this.#byRecord.size > this.#kept) {
      const oldest = this.#byRecord.keys().next().value;
      if (oldest === undefined) break;
      this.#byRecord.delete(oldest);
    }
  }

  /** The webhooks seen for this record id, oldest first (empty when none). */
  of(recordId: string): readonly RecentDelivery[] {
    return this.#byRecord.get(recordId) ?? [];
  }
}

/**
 * The record id and event name a body names, read without trusting it (it is noted as refused,
 * never stored); undefined when it is too large, not JSON, or names none.
 */
export function claimedRecord(
  raw: Buffer,
): { readonly recordId: string; readonly eventName: string } | undefined {
  if (raw.length > MAX_REFUSED_BODY_READ) return undefined;
  try {
    const body = JSON.parse(raw.toString('utf8')) as {
      eventName?: unknown;
      record?: { id?: unknown } | null;
    };
    const recordId = body.record?.id;
    const eventName = body.eventName;
    return typeof recordId === 'string' && typeof eventName === 'string'
      ? { recordId, eventName }
      : undefined;
  } catch {
    return undefined;
  }
}
