/**
 * Cursor paging as Twenty does it. A cursor is base64 of the JSON of the record's values of the
 * top-level `orderBy` keys plus its `id` (twentyhq/twenty `.../graphql-query-runner/utils/
 * cursors.util.ts`, `encodeCursor`/`decodeCursor`). `before` turns the direction backward;
 * without it the page goes forward, even with `last` (`isForwardPagination = !before`,
 * `limit = first ?? last ?? QUERY_MAX_RECORDS`, `graphql-query-find-many-resolver.service.ts`).
 * The window and its flags follow `build-cursor-page.util.ts` (`packages/twenty-server/src/
 * engine/api/utils/`): a backward page is returned in presentation order, `hasNextPage` of a
 * backward page is whether a `before` cursor was given, `hasPreviousPage` of a forward page
 * whether an `after` cursor was.
 *
 * Twenty turns the cursor into a keyset filter (`compute-cursor-arg-filter.ts`), whose `gt`/`lt`
 * never match NULL sort values; here the cursor position is found with the full comparator, so
 * records with NULL sort values page correctly.
 */
import { isPlainObject } from './sql-values.js';
import type { SandboxRecord } from '../workspace.js';
import { QUERY_MAX_RECORDS } from '../../host/twenty-limits.js';
import { coreError } from './errors.js';
import type { RecordComparator, SortKey } from './order.js';

export interface PageArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly before?: string | null;
  readonly after?: string | null;
}

export interface Page {
  readonly records: SandboxRecord[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
}

export function encodeCursor(record: SandboxRecord, keys: readonly SortKey[]): string {
  const data: Record<string, unknown> = {};
  for (const key of keys) {
    const top = key.path[0];
    if (top !== undefined && top !== 'id') data[top] = record[top] ?? null;
  }
  data.id = record.id;
  return Buffer.from(JSON.stringify(data)).toString('base64');
}

export function decodeCursor(cursor: string): Readonly<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString());
    if (isPlainObject(parsed)) return parsed;
  } catch {
    // Reported below, as Twenty does.
  }
  throw coreError(`Invalid cursor: ${cursor}`);
}

/** The argument checks of `GraphqlQueryFindManyResolverService.validate`. */
export function checkPageArgs(args: PageArgs): void {
  const conflicts: readonly [unknown, unknown, string][] = [
    [args.first, args.last, 'Cannot provide both first and last'],
    [args.before, args.after, 'Cannot provide both before and after'],
    [args.before, args.first, 'Cannot provide both before and first'],
    [args.after, args.last, 'Cannot provide both after and last'],
  ];
  for (const [a, b, message] of conflicts) {
    if (a !== undefined && a !== null && b !== undefined && b !== null) throw coreError(message);
  }
  if (typeof args.first === 'number' && args.first < 0) {
    throw coreError('First argument must be non-negative');
  }
  if (typeof args.last === 'number' && args.last < 0) {
    throw coreError('Last argument must be non-negative');
  }
}

/** One page of records already filtered and sorted by `compare`. */
export function paginate(
  sorted: readonly SandboxRecord[],
  compare: RecordComparator,
  args: PageArgs,
): Page {
  const limit = args.first ?? args.last ?? QUERY_MAX_RECORDS;
  if (args.before) {
    const cursor = decodeCursor(args.before);
    const before = sorted.filter((record) => compare(record, cursor) < 0);
    return {
      records: limit === 0 ? [] : before.slice(-limit),
      hasNextPage: true,
      hasPreviousPage: before.length > limit,
    };
  }
  const after = args.after ? decodeCursor(args.after) : undefined;
  const rest = after ? sorted.filter((record) => compare(after, record) < 0) : [...sorted];
  return {
    records: rest.slice(0, limit),
    hasNextPage: rest.length > limit,
    hasPreviousPage: Boolean(args.after),
  };
}
