/**
 * The nestjs-query connections of Twenty's metadata API (`objects`, `Object.fields`, …):
 * `CursorPaging {first, after, last, before}` and filters of `and`/`or` plus per-property
 * comparisons. Only the comparisons Tiergate sends are evaluated (eq, neq, in, notIn, is,
 * isNot); any other operator is refused rather than ignored.
 */
import { notImplemented } from './errors.js';

export interface CursorPaging {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

export interface Connection<T> {
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
  readonly edges: readonly { readonly node: T; readonly cursor: string }[];
}

/** nestjs-query's offset cursor: base64 of `arrayconnection:<offset>`. */
export function cursorAt(offset: number): string {
  return Buffer.from(`arrayconnection:${offset}`).toString('base64');
}

function offsetOf(cursor: string): number {
  const match = /^arrayconnection:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match?.[1] === undefined ? -1 : Number(match[1]);
}

/** The slice `paging` selects, with offsets into `items`. */
function window(length: number, paging: CursorPaging): { start: number; end: number } {
  let start = paging.after == null ? 0 : offsetOf(paging.after) + 1;
  let end = paging.before == null ? length : offsetOf(paging.before);
  start = Math.max(0, Math.min(start, length));
  end = Math.max(start, Math.min(end, length));
  if (paging.first != null) end = Math.min(end, start + paging.first);
  if (paging.last != null) start = Math.max(start, end - paging.last);
  return { start, end };
}

export function connectionOf<T>(items: readonly T[], paging: CursorPaging = {}): Connection<T> {
  const { start, end } = window(items.length, paging);
  const edges = items.slice(start, end).map((node, index) => ({
    node,
    cursor: cursorAt(start + index),
  }));
  return {
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    edges,
  };
}

type Comparison = Readonly<Record<string, unknown>>;

const SUPPORTED_OPERATORS = new Set(['eq', 'neq', 'in', 'notIn', 'is', 'isNot']);

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compare(actual: unknown, operator: string, expected: unknown): boolean {
  switch (operator) {
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
    case 'in':
      return Array.isArray(expected) && expected.includes(actual);
    case 'notIn':
      return Array.isArray(expected) && !expected.includes(actual);
    case 'is':
      return (actual ?? null) === expected;
    case 'isNot':
      return (actual ?? null) !== expected;
    default:
      throw notImplemented(`The filter operator ${operator}`);
  }
}

function matchesComparison(actual: unknown, comparison: Comparison): boolean {
  return Object.entries(comparison).every(([operator, expected]) => {
    if (!SUPPORTED_OPERATORS.has(operator)) throw notImplemented(`The filter operator ${operator}`);
    return expected === undefined || compare(actual, operator, expected);
  });
}

/** Whether `properties` (the node's filterable values) satisfy a nestjs-query filter. */
export function matchesFilter(
  properties: Readonly<Record<string, unknown>>,
  filter: Readonly<Record<string, unknown>>,
): boolean {
  return Object.entries(filter).every(([key, value]) => {
    if (value == null) return true;
    if (key === 'and' && Array.isArray(value)) {
      return value.every((part) => isRecord(part) && matchesFilter(properties, part));
    }
    if (key === 'or' && Array.isArray(value)) {
      return value.some((part) => isRecord(part) && matchesFilter(properties, part));
    }
    if (!isRecord(value)) return true;
    return matchesComparison(properties[key], value);
  });
}
