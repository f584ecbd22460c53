/**
 * SQL's three-valued logic, in memory. Twenty turns row-level predicates into a WHERE clause
 * (repo `twenty-orm/utils/apply-row-level-permission-predicates.util.ts`), so a comparison with
 * NULL is unknown, NOT unknown stays unknown, and only rows where the clause is true are kept.
 */
import { likeToRegExp } from '../core/sql-values.js';

/** true, false, or unknown (`null`). */
export type Truth = boolean | null;

export function not(value: Truth): Truth {
  return value === null ? null : !value;
}

export function and(values: readonly Truth[]): Truth {
  if (values.includes(false)) return false;
  return values.includes(null) ? null : true;
}

export function or(values: readonly Truth[]): Truth {
  if (values.includes(true)) return true;
  return values.includes(null) ? null : false;
}

export function isNull(value: unknown): boolean {
  return value === null || value === undefined;
}

/** A comparison: unknown when the column is NULL. */
export function compare<T>(value: T | null | undefined, test: (value: T) => boolean): Truth {
  return value === null || value === undefined ? null : test(value);
}

/** Postgres ILIKE, or LIKE when caseSensitive, over the value's text; a backslash escapes, as there. */
export function like(value: unknown, pattern: string, caseSensitive = false): Truth {
  if (isNull(value)) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return likeToRegExp(pattern, !caseSensitive).test(text);
}
