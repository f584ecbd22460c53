/**
 * One filter operator on one column, as the SQL Twenty writes for it in `computeWhereConditionParts`
 * (twentyhq/twenty `packages/twenty-server/src/engine/api/graphql/graphql-query-runner/utils/
 * compute-where-condition-parts.ts`, cited below as `cwcp`), evaluated with SQL's NULL rules.
 *
 * Not reproduced: the "null-equivalent" widening of newer versions (`''` counted as NULL), behind
 * a feature flag there (`findPostgresDefaultNullEquivalentValue`).
 */
import { coreError } from './errors.js';
import {
  columnText,
  compareValues,
  likeToRegExp,
  textItems,
  valueKindOf,
  type ValueKind,
} from './sql-values.js';
import type { Truth } from './three-valued.js';

export type ValueTest = (value: unknown) => Truth;

/** The column an operator applies to: its filter key (for messages) and its field type. */
export interface FilterColumn {
  readonly key: string;
  readonly type: string;
}

/** A comparison: unknown when the column is NULL, else the test. */
function nonNull(test: (value: unknown) => Truth): ValueTest {
  return (value) => (value === null ? null : test(value));
}

/**
 * `in`, `contains` and `notContains` take a non-empty list, else INVALID_QUERY_INPUT
 * (`ARRAY_OPERATORS` in `graphql-query-filter-field.parser.ts`, later
 * `utils/assert-array-operator-value-is-non-empty-array.util.ts`).
 */
function nonEmptyList(operand: unknown, column: FilterColumn): readonly unknown[] {
  if (!Array.isArray(operand) || operand.length === 0) {
    throw coreError(`Invalid filter value for field ${column.key}. Expected non-empty array`);
  }
  return operand;
}

/** `col = v`, `col != v`, `col > v`…: `cwcp`. A NULL on either side is unknown. */
function comparison(
  test: (order: number) => boolean,
  operand: unknown,
  kind: ValueKind,
): ValueTest {
  if (operand === null) return () => null;
  return nonNull((value) => test(compareValues(value, operand, kind)));
}

/** `col IN (a, b)`: TRUE on a match; otherwise unknown if a listed value is NULL, else FALSE. */
function inList(operand: unknown, column: FilterColumn): ValueTest {
  const items = nonEmptyList(operand, column);
  const present = items.filter((item) => item !== null);
  const holdsNull = present.length < items.length;
  const kind = valueKindOf(column.type);
  return nonNull((value) => {
    if (present.some((item) => compareValues(value, item, kind) === 0)) return true;
    return holdsNull ? null : false;
  });
}

/**
 * `col::text LIKE` / `ILIKE` the operand, `^@` (starts with) and `RIGHT(col::text, n) =` (ends
 * with): `cwcp`. The operand is bound as `${value}`, so a null pattern is the text "null".
 */
function textMatch(
  operator: string,
  operand: unknown,
  column: FilterColumn,
): ValueTest | undefined {
  const pattern = String(operand);
  const text = (value: unknown): string => columnText(value, column.type);
  switch (operator) {
    case 'like':
    case 'ilike': {
      const regExp = likeToRegExp(pattern, operator === 'ilike');
      return nonNull((value) => regExp.test(text(value)));
    }
    case 'startsWith':
      return nonNull((value) => text(value).startsWith(pattern));
    case 'endsWith':
      return nonNull((value) => text(value).endsWith(pattern));
    default:
      return undefined;
  }
}

/** The non-NULL items of an array column as text; NULL items equal nothing in SQL. */
function presentItems(value: unknown): string[] {
  return textItems(value).filter((item) => item !== null);
}

/**
 * Array operators, `cwcp`: `containsAny` is overlap (`&&`), `contains` containment (`@>`),
 * `notContains` `NOT (col && list)`, `isEmptyArray` `col = '{}'` whatever its operand.
 */
function arrayMatch(
  operator: string,
  operand: unknown,
  column: FilterColumn,
): ValueTest | undefined {
  switch (operator) {
    case 'containsAny': {
      const wanted = presentItems(operand);
      return nonNull((value) => presentItems(value).some((item) => wanted.includes(item)));
    }
    case 'contains': {
      const wanted = textItems(nonEmptyList(operand, column));
      return nonNull((value) => {
        const items = presentItems(value);
        return wanted.every((item) => item !== null && items.includes(item));
      });
    }
    case 'notContains': {
      const wanted = presentItems(nonEmptyList(operand, column));
      return nonNull((value) => !presentItems(value).some((item) => wanted.includes(item)));
    }
    case 'containsIlike': {
      // `EXISTS (SELECT 1 FROM unnest(col) AS elem WHERE elem ILIKE …)`: EXISTS is never
      // unknown, so a NULL column is FALSE here, not unknown.
      const patterns = presentItems(operand).map((item) => likeToRegExp(item, true));
      return (value) =>
        value !== null &&
        presentItems(value).some((item) => patterns.some((regExp) => regExp.test(item)));
    }
    case 'isEmptyArray':
      return nonNull((value) => Array.isArray(value) && value.length === 0);
    default:
      return undefined;
  }
}

/**
 * The test of `{ operator: operand }` on a column. Operators the filter inputs declare but
 * `cwcp` has no case for (`regex`, `iregex`, `not_contains`, `containsJsonb`) are refused there
 * with UNSUPPORTED_OPERATOR, a user input error, and so they are here.
 */
export function operatorTest(operator: string, operand: unknown, column: FilterColumn): ValueTest {
  const kind = valueKindOf(column.type);
  switch (operator) {
    case 'is': {
      // `col IS NULL` when the operand is NULL, `IS NOT NULL` for anything else; never unknown.
      const wantNull = operand === 'NULL';
      return (value) => (value === null) === wantNull;
    }
    case 'eq':
      return comparison((order) => order === 0, operand, kind);
    case 'neq':
      return comparison((order) => order !== 0, operand, kind);
    case 'gt':
      return comparison((order) => order > 0, operand, kind);
    case 'gte':
      return comparison((order) => order >= 0, operand, kind);
    case 'lt':
      return comparison((order) => order < 0, operand, kind);
    case 'lte':
      return comparison((order) => order <= 0, operand, kind);
    case 'in':
      return inList(operand, column);
    default: {
      const test = textMatch(operator, operand, column) ?? arrayMatch(operator, operand, column);
      if (!test) throw coreError(`Operator "${operator}" is not supported`);
      return test;
    }
  }
}
