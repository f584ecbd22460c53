/**
 * Row-level predicates on composite fields (CURRENCY, FULL_NAME, ADDRESS, ACTOR, EMAILS), as
 * twenty-shared's `utils/filter/turnRecordFilterIntoGqlOperationFilter.ts` and
 * `utils/filter/utils/getEmptyRecordGqlOperationFilter.ts` build them.
 * Left out (deny): LINKS, PHONES and TS_VECTOR predicates.
 */
import { ACTOR_SOURCES } from '../../host/core-schema/composite-types.js';
import type { FieldPredicate, RowTest } from './rls-values.js';
import { DENY, NO_CONDITION, relationIds, subColumn, valueList, valueText } from './rls-values.js';
import type { Truth } from './sql-logic.js';
import { and, compare, isNull, like, not, or } from './sql-logic.js';

type Record0 = Parameters<RowTest>[0];

const FULL_NAME_PARTS = ['firstName', 'lastName'];
const ADDRESS_PARTS = [
  'addressStreet1',
  'addressStreet2',
  'addressCity',
  'addressState',
  'addressCountry',
  'addressPostcode',
];
export function compileCompositeFilter(
  filterType: string,
  predicate: FieldPredicate,
): RowTest | undefined {
  switch (filterType) {
    case 'CURRENCY':
      return currencyFilter(predicate);
    case 'FULL_NAME':
      return containsFilter(predicate, FULL_NAME_PARTS, false);
    case 'ADDRESS':
      return addressFilter(predicate);
    case 'ACTOR':
      return actorFilter(predicate);
    case 'EMAILS':
      // UNVERIFIED approximation of `computeGqlOperationFilterForEmails`: the primary email.
      return containsFilter(predicate, ['primaryEmail'], false);
    default:
      return DENY;
  }
}

/** `subField is NULL or subField ilike ''`. */
function blank(record: Record0, name: string, subField: string): Truth {
  const value = subColumn(record, name, subField);
  return or([like(value, ''), isNull(value)]);
}

/**
 * Emptiness of a composite: every part blank (FULL_NAME, ADDRESS), the one subfield blank when
 * one is named, CURRENCY's `amountMicros is NULL`, ACTOR's name blank. UNVERIFIED for EMAILS
 * (the primary email blank). Other types: the filter builder throws, so it denies.
 */
export function compositeEmptiness(
  filterType: string,
  name: string,
  subFieldName: string | undefined,
): RowTest {
  const allBlank = (parts: readonly string[]): RowTest => {
    return (record) => and(parts.map((part) => blank(record, name, part)));
  };
  switch (filterType) {
    case 'CURRENCY':
      return (record) => isNull(subColumn(record, name, 'amountMicros'));
    case 'ACTOR':
      return allBlank(['name']);
    case 'EMAILS':
      return allBlank(['primaryEmail']);
    case 'FULL_NAME':
      return allBlank(subFieldName === undefined ? FULL_NAME_PARTS : [subFieldName]);
    case 'ADDRESS':
      return allBlank(
        subFieldName === undefined ? [...ADDRESS_PARTS, 'addressStreet3'] : [subFieldName],
      );
    default:
      return DENY;
  }
}

/** CURRENCY: `currencyCode` in a list, or `amountMicros` against the value times a million. */
function currencyFilter({
  field,
  operand,
  value,
  subFieldName,
}: FieldPredicate): RowTest | undefined {
  const name = field.name;
  if (subFieldName === 'currencyCode') {
    const codes = valueList(value);
    if (codes.length === 0) return undefined;
    const isIn: RowTest = (record) =>
      compare(subColumn(record, name, 'currencyCode'), (code) => codes.includes(valueText(code)));
    if (operand === 'IS') return isIn;
    if (operand !== 'IS_NOT') return DENY;
    return (record: Record0) => not(isIn(record));
  }
  if (subFieldName !== undefined && subFieldName !== 'amountMicros') return DENY;
  const micros = Number.parseFloat(valueText(value)) * 1_000_000;
  const amount = (test: (n: number) => boolean): RowTest => {
    return (record) => compare(subColumn(record, name, 'amountMicros'), (n) => test(Number(n)));
  };
  switch (operand) {
    case 'GREATER_THAN_OR_EQUAL':
      return amount((n) => n >= micros);
    case 'LESS_THAN_OR_EQUAL':
      return amount((n) => n <= micros);
    case 'IS':
      return amount((n) => n === micros);
    case 'IS_NOT':
      return (record) => not(amount((n) => n === micros)(record));
    default:
      return DENY;
  }
}

/**
 * CONTAINS: some part (or the named subfield) `ilike %v%`; DOES_NOT_CONTAIN: no part does
 * (FULL_NAME). With `orNull`, a part that is NULL also passes DOES_NOT_CONTAIN (ADDRESS).
 * UNVERIFIED: FULL_NAME's `generateILikeFiltersForCompositeFields` may also match the
 * "first last" concatenation.
 */
function containsFilter(
  { field, operand, value, subFieldName }: FieldPredicate,
  parts: readonly string[],
  orNull: boolean,
): RowTest {
  const pattern = `%${valueText(value)}%`;
  const fields = subFieldName === undefined ? parts : [subFieldName];
  const partLike = (record: Record0, part: string) =>
    like(subColumn(record, field.name, part), pattern);
  if (operand === 'CONTAINS') return (record) => or(fields.map((part) => partLike(record, part)));
  if (operand !== 'DOES_NOT_CONTAIN') return DENY;
  return (record) =>
    and(
      fields.map((part) => {
        const negated = not(partLike(record, part));
        return orNull ? or([negated, isNull(subColumn(record, field.name, part))]) : negated;
      }),
    );
}

/** ADDRESS: as `containsFilter`, but `addressCountry` as a subfield takes a list of countries. */
function addressFilter(predicate: FieldPredicate): RowTest {
  const { field, operand, value, subFieldName } = predicate;
  if (subFieldName !== 'addressCountry') return containsFilter(predicate, ADDRESS_PARTS, true);
  const countries = valueList(value);
  if (countries.length === 0) return NO_CONDITION;
  const isIn: RowTest = (record) =>
    compare(subColumn(record, field.name, 'addressCountry'), (c) =>
      countries.includes(valueText(c)),
    );
  if (operand === 'CONTAINS') return isIn;
  if (operand !== 'DOES_NOT_CONTAIN') return DENY;
  return (record) =>
    or([not(isIn(record)), isNull(subColumn(record, field.name, 'addressCountry'))]);
}

/**
 * ACTOR: `source` IS / IS_NOT a list of sources; `workspaceMemberId` IS / IS_NOT ids (the
 * current member's when selected; NULL passes IS_NOT); otherwise CONTAINS matches the name or a
 * source whose name contains the value.
 */
function actorFilter(predicate: FieldPredicate): RowTest | undefined {
  const { field, operand, value, subFieldName, currentMemberId } = predicate;
  const name = field.name;
  const inList = (subField: string, list: readonly string[]): RowTest => {
    return (record) =>
      compare(subColumn(record, name, subField), (v) => list.includes(valueText(v)));
  };
  if (subFieldName === 'source' || subFieldName === 'workspaceMemberId') {
    const list = subFieldName === 'source' ? valueList(value) : relationIds(value, currentMemberId);
    if (list.length === 0) return undefined;
    const isIn = inList(subFieldName, list);
    if (operand === 'IS') return isIn;
    if (operand !== 'IS_NOT') return DENY;
    if (subFieldName === 'source') return (record) => not(isIn(record));
    return (record) => or([not(isIn(record)), isNull(subColumn(record, name, subFieldName))]);
  }
  const text = valueText(value).toLowerCase();
  const sources = ACTOR_SOURCES.filter((source) => source.toLowerCase().includes(text));
  const tests: RowTest[] = [
    (record) => like(subColumn(record, name, 'name'), `%${valueText(value)}%`),
    ...(sources.length > 0 ? [inList('source', sources)] : []),
  ];
  if (operand === 'CONTAINS') return (record) => or(tests.map((test) => test(record)));
  if (operand !== 'DOES_NOT_CONTAIN') return DENY;
  return (record) => and(tests.map((test) => not(test(record))));
}
