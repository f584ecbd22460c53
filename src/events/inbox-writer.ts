/**
 * Writes webhook events to the inbox with group commit: under load, the events that arrive
 * while earlier writes are in flight are written together, in one multi-row
 * `INSERT … ON CONFLICT DO NOTHING` (one round trip, one commit, one WAL flush), and each still
 * learns whether it was new or a duplicate. With no load an event is written alone, at once,
 * through the store's own `insertIfNew`: batching adds no wait.
 *
 * Batches go through the store's `insertManyIfNew` (src/store/inbox.ts).
 *
 * A batch that fails (one event the database refuses, or a deadlock with another batch over two
 * duplicates arriving in opposite orders) is written again event by event, so one bad event
 * fails alone. Every caller is answered only once its event is committed (or has failed).
 */
import { insertIfNew, insertManyIfNew, type NewInboxEvent } from '../store/inbox.js';
import type { Store } from '../store/store.js';

export type WriteResult = 'inserted' | 'duplicate';

export interface InboxWriter {
  write(event: NewInboxEvent): Promise<WriteResult>;
}

export interface InboxWriterOptions {
  /** Writes in flight at once (default 2 on PostgreSQL: fewer, larger batches went faster in bench/intake.ts; 1 on PGlite). */
  readonly maxInFlight?: number;
  /** Events per statement at most (default 100). */
  readonly maxBatch?: number;
}

interface Pending {
  readonly event: NewInboxEvent;
  readonly resolve: (result: WriteResult) => void;
  readonly reject: (error: unknown) => void;
}

export function createInboxWriter(store: Store, options: InboxWriterOptions = {}): InboxWriter {
  const maxInFlight = options.maxInFlight ?? (store.kind === 'pglite' ? 1 : 2);
  const maxBatch = options.maxBatch ?? 100;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1)
    throw new RangeError(`maxInFlight must be a positive integer, not ${maxInFlight}`);
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw new RangeError(`maxBatch must be a positive integer, not ${maxBatch}`);
  const queue: Pending[] = [];
  let inFlight = 0;

  const one = (pending: Pending): Promise<void> =>
    insertIfNew(store.db, pending.event).then(pending.resolve, pending.reject);

  const flush = async (batch: readonly Pending[]): Promise<void> => {
    if (batch.length === 1 && batch[0] !== undefined) return one(batch[0]);
    let results: WriteResult[];
    try {
      results = await insertManyIfNew(
        store.db,
        batch.map((p) => p.event),
      );
    } catch {
      await Promise.all(batch.map(one));
      return;
    }
    batch.forEach((pending, i) => pending.resolve(results[i] ?? 'duplicate'));
  };

  const pump = (): void => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      void flush(batch).finally(() => {
        inFlight--;
        pump();
      });
    }
  };

  return {
    write(event) {
      return new Promise<WriteResult>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        pump();
      });
    },
  };
}
