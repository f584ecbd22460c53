/**
 * The query parameters of Twenty's core REST API, read as Twenty reads them (twentyhq/twenty
 * `packages/twenty-server/src/engine/api/rest/input-request-parsers/`):
 * - `limit` (`limit-parser-utils/parse-limit-rest-request.util.ts`): absent or empty gives
 *   QUERY_DEFAULT_LIMIT_RECORDS, not a number or negative is refused ("limit 'x' is invalid.
 *   Should be an integer"), above QUERY_MAX_RECORDS is cut to it;
 * - `order_by` (`order-by-parser-utils/utils/parse-order-by-rest-request-common.util.ts`):
 *   `field_1[AscNullsFirst],field_2.sub[DescNullsLast],field_3`, no direction is AscNullsFirst,
 *   an unknown direction is refused; `add-default-order-by-id.util.ts` adds the id;
 * - `depth` (`depth-parser-utils/parse-depth-rest-request.util.ts`): 0 (default) or 1;
 * - `starting_after` / `ending_before` (their parser utils): cursors, as given; with
 *   `ending_before` the limit is `last`, else `first` (`rest-api-find-many.handler.ts`);
 * - `soft_delete` (`soft-delete-parser-utils/parse-soft-delete-rest-request.util.ts`): only the
 *   text `true` turns DELETE into a soft delete.
 * - `filter`: src/host/rest-filter.ts, then values converted to the field types (below).
 */
import { parseRestFilter, type RestFilter } from '../../host/rest-filter.js';
import { convertRestValue, type RestValueTarget } from '../../host/rest-values.js';
import { compositeProperties, fieldKind } from '../../host/core-schema/field-types.js';
import type { SandboxObject } from '../workspace.js';
import { QUERY_DEFAULT_LIMIT_RECORDS, QUERY_MAX_RECORDS } from '../../host/twenty-limits.js';
import { fieldOfKey } from '../core/object-model.js';
import { RestError } from './rest-errors.js';

export const ORDER_BY_DIRECTIONS = [
  'AscNullsFirst',
  'AscNullsLast',
  'DescNullsFirst',
  'DescNullsLast',
] as const;
export type OrderByDirection = (typeof ORDER_BY_DIRECTIONS)[number];

export type Query = Readonly<Record<string, string | undefined>>;

/** The first value of each parameter (Twenty's `typeof x !== 'string'` checks skip arrays). */
export function queryOf(search: string): Query {
  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search)) {
    if (!Object.hasOwn(query, key)) query[key] = value;
  }
  return query;
}

export function parseLimit(query: Query): number {
  const text = query.limit;
  if (text === undefined || text === '') return QUERY_DEFAULT_LIMIT_RECORDS;
  const limit = Number(text);
  // Twenty checks `isNaN(limit) || limit < 0`; a fraction would fail its `Int` later, refused here.
  if (Number.isNaN(limit) || limit < 0 || !Number.isInteger(limit)) {
    throw RestError.badRequest(`limit '${text}' is invalid. Should be an integer`);
  }
  return Math.min(limit, QUERY_MAX_RECORDS);
}

export function parseDepth(query: Query): 0 | 1 {
  const text = query.depth;
  if (text === undefined || text === '') return 0;
  const depth = Number(text);
  if (depth !== 0 && depth !== 1) {
    throw RestError.badRequest(`'depth=${text}' parameter invalid. Allowed values are 0, 1`);
  }
  return depth;
}

export type OrderBy = Record<string, unknown>[];

function isDirection(text: string): text is OrderByDirection {
  return (ORDER_BY_DIRECTIONS as readonly string[]).includes(text);
}

export function parseOrderBy(query: Query): OrderBy {
  const text = query.order_by;
  const items: OrderBy = [];
  if (text !== undefined) {
    for (const item of text.split(',')) {
      const match = /^([^[\]]*)\[([^\]]*)\]$/.exec(item);
      const fields = match ? (match[1] ?? '') : item;
      const direction = match ? (match[2] ?? '') : 'AscNullsFirst';
      if (!isDirection(direction)) {
        throw RestError.badRequest(
          `'order_by' direction '${direction}' invalid. Allowed values are '${ORDER_BY_DIRECTIONS.join("', '")}'. eg: ?order_by=field_1[AscNullsFirst],field_2[DescNullsLast],field_3`,
        );
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(fields)) {
        throw RestError.badRequest(`'order_by' field '${fields}' invalid. eg: name[AscNullsFirst]`);
      }
      const node = fields
        .split('.')
        .reverse()
        .reduce<unknown>((inner, field) => ({ [field]: inner }), direction);
      items.push(node as Record<string, unknown>);
    }
  }
  // `add-default-order-by-id.util.ts`: `{ id: AscNullsFirst }` last, unless an item orders by id.
  if (!items.some((item) => Object.hasOwn(item, 'id'))) items.push({ id: 'AscNullsFirst' });
  return items;
}

export function parseSoftDelete(query: Query): boolean {
  return query.soft_delete === 'true';
}

function scalarTarget(scalar: string): RestValueTarget {
  if (scalar === 'Float' || scalar === 'Int') return 'number';
  if (scalar === 'Boolean') return 'boolean';
  if (['String', 'UUID', 'DateTime', 'Date', '[String!]'].includes(scalar)) return 'string';
  return 'any';
}

/** The type a filter value on this path must have for the GraphQL filter input. */
function targetOf(object: SandboxObject, path: readonly string[]): RestValueTarget {
  const [key, sub] = path;
  if (key === undefined) return 'any';
  const resolved = fieldOfKey(object, key);
  if (!resolved) return 'any';
  const kind = fieldKind(object, resolved.field);
  if (kind.kind === 'manyToOne' || kind.kind === 'enum') return 'string';
  if (kind.kind === 'atomic') return scalarTarget(kind.mapping.scalar);
  if (kind.kind === 'composite' && sub !== undefined) {
    const property = compositeProperties(kind.type).find((candidate) => candidate.name === sub);
    if (property?.type === 'NUMBER') return 'number';
    if (property?.type === 'TEXT' || property?.type === 'UUID' || property?.type === 'SELECT') {
      return 'string';
    }
  }
  return 'any';
}

/** Converts the values of a parsed filter to the types of the fields they compare with. */
export function typedFilter(
  object: SandboxObject,
  filter: unknown,
  path: readonly string[] = [],
): unknown {
  if (Array.isArray(filter)) {
    return (filter as unknown[]).map((item) => typedFilter(object, item, path));
  }
  if (typeof filter !== 'object' || filter === null) return filter;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (path.length === 0 && (key === 'and' || key === 'or' || key === 'not')) {
      result[key] = typedFilter(object, value, []);
    } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      result[key] = typedFilter(object, value, [...path, key]);
    } else {
      result[key] = key === 'is' ? value : convertRestValue(value, targetOf(object, path));
    }
  }
  return result;
}

export function parseFilterParam(object: SandboxObject, query: Query): RestFilter | undefined {
  const text = query.filter;
  if (text === undefined) return undefined;
  const result = parseRestFilter(text);
  if (!result.ok) throw RestError.badRequest(result.error.message);
  return typedFilter(object, result.filter) as RestFilter;
}
