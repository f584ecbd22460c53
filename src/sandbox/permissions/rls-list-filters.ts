/**
 * Row-level predicates on SELECT, MULTI_SELECT, ARRAY, BOOLEAN and UUID fields, as twenty-shared's
 * `utils/filter/turnRecordFilterIntoGqlOperationFilter.ts` builds them.
 */
import type { FieldPredicate, RowTest } from './rls-values.js';
import { DENY, column, valueList, valueText } from './rls-values.js';
import type { Truth } from './sql-logic.js';
import { and, compare, isNull, like, not, or } from './sql-logic.js';

export function compileListFilter(
  filterType: string,
  predicate: FieldPredicate,
): RowTest | undefined {
  switch (filterType) {
    case 'SELECT':
      return selectFilter(predicate);
    case 'MULTI_SELECT':
      return multiSelectFilter(predicate);
    case 'ARRAY':
      return arrayFilter(predicate);
    case 'BOOLEAN':
      return booleanFilter(predicate);
    default:
      return uuidFilter(predicate);
  }
}

/** Options of a SELECT or MULTI_SELECT predicate; the empty option `''` stands for "empty". */
function splitOptions(value: unknown): { named: string[]; withEmpty: boolean } | undefined {
  const options = valueList(value);
  if (options.length === 0) return undefined;
  return { named: options.filter((option) => option !== ''), withEmpty: options.includes('') };
}

/**
 * SELECT `IS`: `field in named` or (with `''`) `field is NULL`; `IS_NOT`: the negations ANDed.
 * No options: the predicate drops out.
 */
function selectFilter({ field, operand, value }: FieldPredicate): RowTest | undefined {
  const options = splitOptions(value);
  if (options === undefined) return undefined;
  const { named, withEmpty } = options;
  const conditions = (record: Parameters<RowTest>[0]): Truth[] => [
    ...(named.length > 0
      ? [compare(column(record, field.name), (v) => named.includes(valueText(v)))]
      : []),
    ...(withEmpty ? [isNull(column(record, field.name))] : []),
  ];
  if (operand === 'IS') return (record) => or(conditions(record));
  if (operand === 'IS_NOT') return (record) => and(conditions(record).map(not));
  return DENY;
}

function containsAny(value: unknown, named: readonly string[]): Truth {
  return compare(
    value,
    (list) => Array.isArray(list) && list.some((item) => named.includes(valueText(item))),
  );
}

function isEmptyArray(value: unknown): Truth {
  return compare(value, (list) => Array.isArray(list) && list.length === 0);
}

/**
 * MULTI_SELECT `CONTAINS`: `containsAny named` or (with `''`) an empty array;
 * `DOES_NOT_CONTAIN`: `not containsAny` or an empty array or NULL.
 */
function multiSelectFilter({ field, operand, value }: FieldPredicate): RowTest | undefined {
  const options = splitOptions(value);
  if (options === undefined) return undefined;
  const { named, withEmpty } = options;
  if (operand === 'CONTAINS') {
    return (record) => {
      const cell = column(record, field.name);
      return or([
        ...(named.length > 0 ? [containsAny(cell, named)] : []),
        ...(withEmpty ? [isEmptyArray(cell)] : []),
      ]);
    };
  }
  if (operand === 'DOES_NOT_CONTAIN') {
    return (record) => {
      const cell = column(record, field.name);
      return or([not(containsAny(cell, named)), isEmptyArray(cell), isNull(cell)]);
    };
  }
  return DENY;
}

/** ARRAY `CONTAINS`: some item `ilike %v%`; `DOES_NOT_CONTAIN` its negation. */
function arrayFilter({ field, operand, value }: FieldPredicate): RowTest {
  const pattern = `%${valueText(value)}%`;
  const contains: RowTest = (record) =>
    compare(
      column(record, field.name),
      (list) => Array.isArray(list) && list.some((item) => like(item, pattern) === true),
    );
  if (operand === 'CONTAINS') return contains;
  if (operand === 'DOES_NOT_CONTAIN') return (record) => not(contains(record));
  return DENY;
}

/** BOOLEAN: `field = (value === 'true')`, whatever the operand. */
function booleanFilter({ field, value }: FieldPredicate): RowTest {
  const expected = valueText(value) === 'true';
  return (record) => compare(column(record, field.name), (v) => v === expected);
}

/** A no-match uuid used when the value holds none, so the filter matches nothing. */
const NO_MATCH_UUID = '00000000-0000-4000-8000-000000000000';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** UUID `IS`: `field in ids`; `IS_NOT`: `not (field in ids)`. */
function uuidFilter({ field, operand, value }: FieldPredicate): RowTest {
  const parsed = valueList(value).filter((id) => UUID_PATTERN.test(id));
  const ids = parsed.length > 0 ? parsed : [NO_MATCH_UUID];
  const isIn: RowTest = (record) =>
    compare(column(record, field.name), (v) => ids.includes(valueText(v)));
  if (operand === 'IS') return isIn;
  if (operand === 'IS_NOT') return (record) => not(isIn(record));
  return DENY;
}
