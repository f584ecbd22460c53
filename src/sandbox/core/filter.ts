/**
 * Twenty's record filter, evaluated in memory: `{ field: { op: value } }`, composite sub-fields
 * nested (`name: { firstName: { ilike: "%a%" } }`), join columns (`companyId: { eq }`), and
 * `and: [F]`, `or: [F]`, `not: F` (twentyhq/twenty `.../graphql-query-runner/graphql-query-
 * parsers/graphql-query-filter/graphql-query-filter-condition.parser.ts` and
 * `graphql-query-filter-field.parser.ts`). A record is selected only when the whole filter is
 * TRUE, as in SQL: unknown (NULL) parts are neither true nor false, and `not` keeps them unknown.
 */
import {
  and as allOf,
  isPlainObject,
  not as negation,
  or as anyOf,
  readPath,
} from '../../policy/condition.js';
import type { SandboxObject } from '../workspace.js';
import { coreError } from './errors.js';
import { operatorTest, type Truth, type ValueKind, type ValueTest } from './filter-operators.js';
import { fieldOfKey, metadataFieldName, type ResolvedField } from './object-model.js';
import { searchPredicate } from './search-vector.js';
import { compositeProperties } from '../../host/core-schema/field-types.js';

export type RecordFilter = Readonly<Record<string, unknown>>;
export type RecordTest = (record: Readonly<Record<string, unknown>>) => Truth;

/** Reads a column; a missing value is NULL (own properties only, as `readPath` does). */
export const readColumn = readPath;

function kindOfField(resolved: ResolvedField): ValueKind {
  const type = resolved.field.type;
  if (type === 'DATE_TIME') return 'dateTime';
  if (type === 'NUMBER' || type === 'NUMERIC' || type === 'POSITION') return 'number';
  return 'other';
}

function predicate(path: readonly string[], operators: unknown, kind: ValueKind): RecordTest {
  if (!isPlainObject(operators)) throw coreError(`Invalid filter value for ${path.join('.')}`);
  const tests: ValueTest[] = Object.entries(operators)
    .filter(([, operand]) => operand !== undefined)
    .map(([operator, operand]) => operatorTest(operator, operand, kind));
  return allOf(tests.map((test) => (record) => test(readColumn(record, path))));
}

function compositePredicates(resolved: ResolvedField, key: string, value: unknown): RecordTest[] {
  if (resolved.kind.kind !== 'composite') return [];
  if (!isPlainObject(value)) throw coreError(`Invalid filter value for ${key}`);
  const properties = compositeProperties(resolved.kind.type);
  return Object.entries(value).map(([subField, operators]) => {
    const property = properties.find((candidate) => candidate.name === subField);
    if (!property) throw coreError(`Invalid filter: ${key} has no sub-field ${subField}`);
    const kind = property.type === 'NUMBER' || property.type === 'NUMERIC' ? 'number' : 'other';
    return predicate([key, subField], operators, kind);
  });
}

function fieldPredicates(object: SandboxObject, key: string, value: unknown): RecordTest[] {
  const resolved = fieldOfKey(object, key);
  if (!resolved) {
    throw coreError(`Invalid filter: ${object.nameSingular} has no filterable field ${key}`);
  }
  if (resolved.kind.kind === 'composite') return compositePredicates(resolved, key, value);
  if (resolved.field.type === 'TS_VECTOR') return [searchPredicate(object, value)];
  return [predicate([key], value, kindOfField(resolved))];
}

function filterList(value: unknown, key: string): RecordFilter[] {
  const list: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.map((item) => {
    if (!isPlainObject(item)) throw coreError(`Invalid filter: ${key} takes filters`);
    return item;
  });
}

/** Compiles a filter of the object into a three-valued test of a record. */
export function compileFilter(object: SandboxObject, filter: RecordFilter | undefined): RecordTest {
  if (!filter) return () => true;
  const parts: RecordTest[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
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
