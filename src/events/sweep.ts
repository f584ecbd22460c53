/**
 * The sweep: Twenty sends each webhook once and never retries, so a change
 * whose delivery failed is only found by reading. Per object, the records whose `updatedAt` is at
 * or after the object's cursor (kept in the store, less an overlap for late commits) are read
 * page by page, whole (src/host/record-selection.ts), and each enters the inbox as the webhook
 * would have brought it. The inbox stores one version of a record once (`record_version`), so
 * what a webhook already delivered, or an earlier sweep found, is a duplicate and costs nothing.
 *
 * Soft-deleted records are included (Twenty's findMany hides them unless the filter names
 * `deletedAt`); a destroyed record is gone and only its webhook can tell.
 */
import { resolverName } from '../host/core-schema/names.js';
import type { Host } from '../host/host.js';
import { allRecords } from '../host/paging.js';
import { recordSelection } from '../host/record-selection.js';
import { getSweepCursor, setSweepCursor } from '../store/cursors.js';
import { inboxDedupeKey, insertIfNew, recordVersion } from '../store/inbox.js';
import type { Store } from '../store/store.js';

/** The webhook id sweep events carry, so they are told apart from deliveries. */
export const SWEEP_WEBHOOK_ID = 'tiergate-sweep';
/** How far before the cursor a sweep starts again: a transaction may commit after a later one. */
export const DEFAULT_OVERLAP_MS = 5 * 60_000;
const EPOCH = '1970-01-01T00:00:00.000Z';

export interface SweepOptions {
  readonly pageSize?: number;
  readonly overlapMs?: number;
  readonly now?: () => Date;
}

export interface SweepResult {
  readonly object: string;
  /** Records read. */
  readonly read: number;
  /** Of those, changes the inbox did not have. */
  readonly enqueued: number;
  /** The cursor after the sweep. */
  readonly cursor: string;
}

/** The event a webhook would have carried for this record version. */
function eventNameOf(object: string, record: Readonly<Record<string, unknown>>): string {
  if (record.deletedAt !== null && record.deletedAt !== undefined) return `${object}.deleted`;
  return record.createdAt === record.updatedAt ? `${object}.created` : `${object}.updated`;
}

/** Sweeps one object from its cursor; returns what it found. */
export async function sweepObject(
  host: Host,
  store: Store,
  object: string,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const model = await host.dataModel.get();
  const metadata = model.object(object);
  if (metadata === undefined)
    throw new Error(`sweep: the host's data model has no object ${object}`);
  const cursor = await getSweepCursor(store.db, object);
  const overlap = options.overlapMs ?? DEFAULT_OVERLAP_MS;
  const since = new Date(Date.parse(cursor?.updatedAt ?? EPOCH) - (cursor ? overlap : 0));
  const findMany = resolverName(metadata, 'findMany');
  // Two passes: records changed since the cursor, then records soft-deleted since it (naming
  // deletedAt in the filter is what makes Twenty return deleted records at all).
  const query = (
    filter: string,
  ) => `query TiergateSweep($first: Int!, $after: String, $since: DateTime!) {
  ${findMany}(first: $first, after: $after, filter: ${filter}, orderBy: [{ updatedAt: AscNullsFirst }]) {
    edges { node { ${recordSelection(metadata)} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
  const passes = [query('{ updatedAt: { gte: $since } }'), query('{ deletedAt: { gte: $since } }')];
  let read = 0;
  let enqueued = 0;
  let latest = cursor?.updatedAt ?? EPOCH;
  let latestId = cursor?.recordId ?? '';
  const pages = (document: string) =>
    allRecords(host.core, {
      operation: 'TiergateSweep',
      document,
      resolver: findMany,
      variables: { since: since.toISOString() },
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    });
  for (const pass of passes)
    for await (const record of pages(pass)) {
      read++;
      const recordId = String(record.id);
      const version = recordVersion(record);
      const updatedAt = recordVersion({ updatedAt: record.updatedAt });
      const eventName = eventNameOf(object, record);
      const eventDate = updatedAt ?? new Date().toISOString();
      const body = JSON.stringify({
        targetUrl: 'tiergate:sweep',
        eventName,
        objectMetadata: { id: metadata.id, nameSingular: object },
        webhookId: SWEEP_WEBHOOK_ID,
        eventDate,
        record,
      });
      const outcome = await insertIfNew(store.db, {
        body,
        dedupeKey: inboxDedupeKey({ webhookId: SWEEP_WEBHOOK_ID, eventName, recordId, eventDate }),
        eventName,
        objectName: object,
        recordId,
        recordVersion: version,
        ...(options.now ? { receivedAt: options.now() } : {}),
      });
      if (outcome === 'inserted') enqueued++;
      for (const moment of [updatedAt, recordVersion({ updatedAt: record.deletedAt })]) {
        if (moment !== null && moment >= latest) {
          latest = moment;
          latestId = recordId;
        }
      }
    }
  await setSweepCursor(store.db, {
    objectName: object,
    updatedAt: latest,
    recordId: latestId,
    sweptAt: (options.now ?? (() => new Date()))(),
  });
  return { object, read, enqueued, cursor: latest };
}

/** Sweeps each object in turn. */
export async function sweep(
  host: Host,
  store: Store,
  objects: readonly string[],
  options: SweepOptions = {},
): Promise<SweepResult[]> {
  const results: SweepResult[] = [];
  for (const object of objects) results.push(await sweepObject(host, store, object, options));
  return results;
}
