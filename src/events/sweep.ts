/**
 * The sweep: Twenty sends each webhook once and never retries, so a change whose delivery failed
 * is only found by reading. Per object, the records whose `updatedAt` (or `deletedAt`) is at or
 * after the object's cursor, less an overlap for late commits, are read page by page, whole
 * (src/host/record-selection.ts), and each version the sweep has not read before enters the
 * inbox as the webhook would have brought it. The inbox de-duplicates what a webhook already
 * delivered.
 *
 * The sweep keeps the ids of the records it knows per object (src/store/cursors.ts), soft-deleted
 * ones included: Twenty returns those only when the filter names `deletedAt`
 * (`applyDeletedAtToBuilder` in twentyhq/twenty packages/twenty-server/src/engine/api/graphql/
 * graphql-query-runner/graphql-query-parsers/graphql-query.parser.ts, called by
 * common-find-many-query-runner.service.ts for the records and for `totalCount` alike). A known
 * id the host no longer has at all was destroyed: the sweep enqueues a `destroyed` event for it,
 * unless the inbox holds one already. A record created and destroyed between two sweeps while
 * its webhooks were lost is never seen: that change is superseded, not found.
 *
 * The first sweep of an object is a baseline: it records the ids and versions there are and sets
 * the cursor, and enqueues nothing (what existed before Tiergate watched is not a change).
 *
 * Sweeps never overlap: within a process `Sweeper.run` joins the sweep in progress; across
 * replicas sharing a database, a lease row in the store (`acquireLease`) admits one at a time.
 */
import { randomUUID } from 'node:crypto';
import { HOST_BATCH_SIZE } from '../host/batch.js';
import { resolverName } from '../host/core-schema/names.js';
import type { DiscoveredObject } from '../host/data-model.js';
import type { Host } from '../host/host.js';
import { allRecords } from '../host/paging.js';
import { recordSelection } from '../host/record-selection.js';
import {
  acquireLease,
  countKnownRecords,
  forgetRecord,
  getSweepCursor,
  knownDeletedIds,
  knownIds,
  knownVersions,
  markMissing,
  releaseLease,
  rememberRecords,
  setIdsCheckedAt,
  setSweepCursor,
} from '../store/cursors.js';
import {
  hasEvent,
  inboxDedupeKey,
  insertManyIfNew,
  recordVersion,
  versionParts,
  type NewInboxEvent,
} from '../store/inbox.js';
import type { Store } from '../store/store.js';

/** The webhook id sweep events carry, so they are told apart from deliveries. */
export const SWEEP_WEBHOOK_ID = 'tiergate-sweep';
/** How far before the cursor a sweep starts again: a transaction may commit after a later one. */
export const DEFAULT_OVERLAP_MS = 5 * 60_000;
/**
 * How long a known id must stay missing before it is declared destroyed: its own webhook may
 * still be on the way (Twenty sends them from a job queue), and a `destroyed` enqueued by the
 * sweep before that webhook lands would be journaled twice.
 */
export const DEFAULT_DESTROY_GRACE_MS = DEFAULT_OVERLAP_MS;
/**
 * Reading every id of an object costs one request per ID_PAGE_SIZE records, so it is not done
 * on every sweep. Each sweep asks the host for one count (all records, soft-deleted included)
 * and compares it with the ids it knows: after the sweep's own pass the known ids include every
 * record on the host, so a lower host count means a destroy and a higher one a record the sweep
 * has not seen. Only then, or when the last comparison is older than this, are the ids read;
 * the periodic read catches a destroy and a missed record that cancel out in the counts.
 */
export const DEFAULT_ID_CHECK_EVERY_MS = 60 * 60_000;
/**
 * Ids are read this many per page, selecting only `id`. Twenty takes `first` as the page's limit
 * with no ceiling of its own (`limit = args.first ?? args.last ?? QUERY_MAX_RECORDS` in
 * common-find-many-query-runner.service.ts); 200 is the page the gateway lets any client ask
 * for (src/gateway/limits.ts), so the sweep asks no more of the host than a client may.
 */
export const ID_PAGE_SIZE = 200;
/** The lease of the one replica sweeping, renewed while it sweeps. */
export const SWEEP_LEASE = 'sweep';
const LEASE_MS = 2 * 60_000;
/** How far Twenty's clock may run ahead of ours before a record's date is taken as written. */
const CLOCK_SKEW_MS = 60_000;
/** What serve leaves to webhooks: Twenty queues them, and sends most within seconds. */
export const DEFAULT_SETTLE_MS = 60_000;
/** Ids named in one `in` filter: well inside any URL or body limit. */
const IDS_PER_FILTER = 100;
const EPOCH = '1970-01-01T00:00:00.000Z';
/** Naming `deletedAt` makes Twenty return soft-deleted records; together, every record. */
const EVERY_RECORD = '{ or: [{ deletedAt: { is: NULL } }, { deletedAt: { is: NOT_NULL } }] }';

export interface SweepOptions {
  /** Whole records per page. */
  readonly pageSize?: number;
  /** Ids per page when the sweep reads only ids. */
  readonly idPageSize?: number;
  readonly overlapMs?: number;
  readonly destroyGraceMs?: number;
  /**
   * How long a change is left to its webhook before the sweep takes it (0 by default; serve
   * uses `DEFAULT_SETTLE_MS`): a webhook carries who acted and which fields changed, a reading
   * neither, and the webhook that comes after the reading is dropped as its duplicate.
   */
  readonly settleMs?: number;
  readonly idCheckEveryMs?: number;
  /**
   * When Tiergate was installed (ISO-8601): the first sweep of an object takes what was there
   * before as its baseline, but a record changed at or after this moment is a change, so a
   * webhook lost between the install and that first sweep is still found.
   */
  readonly since?: string;
  readonly now?: () => Date;
  /** Stops the sweep between pages. */
  readonly signal?: AbortSignal;
  /** Called between pages (the lease's renewal); a throw stops the sweep. */
  readonly heartbeat?: () => Promise<void>;
}

export interface SweepResult {
  readonly object: string;
  /** Records read whole. */
  readonly read: number;
  /** Events the inbox did not have (changes and destroys). */
  readonly enqueued: number;
  /** Of those, destroys found by comparing ids. */
  readonly destroyed: number;
  /** True when this sweep was the object's baseline (nothing enqueued). */
  readonly baseline: boolean;
  /** True when the sweep compared the ids it knows with the host's. */
  readonly idsChecked: boolean;
  /** Records dated after the sweep began (the cursor did not follow them). */
  readonly futureDated: number;
  /** The cursor after the sweep. */
  readonly cursor: string;
}

type Row = Record<string, unknown>;

/** The event a webhook would have carried for this record version. */
function eventNameOf(object: string, record: Readonly<Row>): string {
  if (record.deletedAt !== null && record.deletedAt !== undefined) return `${object}.deleted`;
  return record.createdAt === record.updatedAt ? `${object}.created` : `${object}.updated`;
}

/** A record's `updatedAt` and `deletedAt` (those it has) in ISO-8601 UTC, as the cursor keeps them. */
function momentsOf(record: Readonly<Row>): string[] {
  return [record.updatedAt, record.deletedAt]
    .map((value) => recordVersion({ updatedAt: value }))
    .filter((moment): moment is string => moment !== null);
}

class SweepOf {
  readonly findMany: string;
  private readonly clock: () => Date;
  /** When this sweep began: the cursor never passes it (see `notAhead`). */
  private readonly startedAt: string;
  /** Changes after this are left to their webhook for now (`settleMs`). */
  private readonly settledBefore: string;
  private readonly settling: boolean;
  /** Records dated after the sweep began, which only a write of those fields can make. */
  futureDated = 0;
  /** At a baseline with `since`: records changed since then, left for the sweep to enqueue. */
  changedSinceInstall = 0;

  constructor(
    private readonly host: Host,
    private readonly store: Store,
    readonly object: string,
    readonly metadata: DiscoveredObject,
    private readonly options: SweepOptions,
  ) {
    this.findMany = resolverName(metadata, 'findMany');
    this.clock = options.now ?? (() => new Date());
    const started = this.clock();
    this.startedAt = started.toISOString();
    this.settling = (options.settleMs ?? 0) > 0;
    this.settledBefore = new Date(started.getTime() - (options.settleMs ?? 0)).toISOString();
  }

  /** Whether a record changed at or after `since` (counted for the baseline). */
  private changedSince(record: Readonly<Row>, since: string): boolean {
    const changed = momentsOf(record).some((m) => m >= since);
    if (changed) this.changedSinceInstall++;
    return changed;
  }

  /**
   * Whether the cursor may move to `moment`: not past the sweep's own start. A member can date a
   * record in the future (Twenty keeps a `deletedAt` given on create, docs/host-fidelity.md), and
   * a cursor moved there would make every later sweep look past the changes it exists to find.
   */
  notAhead(moment: string): boolean {
    if (moment <= this.settledBefore) return true;
    // Past a minute ahead it is not the two clocks disagreeing: someone wrote that date.
    if (Date.parse(moment) - Date.parse(this.startedAt) > CLOCK_SKEW_MS) this.futureDated++;
    return false;
  }

  now(): Date {
    return this.clock();
  }

  /** Between pages: stop when asked to, renew the lease. */
  async pause(): Promise<void> {
    this.options.signal?.throwIfAborted();
    await this.options.heartbeat?.();
  }

  /** Pages of records (as `allRecords` yields them) in batches the store can take at once. */
  async *pages(
    document: string,
    variables: Row,
    pageSize: number | undefined,
  ): AsyncGenerator<Row[], void, undefined> {
    let page: Row[] = [];
    const size = pageSize ?? HOST_BATCH_SIZE;
    for await (const record of allRecords(this.host.core, {
      operation: 'TiergateSweep',
      document,
      resolver: this.findMany,
      variables,
      ...(pageSize === undefined ? {} : { pageSize }),
    })) {
      page.push(record);
      if (page.length >= size) {
        yield page;
        page = [];
        await this.pause();
      }
    }
    if (page.length > 0) yield page;
  }

  /** Every record's id, updatedAt and deletedAt, soft-deleted ones included. */
  private everyRecord(selection: string): string {
    return `query TiergateSweep($first: Int!, $after: String) {
  ${this.findMany}(first: $first, after: $after, filter: ${EVERY_RECORD}, orderBy: [{ updatedAt: AscNullsFirst }]) {
    edges { node { ${selection} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
  }

  /**
   * The first sweep: what is there is known, nothing is a change; except, with `since`, a record
   * changed at or after it, which is known by id only, so the sweep that follows enqueues it.
   */
  async baseline(since?: string): Promise<SweepResult> {
    let latest = EPOCH;
    let latestId = '';
    const idPageSize = this.options.idPageSize ?? ID_PAGE_SIZE;
    for await (const page of this.pages(
      this.everyRecord('id updatedAt deletedAt'),
      {},
      idPageSize,
    )) {
      await rememberRecords(
        this.store.db,
        this.object,
        page.map((record) => ({
          recordId: String(record.id),
          version:
            since !== undefined && this.changedSince(record, since) ? null : recordVersion(record),
        })),
      );
      for (const record of page)
        for (const moment of momentsOf(record))
          if (moment >= latest && this.notAhead(moment)) {
            latest = moment;
            latestId = String(record.id);
          }
    }
    const at = this.now();
    await setSweepCursor(this.store.db, {
      objectName: this.object,
      updatedAt: latest,
      recordId: latestId,
      sweptAt: at,
    });
    await setIdsCheckedAt(this.store.db, this.object, at);
    return {
      object: this.object,
      read: 0,
      enqueued: 0,
      destroyed: 0,
      baseline: true,
      idsChecked: true,
      futureDated: this.futureDated,
      cursor: latest,
    };
  }

  /** Records changed or soft-deleted since `since`; each version not read before is enqueued. */
  async changesSince(
    since: Date,
    cursor: { updatedAt: string; recordId: string },
    adopting: boolean,
  ): Promise<{ read: number; enqueued: number; latest: string; latestId: string }> {
    const query = (
      filter: string,
    ) => `query TiergateSweep($first: Int!, $after: String, $since: DateTime!) {
  ${this.findMany}(first: $first, after: $after, filter: ${filter}, orderBy: [{ updatedAt: AscNullsFirst }]) {
    edges { node { ${recordSelection(this.metadata)} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
    // Two passes: records changed since the cursor, then records soft-deleted since it (naming
    // deletedAt in the filter is what makes Twenty return deleted records at all).
    const passes = [
      query('{ updatedAt: { gte: $since } }'),
      query('{ deletedAt: { gte: $since } }'),
    ];
    let read = 0;
    let enqueued = 0;
    let { updatedAt: latest, recordId: latestId } = cursor;
    const unsettled = new Set<string>();
    for (const pass of passes)
      for await (const page of this.pages(
        pass,
        { since: since.toISOString() },
        this.options.pageSize,
      )) {
        read += page.length;
        const known = await knownVersions(
          this.store.db,
          this.object,
          page.map((record) => String(record.id)),
        );
        const events: NewInboxEvent[] = [];
        for (const record of page) {
          const recordId = String(record.id);
          const version = recordVersion(record);
          for (const moment of momentsOf(record))
            if (moment >= latest && this.notAhead(moment)) {
              latest = moment;
              latestId = recordId;
            }
          // The version the sweep read last time (or at the baseline) is no change.
          if (version !== null && known.get(recordId) === version) continue;
          // Too recent: its webhook may still come; the cursor stays behind it, so the next
          // sweep reads it again.
          if (this.settling && momentsOf(record).some((m) => m > this.settledBefore)) {
            unsettled.add(recordId);
            continue;
          }
          // A store from before the sweep kept ids: what was at or before its cursor was read.
          if (
            adopting &&
            !known.has(recordId) &&
            momentsOf(record).every((m) => m <= cursor.updatedAt)
          )
            continue;
          // Live now, deleted when last known and otherwise as it was: a restore (Twenty moves
          // only deletedAt). Changed since, it is an update of the restored record.
          const was = known.get(recordId);
          const restored =
            record.deletedAt == null &&
            was != null &&
            versionParts(was).deleted &&
            versionParts(was).updatedAt === version;
          events.push(
            restored
              ? this.inboxEvent(
                  `${this.object}.restored`,
                  this.now().toISOString(),
                  record,
                  recordId,
                  version,
                )
              : this.eventOf(record, recordId, version),
          );
        }
        const outcomes = await insertManyIfNew(this.store.db, events);
        enqueued += outcomes.filter((o) => o === 'inserted').length;
        await rememberRecords(
          this.store.db,
          this.object,
          page.map((record) => ({
            recordId: String(record.id),
            version: unsettled.has(String(record.id)) ? null : recordVersion(record),
          })),
        );
      }
    return { read, enqueued, latest, latestId };
  }

  private eventOf(record: Readonly<Row>, recordId: string, version: string | null): NewInboxEvent {
    const eventName = eventNameOf(this.object, record);
    const eventDate = recordVersion({ updatedAt: record.updatedAt }) ?? this.now().toISOString();
    return this.inboxEvent(eventName, eventDate, record, recordId, version);
  }

  /** The event a webhook would have carried, marked as the sweep's. */
  private inboxEvent(
    eventName: string,
    eventDate: string,
    record: Readonly<Row>,
    recordId: string,
    version: string | null,
  ): NewInboxEvent {
    return {
      body: JSON.stringify({
        targetUrl: 'tiergate:sweep',
        eventName,
        objectMetadata: { id: this.metadata.id, nameSingular: this.object },
        webhookId: SWEEP_WEBHOOK_ID,
        eventDate,
        record,
      }),
      dedupeKey: inboxDedupeKey({ webhookId: SWEEP_WEBHOOK_ID, eventName, recordId, eventDate }),
      eventName,
      objectName: this.object,
      recordId,
      recordVersion: version,
      ...(this.options.now ? { receivedAt: this.options.now() } : {}),
    };
  }

  /** The host's count of every record of the object, soft-deleted ones included. */
  async hostCount(): Promise<number> {
    const data = await this.host.core.request<Record<string, { totalCount?: unknown }>>(
      `query TiergateSweepCount { ${this.findMany}(first: 1, filter: ${EVERY_RECORD}) { totalCount } }`,
    );
    const count = data[this.findMany]?.totalCount;
    if (typeof count !== 'number')
      throw new Error(
        `sweep: the host answered ${this.findMany} without a totalCount; cannot tell whether records of ${this.object} were destroyed`,
      );
    return count;
  }

  /**
   * Restores whose webhook was lost: Twenty moves only `deletedAt` on a restore, so neither
   * pass of `changesSince` sees one, nor the id comparison (a soft-deleted record counts). The
   * records last read as soft-deleted are asked for without naming `deletedAt`, which Twenty
   * answers with live records only: those it returns were restored since.
   */
  async restores(): Promise<number> {
    const ids = await knownDeletedIds(this.store.db, this.object);
    let enqueued = 0;
    for (let i = 0; i < ids.length; i += IDS_PER_FILTER) {
      const chunk = ids.slice(i, i + IDS_PER_FILTER);
      const document = `query TiergateSweep($first: Int!, $after: String) {
  ${this.findMany}(first: $first, after: $after, filter: { id: { in: ${JSON.stringify(chunk)} } }) {
    edges { node { ${recordSelection(this.metadata)} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
      const detected = this.now().toISOString();
      for await (const page of this.pages(document, {}, this.options.pageSize)) {
        const live = page.filter((record) => record.deletedAt == null);
        const events = live.map((record) =>
          this.inboxEvent(
            `${this.object}.restored`,
            detected,
            record,
            String(record.id),
            recordVersion(record),
          ),
        );
        const outcomes = await insertManyIfNew(this.store.db, events);
        enqueued += outcomes.filter((o) => o === 'inserted').length;
        await rememberRecords(
          this.store.db,
          this.object,
          live.map((record) => ({ recordId: String(record.id), version: recordVersion(record) })),
        );
      }
    }
    return enqueued;
  }

  /**
   * Compares the ids the sweep knows with every id on the host: a known id missing for longer
   * than the grace is declared destroyed; an id never seen is known from now on (its change is
   * found when its version is next read).
   */
  async compareIds(): Promise<number> {
    const onHost = new Set<string>();
    for await (const page of this.pages(
      this.everyRecord('id'),
      {},
      this.options.idPageSize ?? ID_PAGE_SIZE,
    ))
      for (const record of page) onHost.add(String(record.id));
    const known = await knownIds(this.store.db, this.object);
    const now = this.now();
    const grace = this.options.destroyGraceMs ?? DEFAULT_DESTROY_GRACE_MS;
    const back: string[] = [];
    // New ids, and known ones back after going missing (undefined: not known; null: present).
    for (const id of onHost) if (known.get(id) !== null) back.push(id);
    await rememberRecords(
      this.store.db,
      this.object,
      back.map((recordId) => ({ recordId, version: null })),
    );
    const newlyMissing: string[] = [];
    let destroyed = 0;
    for (const [id, missingSince] of known) {
      if (onHost.has(id)) continue;
      const since = missingSince ?? now;
      if (now.getTime() - since.getTime() < grace) {
        if (missingSince === null) newlyMissing.push(id);
        continue;
      }
      if (await this.declareDestroyed(id, since)) destroyed++;
    }
    await markMissing(this.store.db, this.object, newlyMissing, now);
    await setIdsCheckedAt(this.store.db, this.object, now);
    return destroyed;
  }

  /** Enqueues the destroy of `recordId` unless the inbox has one, and forgets the record. */
  private async declareDestroyed(recordId: string, since: Date): Promise<boolean> {
    const eventName = `${this.object}.destroyed`;
    // Fixed by what is stored (the moment it went missing), so a replica repeating this after a
    // crash writes the same body and key, which the inbox refuses as a duplicate.
    const eventDate = since.toISOString();
    return this.store.transaction(async (trx) => {
      let inserted = false;
      if (!(await hasEvent(trx, { objectName: this.object, recordId, eventName }))) {
        const [outcome] = await insertManyIfNew(trx, [
          // The record is gone: all the sweep can say is which one it was.
          this.inboxEvent(eventName, eventDate, { id: recordId }, recordId, null),
        ]);
        inserted = outcome === 'inserted';
      }
      await forgetRecord(trx, this.object, recordId);
      return inserted;
    });
  }
}

/** Sweeps one object from its cursor (its baseline when it has none); returns what it found. */
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
  const sweep = new SweepOf(host, store, object, metadata, options);
  let cursor = await getSweepCursor(store.db, object);
  let since: Date;
  if (cursor === undefined) {
    const installed =
      options.since === undefined ? null : recordVersion({ updatedAt: options.since });
    const baseline = await sweep.baseline(installed ?? undefined);
    if (installed === null || sweep.changedSinceInstall === 0) return baseline;
    // Records changed since the install: swept at once, as changes, from that very moment.
    cursor = await getSweepCursor(store.db, object);
    if (cursor === undefined) throw new Error(`sweep: the baseline of ${object} set no cursor`);
    since = new Date(installed);
  } else {
    since = new Date(Date.parse(cursor.updatedAt) - (options.overlapMs ?? DEFAULT_OVERLAP_MS));
  }
  // No known ids but a cursor: a store from before the sweep kept them, adopted as it stands.
  const adopting = (await countKnownRecords(store.db, object)) === 0;
  const changes = await sweep.changesSince(since, cursor, adopting);
  const restored = await sweep.restores();
  await setSweepCursor(store.db, {
    objectName: object,
    updatedAt: changes.latest,
    recordId: changes.latestId,
    sweptAt: sweep.now(),
  });
  const checkEvery = options.idCheckEveryMs ?? DEFAULT_ID_CHECK_EVERY_MS;
  const checkedAt = cursor.idsCheckedAt ?? null;
  const due =
    checkedAt === null ||
    sweep.now().getTime() - checkedAt.getTime() >= checkEvery ||
    (await sweep.hostCount()) !== (await countKnownRecords(store.db, object));
  const destroyed = due ? await sweep.compareIds() : 0;
  return {
    object,
    read: changes.read,
    enqueued: changes.enqueued + restored + destroyed,
    destroyed,
    baseline: false,
    idsChecked: due,
    futureDated: sweep.futureDated,
    cursor: changes.latest,
  };
}

/**
 * Sweeps each object in turn. One object's failure does not stop the others: they are swept,
 * and then an error names each object that failed.
 */
export async function sweep(
  host: Host,
  store: Store,
  objects: readonly string[],
  options: SweepOptions = {},
): Promise<SweepResult[]> {
  const results: SweepResult[] = [];
  const failures: string[] = [];
  const aborted = (): boolean => options.signal?.aborted === true;
  for (const object of objects) {
    if (aborted()) break;
    try {
      results.push(await sweepObject(host, store, object, options));
    } catch (error) {
      if (aborted()) throw error;
      failures.push(`${object}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (failures.length > 0)
    throw new Error(
      `sweep: ${failures.length} of ${objects.length} objects could not be swept (${failures.join('; ')}); changes whose webhook was lost are not found there until a sweep succeeds`,
    );
  return results;
}

export interface SweeperOptions extends Omit<SweepOptions, 'heartbeat'> {
  /** Names this process in the lease (a random suffix keeps two processes apart). */
  readonly holder?: string;
  readonly log?: (line: string) => void;
  /** Told of records dated in the future (a member's write), which the cursor does not follow. */
  readonly alert?: (line: string) => void;
}

/**
 * One sweep at a time: a call while a sweep runs joins it (a change made meanwhile is found by
 * the next one), and across replicas the store's lease admits one; a replica that finds the
 * lease held skips its turn and answers no results.
 */
export class Sweeper {
  private running: Promise<SweepResult[]> | undefined;
  private readonly holder: string;

  constructor(
    private readonly host: Host,
    private readonly store: Store,
    private readonly objects: readonly string[],
    private readonly options: SweeperOptions = {},
  ) {
    this.holder = `${options.holder ?? 'tiergate'}:${randomUUID()}`;
  }

  /** The sweep in progress, if any (so a stop can wait for it). */
  get current(): Promise<SweepResult[]> | undefined {
    return this.running;
  }

  run(): Promise<SweepResult[]> {
    this.running ??= this.leased().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async leased(): Promise<SweepResult[]> {
    const { db } = this.store;
    if (!(await acquireLease(db, SWEEP_LEASE, this.holder, LEASE_MS))) {
      this.options.log?.('sweep: another replica is sweeping; this one skips its turn');
      return [];
    }
    let renewed = Date.now();
    const heartbeat = async () => {
      if (Date.now() - renewed < LEASE_MS / 4) return;
      if (!(await acquireLease(db, SWEEP_LEASE, this.holder, LEASE_MS)))
        throw new Error(
          'sweep: the sweep lease passed to another replica (this one stalled past it); stopped so that two do not sweep at once',
        );
      renewed = Date.now();
    };
    try {
      const results = await sweep(this.host, this.store, this.objects, {
        ...this.options,
        heartbeat,
      });
      for (const result of results.filter((r) => r.futureDated > 0))
        (this.options.alert ?? this.options.log)?.(
          `sweep: ${result.futureDated} ${result.object} record(s) are dated after now (updatedAt or deletedAt written by someone); the sweep's cursor does not follow them`,
        );
      return results;
    } finally {
      await releaseLease(db, SWEEP_LEASE, this.holder);
    }
  }
}
