/**
 * Conditions about the member (POLICY.md §6): an operand may be `$member.id`, `$member.tier`,
 * `$member.teams`, `$member.teamTree`, `$member.reports` or `$member.attributes.<name>`. The
 * engine replaces them with the member's own values when it builds the member's plan, so the
 * decision on a record and the host filter are the same plain condition.
 *
 * A reference with no value for the member (an attribute it does not have, an empty team list)
 * makes its comparison FALSE, never unknown and never "match all": access narrowed by a fact
 * the member lacks is no access (fail closed), and a restriction keyed by it removes nothing.
 */
import {
  compileCondition,
  isOperatorName,
  isPlainObject,
  isScalar,
  OPERATORS,
  type CompiledCondition,
  type Condition,
  type ConditionScalar,
} from './condition.js';
import { allOf, anyOf, MATCH_NONE, noneOf } from './host-filter.js';

export const MEMBER_REF_PREFIX = '$member.';

/** The references with a fixed meaning; attributes are `$member.attributes.<name>`. */
export const MEMBER_REFS = {
  id: 'scalar',
  tier: 'scalar',
  teams: 'list',
  teamTree: 'list',
  reports: 'list',
} as const;

const ATTRIBUTE = /^attributes\.([A-Za-z][A-Za-z0-9_]*)$/;

export type AttributeValue = ConditionScalar | readonly ConditionScalar[];

/** What a member's references resolve to. */
export interface MemberFacts {
  readonly id: string;
  readonly tier: string;
  /** The member's own teams. */
  readonly teams: readonly string[];
  /** Its teams and every team below them. */
  readonly teamTree: readonly string[];
  /** The member and everyone below it in the manager tree. */
  readonly reports: readonly string[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** A value that is a member reference (it may still name nothing; `parseMemberRef` says). */
export function isMemberRef(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(MEMBER_REF_PREFIX);
}

export type ParsedRef =
  | { readonly kind: 'fixed'; readonly name: keyof typeof MEMBER_REFS }
  | { readonly kind: 'attribute'; readonly name: string };

/** The reference a `$member.…` string names, or undefined when it names none. */
export function parseMemberRef(ref: string): ParsedRef | undefined {
  const rest = ref.slice(MEMBER_REF_PREFIX.length);
  if (Object.hasOwn(MEMBER_REFS, rest))
    return { kind: 'fixed', name: rest as keyof typeof MEMBER_REFS };
  const attribute = ATTRIBUTE.exec(rest);
  return attribute ? { kind: 'attribute', name: attribute[1] as string } : undefined;
}

/** Every reference a condition uses, for validation and to tell shared plans from per-member ones. */
export function memberRefsOf(condition: unknown, into = new Set<string>()): Set<string> {
  if (isMemberRef(condition)) into.add(condition);
  else if (Array.isArray(condition)) for (const item of condition) memberRefsOf(item, into);
  else if (isPlainObject(condition))
    for (const value of Object.values(condition)) memberRefsOf(value, into);
  return into;
}

export function usesMemberRefs(condition: Condition | undefined): boolean {
  return condition !== undefined && memberRefsOf(condition).size > 0;
}

/** The value of a reference for a member; undefined when it has none. */
function valueOf(ref: string, facts: MemberFacts): AttributeValue | undefined {
  const parsed = parseMemberRef(ref);
  if (!parsed) return undefined;
  if (parsed.kind === 'attribute')
    return Object.hasOwn(facts.attributes, parsed.name) ? facts.attributes[parsed.name] : undefined;
  return facts[parsed.name];
}

/** `{ op: operand }` with the reference replaced; undefined when the comparison is FALSE. */
function resolvePredicate(
  predicate: Readonly<Record<string, unknown>>,
  facts: MemberFacts,
): Condition | undefined {
  const [operator, operand] = Object.entries(predicate)[0] ?? [];
  if (operator === undefined || !isOperatorName(operator)) return predicate;
  if (!isMemberRef(operand)) return predicate;
  const value = valueOf(operand, facts);
  if (value === undefined || value === null) return undefined;
  if (OPERATORS[operator] === 'list') {
    const list = Array.isArray(value) ? value.filter((v) => v !== null) : [value];
    // The host rejects an empty `in`; no value to compare with selects nothing.
    return list.length === 0 ? undefined : { [operator]: list };
  }
  // A list where one value is expected compares with nothing (validation rejects it in config).
  if (!isScalar(value)) return undefined;
  if (OPERATORS[operator] === 'pattern' && typeof value !== 'string') return undefined;
  return { [operator]: value };
}

/** A field's predicate or its sub-fields' predicates, resolved; MATCH_NONE when one is FALSE. */
function resolveField(field: string, value: unknown, facts: MemberFacts): Condition {
  if (!isPlainObject(value)) return { [field]: value };
  if (Object.keys(value).some(isOperatorName)) {
    const resolved = resolvePredicate(value, facts);
    return resolved === undefined ? MATCH_NONE : { [field]: resolved };
  }
  const subs: Record<string, unknown> = {};
  for (const [sub, predicate] of Object.entries(value)) {
    if (!isPlainObject(predicate)) {
      subs[sub] = predicate;
      continue;
    }
    const resolved = resolvePredicate(predicate, facts);
    if (resolved === undefined) return MATCH_NONE;
    subs[sub] = resolved;
  }
  return { [field]: subs };
}

/**
 * The condition with the member's values in place of its references. Parts that compare with
 * no value become FALSE and are folded away (`and` with FALSE is FALSE, `not` FALSE is TRUE), so
 * the result is `MATCH_NONE`, `MATCH_ALL` (`{}`) or a condition the host can run as it is. A
 * condition with no reference is returned as it is.
 */
export function resolveCondition(condition: Condition, facts: MemberFacts): Condition {
  if (!usesMemberRefs(condition)) return condition;
  const parts: Condition[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === 'and' || key === 'or') {
      const children = (value as readonly Condition[]).map((c) => resolveCondition(c, facts));
      parts.push(key === 'and' ? allOf(children) : anyOf(children));
    } else if (key === 'not') {
      parts.push(noneOf(resolveCondition(value as Condition, facts)));
    } else {
      parts.push(resolveField(key, value, facts));
    }
  }
  return allOf(parts);
}

const NEVER: CompiledCondition = () => false;

/**
 * Compiles a resolved condition. `MATCH_NONE` is the host's spelling of FALSE (`id is NULL`);
 * on a record it is FALSE outright, so a record that lacks an `id` key is not selected by it.
 */
export function compileResolved(condition: Condition): CompiledCondition {
  return condition === MATCH_NONE ? NEVER : compileCondition(condition);
}
