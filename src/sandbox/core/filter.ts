/**
 * Twenty's record filter, evaluated in memory: `{ field: { op: value } }`, composite sub-fields
 * nested (`name: { firstName: { ilike: "%a%" } }`), join columns (`companyId: { eq }`), and
 * `and: [F]`, `or: [F]`, `not: F` (twentyhq/twenty `.../graphql-query-runner/graphql-query-
 * parsers/graphql-query-filter/graphql-query-filter-condition.parser.ts` and
 * `graphql-query-filter-field.parser.ts`). A record is selected only when the whole filter is
 * TRUE, as in SQL: unknown (NULL) parts are neither true nor false, and `not` keeps them unknown.
 */
import type { SandboxObject } from '../workspace.js';
import { coreError } from './errors.js';
import { operatorTest, type FilterColumn } from './filter-operators.js';
import { fieldOfKey, metadataFieldName, type ResolvedField } from './object-model.js';
import { searchPredicate } from './search-vector.js';
import { isPlainObject, readColumn } from './sql-values.js';
import { allOf, alwaysTrue, anyOf, negation, type RecordTest } from './three-valued.js';
import { compositeProperties } from '../../host/core-schema/field-types.js';

export type RecordFilter = Readonly<Record<string, unknown>>;
export type { RecordTest } from './three-valued.js';

/**
 * The test of one field's `{ operator: operand }`. Twenty reads only the first operator
 * (`const [[operator, value]] = Object.entries(filterValue)` in
 * `graphql-query-filter-field.parser.ts`); GraphQL has already put the input's keys in the
 * order the filter type declares them. A field with no operator, or a value that is no object,
 * is refused, as newer versions do (`common-args-processors/filter-arg-processor/utils/
 * validate-and-transform-operator-and-value.util.ts`); older ones failed on it.
 */
function predicate(path: readonly string[], operators: unknown, column: FilterColumn): RecordTest {
  const name = path.join('.');
  if (!isPlainObject(operators)) {
    throw coreError(`Filter value for field "${name}" must be an object`);
  }
  const first = Object.entries(operators)[0];
  if (!first) throw coreError(`Filter for field "${name}" must have exactly one operator`);
  const test = operatorTest(first[0], first[1], column);
  return (record) => test(readColumn(record, path));
}

function compositePredicates(resolved: ResolvedField, key: string, value: unknown): RecordTest[] {
  if (resolved.kind.kind !== 'composite') return [];
  if (!isPlainObject(value)) throw coreError(`Filter value for field "${key}" must be an object`);
  const properties = compositeProperties(resolved.kind.type);
  return Object.entries(value).map(([subField, operators]) => {
    const property = properties.find((candidate) => candidate.name === subField);
    if (!property) {
      throw coreError(
        `Sub field "${subField}" not found for composite type: ${resolved.field.type}`,
      );
    }
    return predicate([key, subField], operators, { key: subField, type: property.type });
  });
}

function fieldPredicates(object: SandboxObject, key: string, value: unknown): RecordTest[] {
  const resolved = fieldOfKey(object, key);
  if (!resolved) {
    // `filter-arg-processor.service.ts` (`validateAndTransformFieldFilter`).
    throw coreError(`Object ${object.nameSingular} doesn't have any "${key}" field.`);
  }
  if (resolved.kind.kind === 'composite') return compositePredicates(resolved, key, value);
  if (resolved.field.type === 'TS_VECTOR') return [searchPredicate(object, value)];
  return [predicate([key], value, { key, type: resolved.field.type })];
}

function filterList(value: unknown, key: string): RecordFilter[] {
  const list: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((item) => {
    if (!isPlainObject(item)) throw coreError(`Filter value for "${key}" must be a filter`);
    return item;
  });
}

/**
 * Compiles a filter of the object into a three-valued test of a record: its entries ANDed,
 * `and`/`or` over lists of filters, `not` over one (`graphql-query-filter-condition.parser.ts`).
 * An explicit null where a filter or a field's operators belong is refused, as Twenty cannot
 * parse it either.
 */
export function compileFilter(object: SandboxObject, filter: RecordFilter | undefined): RecordTest {
  if (!filter) return alwaysTrue;
  const parts: RecordTest[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === 'and' || key === 'or') {
      const children = filterList(value, key).map((child) => compileFilter(object, child));
      parts.push(key === 'and' ? allOf(children) : anyOf(children));
    } else if (key === 'not') {
      parts.push(negation(compileFilter(object, filterList(value, key)[0])));
    } else {
      parts.push(...fieldPredicates(object, key, value));
    }
  }
  return allOf(parts);
}

/**
 * Whether the filter names `deletedAt` anywhere: then soft-deleted records are read too
 * (`GraphqlQueryParser.applyDeletedAtToBuilder` / `checkForDeletedAtFilter`, twentyhq/twenty
 * `.../graphql-query-runner/graphql-query-parsers/graphql-query.parser.ts`).
 */
export function mentionsDeletedAt(filter: unknown): boolean {
  if (Array.isArray(filter)) return filter.some(mentionsDeletedAt);
  if (!isPlainObject(filter)) return false;
  return Object.entries(filter).some(
    ([key, value]) => key === 'deletedAt' || mentionsDeletedAt(value),
  );
}

/** The metadata fields a filter reads, for the permission check. */
export function filterFieldNames(object: SandboxObject, filter: unknown, into: Set<string>): void {
  if (Array.isArray(filter)) {
    for (const child of filter) filterFieldNames(object, child, into);
    return;
  }
  if (!isPlainObject(filter)) return;
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'and' || key === 'or' || key === 'not') filterFieldNames(object, value, into);
    else into.add(metadataFieldName(object, key) ?? key);
  }
}
