/**
 * One row-level predicate on one field, as twenty-shared's
 * `utils/filter/turnRecordFilterIntoGqlOperationFilter.ts` turns it into a filter, evaluated in
 * memory with SQL's NULL semantics. `undefined` means the predicate drops out, as it does there.
 */
import type { FieldMetadataType } from '../../host/core-schema/object-metadata.js';
import { joinColumnOf } from '../../host/core-schema/object-metadata.js';
import { compileCompositeFilter, compositeEmptiness } from './rls-composite-filters.js';
import { compileDateFilter, compileDateTimeFilter } from './rls-date-filters.js';
import { compileListFilter } from './rls-list-filters.js';
import type { FieldPredicate, RowTest } from './rls-values.js';
import { DENY, column, relationIds, valueText } from './rls-values.js';
import type { Truth } from './sql-logic.js';
import { compare, isNull, like, not, or } from './sql-logic.js';

/** twenty-shared `getFilterTypeFromFieldType`: unlisted types filter as TEXT. */
const FILTER_TYPES: Partial<Record<FieldMetadataType, string>> = {
  MORPH_RELATION: 'RELATION',
  DATE_TIME: 'DATE_TIME',
  DATE: 'DATE',
  LINKS: 'LINKS',
  FULL_NAME: 'FULL_NAME',
  NUMBER: 'NUMBER',
  CURRENCY: 'CURRENCY',
  EMAILS: 'EMAILS',
  PHONES: 'PHONES',
  RELATION: 'RELATION',
  SELECT: 'SELECT',
  MULTI_SELECT: 'MULTI_SELECT',
  ADDRESS: 'ADDRESS',
  RATING: 'RATING',
  ACTOR: 'ACTOR',
  ARRAY: 'ARRAY',
  RAW_JSON: 'RAW_JSON',
  FILES: 'FILES',
  BOOLEAN: 'BOOLEAN',
  TS_VECTOR: 'TS_VECTOR',
  UUID: 'UUID',
};

export function filterTypeOf(type: FieldMetadataType): string {
  return FILTER_TYPES[type] ?? 'TEXT';
}

export function compileFieldFilter(predicate: FieldPredicate): RowTest | undefined {
  const filterType = filterTypeOf(predicate.field.type);
  const { operand } = predicate;
  // twenty-shared `checkIfShouldComputeEmptinessFilter`: every type but BOOLEAN and TS_VECTOR.
  const isEmptiness = operand === 'IS_EMPTY' || operand === 'IS_NOT_EMPTY';
  if (!isValueValid(predicate)) return undefined;
  if (isEmptiness && filterType !== 'BOOLEAN' && filterType !== 'TS_VECTOR') {
    const empty = emptinessOf(filterType, predicate);
    return operand === 'IS_EMPTY' ? empty : (record) => not(empty(record));
  }
  // Left out: morph relations (their join column depends on the target object).
  if (predicate.field.type === 'MORPH_RELATION') return DENY;
  switch (filterType) {
    case 'TEXT':
      return textFilter(predicate, false);
    case 'RAW_JSON':
    case 'FILES':
      return textFilter(predicate, true);
    case 'NUMBER':
      return numberFilter(predicate);
    case 'RATING':
      return ratingFilter(predicate);
    case 'DATE':
      return compileDateFilter(predicate);
    case 'DATE_TIME':
      return compileDateTimeFilter(predicate);
    case 'RELATION':
      return relationFilter(predicate);
    case 'SELECT':
    case 'MULTI_SELECT':
    case 'ARRAY':
    case 'BOOLEAN':
    case 'UUID':
      return compileListFilter(filterType, predicate);
    default:
      return compileCompositeFilter(filterType, predicate);
  }
}

/** Operands that take no value (twenty-shared `isRecordFilterOperandExpectingValue`). */
const VALUELESS_OPERANDS: readonly string[] = [
  'IS_NOT_NULL',
  'IS_EMPTY',
  'IS_NOT_EMPTY',
  'IS_IN_PAST',
  'IS_IN_FUTURE',
  'IS_TODAY',
];

/**
 * twenty-shared `isRecordFilterValueValid`: a predicate whose operand takes a value but whose
 * value is empty (`''` or `[]`) drops out.
 */
function isValueValid({ operand, value }: FieldPredicate): boolean {
  if (VALUELESS_OPERANDS.includes(operand)) return true;
  const text = valueText(value);
  return text !== '' && text !== '[]';
}

/** twenty-shared `getEmptyRecordGqlOperationFilter`. */
function emptinessOf(filterType: string, { field, subFieldName }: FieldPredicate): RowTest {
  const name = field.name;
  switch (filterType) {
    case 'TEXT':
      return (record) => or([like(column(record, name), ''), isNull(column(record, name))]);
    case 'MULTI_SELECT':
    case 'ARRAY':
      return (record) => or([isNull(column(record, name)), isEmptyArray(column(record, name))]);
    case 'RELATION':
      return (record) => isNull(column(record, joinColumnOf(field) ?? `${name}Id`));
    case 'NUMBER':
    case 'RATING':
    case 'DATE':
    case 'DATE_TIME':
    case 'SELECT':
    case 'FILES':
    case 'RAW_JSON':
      return (record) => isNull(column(record, name));
    default:
      return compositeEmptiness(filterType, name, subFieldName);
  }
}

function isEmptyArray(value: unknown): Truth {
  return compare(value, (list) => Array.isArray(list) && list.length === 0);
}

/** TEXT: CONTAINS is `ilike %v%`, DOES_NOT_CONTAIN its negation; RAW_JSON and FILES use `like`. */
function textFilter({ field, operand, value }: FieldPredicate, caseSensitive: boolean): RowTest {
  const pattern = `%${valueText(value)}%`;
  const contains: RowTest = (record) => like(column(record, field.name), pattern, caseSensitive);
  if (operand === 'CONTAINS') return contains;
  if (operand === 'DOES_NOT_CONTAIN') return (record) => not(contains(record));
  return DENY;
}

function numberFilter({ field, operand, value }: FieldPredicate): RowTest {
  const bound = Number.parseFloat(valueText(value));
  const test = (check: (n: number) => boolean): RowTest => {
    return (record) => compare(column(record, field.name), (n) => check(Number(n)));
  };
  switch (operand) {
    case 'GREATER_THAN_OR_EQUAL':
      return test((n) => n >= bound);
    case 'LESS_THAN_OR_EQUAL':
      return test((n) => n <= bound);
    case 'IS':
      return test((n) => n === bound);
    case 'IS_NOT':
      return (record) => not(test((n) => n === bound)(record));
    default:
      return DENY;
  }
}

/**
 * RATING values are `RATING_1` … `RATING_5`; UNVERIFIED: that `convertRatingToRatingValue(n)`
 * is `RATING_${n}` and the >= / <= lists run over 1…5.
 */
function ratingFilter({ field, operand, value }: FieldPredicate): RowTest {
  const rating = Number.parseFloat(valueText(value));
  const ratings = (keep: (n: number) => boolean) =>
    [1, 2, 3, 4, 5].filter(keep).map((n) => `RATING_${n}`);
  const isIn = (values: readonly string[]): RowTest => {
    return (record) => compare(column(record, field.name), (v) => values.includes(valueText(v)));
  };
  switch (operand) {
    case 'IS':
      return isIn(ratings((n) => n === rating));
    case 'IS_NOT':
      return (record) => not(isIn(ratings((n) => n === rating))(record));
    case 'GREATER_THAN_OR_EQUAL':
      return isIn(ratings((n) => n >= rating));
    case 'LESS_THAN_OR_EQUAL':
      return isIn(ratings((n) => n <= rating));
    default:
      return DENY;
  }
}

/** `IS` is `joinColumn in ids`; `IS_NOT` is `not in ids or joinColumn is NULL`. No ids: dropped. */
function relationFilter({
  field,
  operand,
  value,
  currentMemberId,
}: FieldPredicate): RowTest | undefined {
  const ids = relationIds(value, currentMemberId);
  if (ids.length === 0) return undefined;
  const joinColumn = joinColumnOf(field) ?? `${field.name}Id`;
  const isIn: RowTest = (record) =>
    compare(column(record, joinColumn), (id) => ids.includes(valueText(id)));
  if (operand === 'IS') return isIn;
  if (operand === 'IS_NOT') {
    return (record) => or([not(isIn(record)), isNull(column(record, joinColumn))]);
  }
  return DENY;
}
