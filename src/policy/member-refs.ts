/**
 * Conditions about the member (docs/policy.md §10): an operand may be `$member.id`, `$member.tier`,
 * `$member.teams`, `$member.teamTree`, `$member.reports` or `$member.attributes.<name>`. The
 * engine replaces them with the member's own values when it builds the member's plan, so the
 * decision on a record and the host filter are the same plain condition.
 *
 * A reference with no value for the member (an attribute it does not have) is NULL, as in SQL:
 * the comparison is unknown, so access narrowed by it is not given and a restriction keyed by it
 * removes every record (both fail closed). An empty list (no teams) compares with nothing: FALSE.
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
import { allOf, anyOf, MATCH_ALL, MATCH_NONE, noneOf } from './host-filter.js';

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

/** A resolved comparison: a condition, FALSE (nothing to compare with), or UNKNOWN (no value). */
type Leaf = Condition | 'false' | 'unknown';

/** `{ op: operand }` with the reference replaced. */
function resolvePredicate(predicate: Readonly<Record<string, unknown>>, facts: MemberFacts): Leaf {
  const [operator, operand] = Object.entries(predicate)[0] ?? [];
  if (operator === undefined || !isOperatorName(operator)) return predicate;
  if (!isMemberRef(operand)) return predicate;
  const value = valueOf(operand, facts);
  // A fact the member lacks is NULL: the comparison is unknown, as SQL has it.
  if (value === undefined || value === null) return 'unknown';
  if (OPERATORS[operator] === 'list') {
    const list = Array.isArray(value) ? value.filter((v) => v !== null) : [value];
    // No value in the list: nothing equals one of them (and the host rejects an empty `in`).
    return list.length === 0 ? 'false' : { [operator]: list };
  }
  // A list where one value is expected is no value (validation rejects it in config).
  if (!isScalar(value)) return 'unknown';
  if (OPERATORS[operator] === 'pattern' && typeof value !== 'string') return 'unknown';
  return { [operator]: value };
}

/**
 * A resolved condition in three-valued logic, as two host filters: the records where it is TRUE
 * and those where it is FALSE (the rest: unknown). `plain` marks one with no unknown part, whose
 * FALSE records are simply `{ not: whenTrue }`.
 */
export interface ResolvedCondition {
  readonly whenTrue: Condition;
  readonly whenFalse: Condition;
  readonly plain: boolean;
}

const TRUE: ResolvedCondition = { whenTrue: MATCH_ALL, whenFalse: MATCH_NONE, plain: true };
const FALSE: ResolvedCondition = { whenTrue: MATCH_NONE, whenFalse: MATCH_ALL, plain: true };
const UNKNOWN: ResolvedCondition = { whenTrue: MATCH_NONE, whenFalse: MATCH_NONE, plain: false };

function plain(condition: Condition): ResolvedCondition {
  return { whenTrue: condition, whenFalse: noneOf(condition), plain: true };
}

/** SQL AND (`or: false`) or OR (`or: true`) of resolved parts. */
function combine(parts: readonly ResolvedCondition[], or: boolean): ResolvedCondition {
  if (parts.every((p) => p.plain)) {
    const conditions = parts.map((p) => p.whenTrue);
    return plain(or ? anyOf(conditions) : allOf(conditions));
  }
  const trues = parts.map((p) => p.whenTrue);
  const falses = parts.map((p) => p.whenFalse);
  return {
    whenTrue: or ? anyOf(trues) : allOf(trues),
    whenFalse: or ? allOf(falses) : anyOf(falses),
    plain: false,
  };
}

function leaf(field: string, resolved: Leaf): ResolvedCondition {
  if (resolved === 'false') return FALSE;
  if (resolved === 'unknown') return UNKNOWN;
  return plain({ [field]: resolved });
}

/** A field's predicate, or each of its sub-fields' predicates, resolved. */
function resolveField(field: string, value: unknown, facts: MemberFacts): ResolvedCondition {
  if (!isPlainObject(value)) return plain({ [field]: value });
  if (Object.keys(value).some(isOperatorName)) return leaf(field, resolvePredicate(value, facts));
  return combine(
    Object.entries(value).map(([sub, predicate]) =>
      isPlainObject(predicate)
        ? leaf(field, wrapSub(sub, resolvePredicate(predicate, facts)))
        : plain({ [field]: { [sub]: predicate } }),
    ),
    false,
  );
}

function wrapSub(sub: string, resolved: Leaf): Leaf {
  return typeof resolved === 'string' ? resolved : { [sub]: resolved };
}

function resolveParts(condition: Condition, facts: MemberFacts): ResolvedCondition {
  const parts: ResolvedCondition[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === 'and' || key === 'or') {
      const children = (value as readonly Condition[]).map((c) => resolveParts(c, facts));
      parts.push(combine(children, key === 'or'));
    } else if (key === 'not') {
      const inner = resolveParts(value as Condition, facts);
      parts.push(
        inner.plain
          ? plain(noneOf(inner.whenTrue))
          : { whenTrue: inner.whenFalse, whenFalse: inner.whenTrue, plain: false },
      );
    } else {
      parts.push(resolveField(key, value, facts));
    }
  }
  return parts.length === 0 ? TRUE : combine(parts, false);
}

/**
 * The condition with the member's values in place of its references, as the filters of the
 * records where it is TRUE and where it is FALSE. A reference the member has no value for is
 * NULL (the comparison is unknown: never TRUE, never FALSE, even under `not`), so access that
 * depends on it is not given and a restriction that depends on it removes every record: both
 * fail closed. An empty list compares with nothing: FALSE. Constant parts are folded away, so
 * each filter is `MATCH_NONE`, `MATCH_ALL` (`{}`) or a condition the host can run as it is.
 */
export function resolveCondition(condition: Condition, facts: MemberFacts): ResolvedCondition {
  if (!usesMemberRefs(condition)) return plain(condition);
  return resolveParts(condition, facts);
}

const NEVER: CompiledCondition = () => false;

/**
 * Compiles a resolved condition. `MATCH_NONE` is the host's spelling of FALSE (`id is NULL`);
 * on a record it is FALSE outright, so a record that lacks an `id` key is not selected by it.
 */
export function compileResolved(condition: Condition): CompiledCondition {
  return condition === MATCH_NONE ? NEVER : compileCondition(condition);
}

/** The three-valued test of a resolved condition: TRUE, FALSE, or unknown where neither holds. */
export function compileThreeValued(resolved: ResolvedCondition): CompiledCondition {
  if (resolved.plain) return compileResolved(resolved.whenTrue);
  const isTrue = compileResolved(resolved.whenTrue);
  const isFalse = compileResolved(resolved.whenFalse);
  return (record) => (isTrue(record) === true ? true : isFalse(record) === true ? false : null);
}
