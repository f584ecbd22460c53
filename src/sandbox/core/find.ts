/**
 * findMany and findOne (twentyhq/twenty `.../graphql-query-runner/resolvers/graphql-query-find-
 * many-resolver.service.ts`, `.../common/common-query-runners/common-find-one-query-runner.
 * service.ts`): filter, soft-delete rule, order with the `id` tie-breaker, cursor page, and a
 * connection whose `totalCount` and other aggregates count every matching record.
 */
import type { SandboxObject, SandboxRecord } from '../workspace.js';
import { reachableRecords } from './access.js';
import { aggregateField, computeAggregate } from './aggregates.js';
import type { CoreContext } from './context.js';
import { coreError, recordNotFound } from './errors.js';
import { compileFilter, mentionsDeletedAt, type RecordFilter } from './filter.js';
import { comparator, sortKeys, type OrderByArg } from './order.js';
import { checkPageArgs, encodeCursor, paginate, type PageArgs } from './paging.js';

export interface FindManyArgs extends PageArgs {
  readonly filter?: RecordFilter | null;
  readonly orderBy?: OrderByArg | null;
}

export interface Connection {
  readonly edges: readonly { readonly node: SandboxRecord; readonly cursor: string }[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
  readonly totalCount: number;
}

/** The records behind each connection, for its aggregate fields. */
const connectionRecords = new WeakMap<
  object,
  { object: SandboxObject; records: SandboxRecord[] }
>();

/**
 * The value of a connection's aggregate field, or undefined when the source is not a
 * connection or the field is not an aggregate (then the default resolver applies).
 */
export function connectionAggregate(source: unknown, fieldName: string): unknown {
  if (typeof source !== 'object' || source === null) return undefined;
  const entry = connectionRecords.get(source);
  if (!entry) return undefined;
  const aggregate = aggregateField(entry.object, fieldName);
  return aggregate ? computeAggregate(aggregate, entry.records) : undefined;
}

/** Reachable records matching the filter (soft-deleted ones only when it names `deletedAt`). */
export function matchingRecords(
  context: CoreContext,
  object: SandboxObject,
  filter: RecordFilter | null | undefined,
  withDeleted = mentionsDeletedAt(filter),
): SandboxRecord[] {
  const test = compileFilter(object, filter ?? undefined);
  return reachableRecords(context, object, withDeleted).filter((record) => test(record) === true);
}

export function toConnection<Extra extends object = object>(
  object: SandboxObject,
  matching: SandboxRecord[],
  args: FindManyArgs,
  extra?: Extra,
): Connection & Extra {
  checkPageArgs(args);
  const keys = sortKeys(object, args.orderBy ?? undefined);
  const compare = comparator(keys);
  const sorted = [...matching].sort(compare);
  const page = paginate(sorted, compare, args);
  const edges = page.records.map((node) => ({ node, cursor: encodeCursor(node, keys) }));
  const connection = {
    ...(extra as Extra),
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: matching.length,
  };
  connectionRecords.set(connection, { object, records: matching });
  return connection;
}

export function findMany(
  context: CoreContext,
  object: SandboxObject,
  args: FindManyArgs,
): Connection {
  return toConnection(object, matchingRecords(context, object, args.filter), args);
}

/** findOne: the first record by id among those the (required, non-empty) filter matches. */
export function findOne(
  context: CoreContext,
  object: SandboxObject,
  filter: RecordFilter | null | undefined,
): SandboxRecord {
  if (!filter || Object.keys(filter).length === 0) throw coreError('Missing filter argument');
  const found = matchingRecords(context, object, filter).sort(comparator(sortKeys(object, [])));
  const first = found[0];
  if (!first) throw recordNotFound();
  return first;
}
