/**
 * Record ordering: `orderBy: [{ field: AscNullsFirst|AscNullsLast|DescNullsFirst|DescNullsLast }]`,
 * composite sub-fields nested (`{ name: { firstName: AscNullsFirst } }`), join columns
 * (`companyId`), several keys in one object taken in order. findMany appends
 * `{ id: AscNullsFirst }` as the tie-breaker unless `id` is already a key, and that is the whole default order: no
 * `orderBy`, records come by id (twentyhq/twenty `.../graphql-query-runner/resolvers/
 * graphql-query-find-many-resolver.service.ts`, `orderByWithIdCondition`; `.../graphql-query-
 * parsers/graphql-query-order/graphql-query-order.parser.ts`).
 *
 * Text compares by code point; PostgreSQL compares with the database collation, so mixed-case
 * text may order differently than on a real Twenty.
 */
import { compositeProperties } from '../../host/core-schema/field-types.js';
import type { SandboxObject } from '../workspace.js';
import { coreError } from './errors.js';
import {
  compareValues,
  isPlainObject,
  readColumn,
  valueKindOf,
  type ValueKind,
} from './sql-values.js';
import { fieldOfKey, metadataFieldName } from './object-model.js';

export type Direction = 'AscNullsFirst' | 'AscNullsLast' | 'DescNullsFirst' | 'DescNullsLast';

/** One sort key: a column path and its direction. */
export interface SortKey {
  readonly path: readonly string[];
  readonly direction: Direction;
  readonly kind: ValueKind;
}

export type OrderByArg = readonly Readonly<Record<string, unknown>>[];

const DIRECTIONS: ReadonlySet<string> = new Set([
  'AscNullsFirst',
  'AscNullsLast',
  'DescNullsFirst',
  'DescNullsLast',
]);

function direction(value: unknown, where: string): Direction {
  if (typeof value !== 'string' || !DIRECTIONS.has(value)) {
    throw coreError(`Invalid order by direction for ${where}`);
  }
  return value as Direction;
}

function kindOf(object: SandboxObject, key: string): ValueKind {
  return valueKindOf(fieldOfKey(object, key)?.field.type ?? '');
}

function keysOfEntry(object: SandboxObject, key: string, value: unknown): SortKey[] {
  const resolved = fieldOfKey(object, key);
  if (!resolved) throw coreError(`Invalid order by: ${object.nameSingular} has no field ${key}`);
  if (resolved.kind.kind !== 'composite') {
    return [{ path: [key], direction: direction(value, key), kind: kindOf(object, key) }];
  }
  if (!isPlainObject(value)) throw coreError(`Invalid order by value for ${key}`);
  const properties = compositeProperties(resolved.kind.type);
  return Object.entries(value).map(([subField, subDirection]) => {
    const type = properties.find((property) => property.name === subField)?.type;
    return {
      path: [key, subField],
      direction: direction(subDirection, `${key}.${subField}`),
      kind: valueKindOf(type ?? ''),
    };
  });
}

/** The sort keys of an `orderBy` argument, with findMany's `id` tie-breaker appended. */
export function sortKeys(object: SandboxObject, orderBy: OrderByArg | undefined): SortKey[] {
  const keys = (orderBy ?? []).flatMap((entry) =>
    Object.entries(entry)
      .filter(([, value]) => value !== undefined && value !== null)
      .flatMap(([key, value]) => keysOfEntry(object, key, value)),
  );
  if (!keys.some((key) => key.path.length === 1 && key.path[0] === 'id')) {
    keys.push({ path: ['id'], direction: 'AscNullsFirst', kind: 'other' });
  }
  return keys;
}

function compareKey(key: SortKey, a: unknown, b: unknown): number {
  const nullsFirst = key.direction.endsWith('NullsFirst');
  if (a === null && b === null) return 0;
  if (a === null) return nullsFirst ? -1 : 1;
  if (b === null) return nullsFirst ? 1 : -1;
  const order = compareValues(a, b, key.kind);
  return key.direction.startsWith('Asc') ? order : -order;
}

export type RecordComparator = (
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
) => number;

export function comparator(keys: readonly SortKey[]): RecordComparator {
  return (a, b) => {
    for (const key of keys) {
      const order = compareKey(key, readColumn(a, key.path), readColumn(b, key.path));
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** The metadata fields an `orderBy` reads, for the permission check. */
export function orderByFieldNames(
  object: SandboxObject,
  orderBy: OrderByArg | undefined,
  into: Set<string>,
): void {
  for (const entry of orderBy ?? []) {
    for (const key of Object.keys(entry)) into.add(metadataFieldName(object, key) ?? key);
  }
}
