/**
 * One filter operator applied to one column, with SQL's three-valued logic: a comparison with
 * NULL is unknown (null), `is` is never unknown. The SQL each operator stands for is Twenty's
 * `computeWhereConditionParts` (twentyhq/twenty `packages/twenty-server/src/engine/api/graphql/
 * graphql-query-runner/utils/compute-where-condition-parts.ts`): `like`/`ilike`/`startsWith`/
 * `endsWith` compare the column's `::text`; DATE_TIME `eq` matches within the millisecond;
 * `containsAny` is array overlap (`&&`), `contains` is `@>`, `containsIlike` is
 * `EXISTS (… unnest(col) … ILIKE …)`, `isEmptyArray` is `col = '{}'`.
 *
 * Not reproduced: the "null-equivalent" rewriting of newer versions (`''` counted as NULL), and
 * `search` on the TS_VECTOR column.
 */
import { likeToRegExp, textOf } from '../../policy/condition.js';
import { coreError } from './errors.js';

export type Truth = boolean | null;
export type ValueTest = (value: unknown) => Truth;

/** How the column's values compare: as instants, as numbers, or as text. */
export type ValueKind = 'dateTime' | 'number' | 'other';

function comparable(value: unknown, kind: ValueKind): number | string {
  if (kind === 'dateTime') return Date.parse(textOf(value));
  if (kind === 'number') return Number(value);
  return typeof value === 'number' ? value : textOf(value);
}

export function compareValues(left: unknown, right: unknown, kind: ValueKind): number {
  const a = comparable(left, kind);
  const b = comparable(right, kind);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** SQL LIKE (the policy engine's, so both read patterns alike). */
export const likePattern = likeToRegExp;

/** Unknown when the column is NULL, else the test. */
function nonNull(test: (value: unknown) => boolean): ValueTest {
  return (value) => (value === null || value === undefined ? null : test(value));
}

function listOf(operand: unknown): unknown[] {
  if (Array.isArray(operand)) return operand as unknown[];
  return operand === null || operand === undefined ? [] : [operand];
}

function textList(value: unknown): string[] {
  return listOf(value).map(textOf);
}

/** `x IN (a, b)`: true on a match, unknown when a listed value is NULL, else false. */
function inList(operand: unknown, kind: ValueKind): ValueTest {
  const values = listOf(operand);
  if (values.length === 0) throw coreError('Invalid filter: "in" needs a non-empty array');
  return nonNull((value) =>
    values.some((item) => item !== null && compareValues(value, item, kind) === 0),
  );
}

function comparison(operator: string, operand: unknown, kind: ValueKind): ValueTest | undefined {
  const against = (test: (order: number) => boolean): ValueTest =>
    operand === null ? () => null : nonNull((value) => test(compareValues(value, operand, kind)));
  switch (operator) {
    case 'eq':
      return against((order) => order === 0);
    case 'neq':
      return against((order) => order !== 0);
    case 'gt':
      return against((order) => order > 0);
    case 'gte':
      return against((order) => order >= 0);
    case 'lt':
      return against((order) => order < 0);
    case 'lte':
      return against((order) => order <= 0);
    case 'in':
      return inList(operand, kind);
    default:
      return undefined;
  }
}

function textMatch(operator: string, operand: unknown): ValueTest | undefined {
  const pattern = textOf(operand);
  switch (operator) {
    case 'like':
    case 'ilike': {
      const regExp = likePattern(pattern, operator === 'ilike');
      return nonNull((value) => regExp.test(textOf(value)));
    }
    case 'startsWith':
      return nonNull((value) => textOf(value).startsWith(pattern));
    case 'endsWith':
      return nonNull((value) => textOf(value).endsWith(pattern));
    case 'regex':
    case 'iregex': {
      const regExp = new RegExp(pattern, operator === 'iregex' ? 'iu' : 'u');
      return nonNull((value) => regExp.test(textOf(value)));
    }
    default:
      return undefined;
  }
}

function arrayMatch(operator: string, operand: unknown): ValueTest | undefined {
  const wanted = textList(operand);
  switch (operator) {
    case 'containsAny':
      return nonNull((value) => textList(value).some((item) => wanted.includes(item)));
    case 'contains':
      return nonNull((value) => wanted.every((item) => textList(value).includes(item)));
    case 'notContains':
    case 'not_contains':
      return nonNull((value) => !textList(value).some((item) => wanted.includes(item)));
    case 'containsIlike': {
      const patterns = wanted.map((item) => likePattern(item, true));
      return nonNull((value) =>
        textList(value).some((item) => patterns.some((regExp) => regExp.test(item))),
      );
    }
    case 'isEmptyArray':
      return nonNull((value) => Array.isArray(value) && value.length === 0);
    default:
      return undefined;
  }
}

function jsonContains(container: unknown, contained: unknown): boolean {
  if (Array.isArray(contained)) {
    return (
      Array.isArray(container) &&
      contained.every((item) => container.some((c) => jsonContains(c, item)))
    );
  }
  if (typeof contained === 'object' && contained !== null) {
    if (typeof container !== 'object' || container === null || Array.isArray(container))
      return false;
    const record = container as Record<string, unknown>;
    return Object.entries(contained).every(([key, item]) => jsonContains(record[key], item));
  }
  return container === contained;
}

function jsonbMatch(operator: string, operand: unknown): ValueTest | undefined {
  if (operator !== 'containsJsonb') return undefined;
  const contained: unknown = typeof operand === 'string' ? JSON.parse(operand) : operand;
  return nonNull((value) => {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    return jsonContains(parsed, contained);
  });
}

/** The test of one `{ operator: operand }` on a column of this kind. */
export function operatorTest(operator: string, operand: unknown, kind: ValueKind): ValueTest {
  if (operator === 'is') {
    const wantNull = operand === 'NULL';
    return (value) => (value === null || value === undefined) === wantNull;
  }
  const test =
    comparison(operator, operand, kind) ??
    textMatch(operator, operand) ??
    arrayMatch(operator, operand) ??
    jsonbMatch(operator, operand);
  if (!test) throw coreError(`Operator "${operator}" is not supported`);
  return test;
}
