/**
 * Building host filters (Twenty's filter input) from scopes and conditions. The filters avoid
 * what the host rejects or misreads: an empty `in` list (rejected), `{}` inside `and`/`or`
 * (empty brackets), and several operators in one field (only the first is read).
 */
import type { Condition } from './condition.js';

/** Selects every record. At the top level the host applies no condition. */
export const MATCH_ALL: Condition = Object.freeze({});

/** Selects no record: `id` is never null. */
export const MATCH_NONE: Condition = Object.freeze({ id: Object.freeze({ is: 'NULL' }) });

export function isMatchAll(filter: Condition): boolean {
  return Object.keys(filter).length === 0;
}

function isMatchNone(filter: Condition): boolean {
  return filter === MATCH_NONE;
}

/** `{ a: { b: leaf } }` for the path `a.b`. */
function nest(path: string, leaf: Condition): Condition {
  return path.split('.').reduceRight<Condition>((inner, key) => ({ [key]: inner }), leaf);
}

/** Records whose owner field (any of them) is one of `memberIds`. */
export function ownerFilter(
  ownerFields: readonly string[],
  memberIds: readonly string[],
): Condition {
  if (memberIds.length === 0 || ownerFields.length === 0) return MATCH_NONE;
  const parts = ownerFields.map((field) => nest(field, { in: memberIds }));
  return anyOf(parts);
}

export function allOf(parts: readonly Condition[]): Condition {
  const kept: Condition[] = [];
  for (const part of parts) {
    if (isMatchNone(part)) return MATCH_NONE;
    if (!isMatchAll(part)) kept.push(part);
  }
  if (kept.length === 0) return MATCH_ALL;
  return kept.length === 1 ? (kept[0] as Condition) : { and: kept };
}

export function anyOf(parts: readonly Condition[]): Condition {
  const kept: Condition[] = [];
  for (const part of parts) {
    if (isMatchAll(part)) return MATCH_ALL;
    if (!isMatchNone(part)) kept.push(part);
  }
  if (kept.length === 0) return MATCH_NONE;
  return kept.length === 1 ? (kept[0] as Condition) : { or: kept };
}

export function noneOf(condition: Condition): Condition {
  if (isMatchAll(condition)) return MATCH_NONE;
  if (isMatchNone(condition)) return MATCH_ALL;
  return { not: condition };
}
