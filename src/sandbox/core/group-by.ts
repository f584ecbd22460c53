/**
 * `<plural>GroupBy`: the matching records split by the values of the `groupBy` dimensions, each
 * group a connection of its records (ordered by `orderByForRecords`) with its aggregates and its
 * `groupByDimensionValues` (twentyhq/twenty `.../graphql-query-runner/group-by/` and
 * `.../common/common-query-runners/common-group-by-query-runner.service.ts`). Groups are ordered
 * by `orderBy` (dimension values, or `aggregate: { totalCount: … }`), by dimension values
 * ascending otherwise, and at most `limit` groups are returned.
 *
 * Sandbox choices, not confirmed against 2.43: a NULL dimension value reads as `''`; a date
 * dimension with a granularity reads `2026-01-31` (DAY, WEEK's Monday), `2026-01` (MONTH),
 * `2026-Q1` (QUARTER), `2026` (YEAR), `Monday`, `January`, `Q1` for the cyclic ones.
 */
import type { SandboxObject, SandboxRecord } from '../workspace.js';
import { aggregateField, computeAggregate } from './aggregates.js';
import { DEFAULT_NUMBER_OF_GROUPS_LIMIT } from '../../host/twenty-limits.js';
import { coreError } from './errors.js';
import { compareValues, isPlainObject, readColumn } from './sql-values.js';
import { toConnection, type Connection } from './find.js';
import { fieldOfKey, metadataFieldName } from './object-model.js';
import type { OrderByArg } from './order.js';

export interface Dimension {
  readonly path: readonly string[];
  readonly granularity?: string;
}

export interface GroupByArgs {
  readonly groupBy: readonly Readonly<Record<string, unknown>>[];
  readonly orderBy?: OrderByArg | null;
  readonly orderByForRecords?: OrderByArg | null;
  readonly limit?: number | null;
}

export type GroupConnection = Connection & { readonly groupByDimensionValues: string[] };

function dimensionOf(object: SandboxObject, key: string, value: unknown): Dimension[] {
  const resolved = fieldOfKey(object, key);
  if (!resolved) throw coreError(`Invalid group by: ${object.nameSingular} has no field ${key}`);
  if (value === true) return [{ path: [key] }];
  if (!isPlainObject(value)) return [];
  if (resolved.kind.kind === 'composite') {
    return Object.entries(value)
      .filter(([, on]) => on === true)
      .map(([subField]) => ({ path: [key, subField] }));
  }
  const granularity = typeof value.granularity === 'string' ? value.granularity : 'NONE';
  return [{ path: [key], granularity }];
}

export function dimensionsOf(object: SandboxObject, args: GroupByArgs): Dimension[] {
  const dimensions = args.groupBy.flatMap((entry) =>
    Object.entries(entry).flatMap(([key, value]) => dimensionOf(object, key, value)),
  );
  if (dimensions.length === 0) throw coreError('Invalid group by: no field to group by');
  return dimensions;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function dateBucket(value: string, granularity: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const iso = date.toISOString();
  const quarter = Math.floor(date.getUTCMonth() / 3) + 1;
  switch (granularity) {
    case 'DAY':
      return iso.slice(0, 10);
    case 'WEEK': {
      const monday = new Date(date);
      monday.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
      return monday.toISOString().slice(0, 10);
    }
    case 'MONTH':
      return iso.slice(0, 7);
    case 'QUARTER':
      return `${iso.slice(0, 4)}-Q${quarter}`;
    case 'YEAR':
      return iso.slice(0, 4);
    case 'DAY_OF_THE_WEEK':
      return WEEKDAYS[date.getUTCDay()] ?? '';
    case 'MONTH_OF_THE_YEAR':
      return MONTHS[date.getUTCMonth()] ?? '';
    case 'QUARTER_OF_THE_YEAR':
      return `Q${quarter}`;
    default:
      return value;
  }
}

function dimensionValue(record: SandboxRecord, dimension: Dimension): string {
  const value = readColumn(record, dimension.path);
  if (value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return dimension.granularity ? dateBucket(text, dimension.granularity) : text;
}

function groupRecords(
  records: readonly SandboxRecord[],
  dimensions: readonly Dimension[],
): Map<string, { values: string[]; records: SandboxRecord[] }> {
  const groups = new Map<string, { values: string[]; records: SandboxRecord[] }>();
  for (const record of records) {
    const values = dimensions.map((dimension) => dimensionValue(record, dimension));
    const key = JSON.stringify(values);
    const group = groups.get(key) ?? { values, records: [] };
    group.records.push(record);
    groups.set(key, group);
  }
  return groups;
}

type Group = { values: string[]; records: SandboxRecord[] };

function groupComparator(
  object: SandboxObject,
  dimensions: readonly Dimension[],
  orderBy: OrderByArg,
) {
  const criteria = orderBy.flatMap((entry) =>
    Object.entries(entry).flatMap(([key, value]): ((a: Group, b: Group) => number)[] => {
      if (key === 'aggregate' && isPlainObject(value)) {
        return Object.entries(value).map(([name, direction]) => {
          const aggregate = aggregateField(object, name);
          if (!aggregate) throw coreError(`Invalid group by order: no aggregate ${name}`);
          const sign = String(direction).startsWith('Desc') ? -1 : 1;
          const of = (group: Group) => computeAggregate(aggregate, group.records) ?? 0;
          return (a, b) => sign * compareValues(of(a), of(b), 'number');
        });
      }
      const index = dimensions.findIndex((dimension) => dimension.path[0] === key);
      if (index < 0) throw coreError(`Invalid group by order: ${key} is not a group by field`);
      const raw = isPlainObject(value) ? Object.values(value)[0] : value;
      const sign = String(raw).startsWith('Desc') ? -1 : 1;
      return [(a, b) => sign * compareValues(a.values[index], b.values[index], 'other')];
    }),
  );
  return (a: Group, b: Group): number => {
    for (const criterion of criteria) {
      const order = criterion(a, b);
      if (order !== 0) return order;
    }
    return compareValues(JSON.stringify(a.values), JSON.stringify(b.values), 'other');
  };
}

/** `get-group-limit.util.ts`: a positive integer limit, else DEFAULT_NUMBER_OF_GROUPS_LIMIT. */
function groupLimit(limit: number | null | undefined): number {
  return typeof limit === 'number' && Number.isInteger(limit) && limit > 0
    ? limit
    : DEFAULT_NUMBER_OF_GROUPS_LIMIT;
}

export function groupBy(
  object: SandboxObject,
  matching: readonly SandboxRecord[],
  args: GroupByArgs,
): GroupConnection[] {
  const dimensions = dimensionsOf(object, args);
  const groups = [...groupRecords(matching, dimensions).values()];
  groups.sort(groupComparator(object, dimensions, args.orderBy ?? []));
  return groups
    .slice(0, groupLimit(args.limit))
    .map((group) =>
      toConnection(
        object,
        group.records,
        { orderBy: args.orderByForRecords ?? null },
        { groupByDimensionValues: group.values },
      ),
    );
}

/** The metadata fields a group-by reads through its dimensions. */
export function groupByFieldNames(
  object: SandboxObject,
  args: GroupByArgs,
  into: Set<string>,
): void {
  for (const entry of args.groupBy) {
    for (const key of Object.keys(entry)) into.add(metadataFieldName(object, key) ?? key);
  }
}
