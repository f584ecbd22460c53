/**
 * The clauses of an action plan: what each of a member's sources grants on an object and action
 * (a scope, or each scope of a union, with its `where`), resolved for the member, with the
 * restrictions that hold for it applied (docs/policy.md §12).
 */
import type { CompiledCondition, Condition } from './condition.js';
import { denial, freezeDecision, once, type Decision, type GrantedClause } from './decision.js';
import { describeCondition, describeScope } from './describe.js';
import { allOf, isMatchAll, MATCH_ALL, MATCH_NONE, ownerFilter } from './host-filter.js';
import type { CompiledRestriction, PolicyIndex } from './policy-index.js';
import { scopeGrantsOf, type Action, type Scope, type ScopeValue } from './schema.js';
import type { Source } from './sources.js';
import { stepAt, type TierOrder } from './tier-map.js';

export interface Exclusion {
  readonly test: CompiledCondition;
  readonly where: Condition;
  /** The host filter of the records the restriction leaves (its `where` is FALSE). */
  readonly leaves: Condition;
  readonly deny: () => Decision;
}

export interface Clause {
  /** Owner ids in scope; null for `all`. */
  readonly members: ReadonlySet<string> | null;
  /** The one owner in scope, when there is one (`own`): compared without hashing. */
  readonly only: string | undefined;
  readonly test: CompiledCondition | undefined;
  /** The condition `test` compiles: the generated yes/no reads it (allow-code.ts). */
  readonly where: Condition | undefined;
  readonly exclusions: readonly Exclusion[];
  readonly allow: () => Decision;
}

interface RawClause {
  readonly scope: Scope;
  readonly where: Condition | undefined;
  readonly path: string;
  readonly source: Source;
}

/**
 * The clauses a source contributes for an action: the tier map's step value, one scope or each
 * scope of a union (docs/policy.md §8).
 */
function clausesOf(source: Source, object: string, action: Action, order: TierOrder): RawClause[] {
  if (source.kind === 'object') {
    if (source.object !== object || source.action !== action || source.scope === 'none') return [];
    return [{ scope: source.scope, where: source.where, path: source.path, source }];
  }
  const rules = Object.hasOwn(source.objects, object) ? source.objects[object] : undefined;
  const step = stepAt<unknown>(rules?.[action], source.tierIndex, order);
  if (!step) return [];
  const path = `${source.path}.objects.${object}.${action}.${step.key}`;
  if (typeof step.value === 'boolean') {
    return [{ scope: step.value ? 'all' : 'none', where: undefined, path, source }];
  }
  const value = step.value as ScopeValue;
  return scopeGrantsOf(value).map((grant, i) => {
    const { scope, where } = typeof grant === 'string' ? { scope: grant, where: undefined } : grant;
    return { scope, where, path: Array.isArray(value) ? `${path}[${i}]` : path, source };
  });
}

/**
 * Restrictions judge the member as assigned (its own role and tier), never a grant's role or
 * tier: they hold "whatever any grant says" (docs/policy.md §12), elevations included.
 */
function restrictionApplies(
  r: CompiledRestriction,
  memberId: string,
  member: Source,
  object: string,
  action: Action,
): boolean {
  return (
    r.objects.has(object) &&
    r.actions.has(action) &&
    (r.tierBelowIndex === undefined || member.tierIndex < r.tierBelowIndex) &&
    (r.roles === undefined || r.roles.has(member.role)) &&
    (r.members === undefined || r.members.has(memberId))
  );
}

/** A restriction that holds for the member, its `where` resolved for it. */
interface MemberRestriction {
  readonly restriction: CompiledRestriction;
  /** The member's own condition (no `$member` left); undefined: the restriction is total. */
  readonly where: Condition | undefined;
  /** The records where `where` is FALSE: those the restriction leaves. */
  readonly negation: Condition | undefined;
  readonly test: CompiledCondition | undefined;
}

/** A clause whose `where` is resolved for the member: undefined `where` selects the whole scope. */
interface ResolvedClause extends RawClause {
  readonly scope: Exclude<Scope, 'none'>;
  readonly resolvedWhere: Condition | undefined;
  readonly test: CompiledCondition | undefined;
}

/** A clause of a plan: its owner set and condition, what restrictions remove, its decision. */
function buildClause(
  index: PolicyIndex,
  raw: ResolvedClause,
  members: ReadonlySet<string> | null,
  restrictions: readonly MemberRestriction[],
  object: string,
  action: Action,
): { clause: Clause; grant: GrantedClause; reasons: () => string[] } {
  const exclusions = restrictions.map((r): Exclusion => {
    const { path, id, where: policyWhere } = r.restriction;
    return {
      test: r.test as CompiledCondition,
      where: r.where as Condition,
      leaves: r.negation as Condition,
      deny: once(() =>
        denial([
          `${path} (${id}): ${action} on ${object} denied where ${describeCondition(policyWhere as Condition)}, whatever ${raw.path} grants`,
        ]),
      ),
    };
  });
  const where = raw.resolvedWhere;
  const grant: GrantedClause = {
    scope: raw.scope,
    ...(where ? { where } : {}),
    ...(exclusions.length > 0 ? { except: exclusions.map((e) => e.where) } : {}),
    source: raw.path,
  };
  const reasons = (): string[] => [
    `${raw.path}: ${describeScope(raw.scope, raw.where)}`,
    ...exclusions.map((e) => e.deny().reasons[0] ?? ''),
  ];
  const allow = once(() => {
    const owners = index.policy.objects[object]?.owner ?? [];
    const filter = allOf([
      members === null ? MATCH_ALL : ownerFilter(owners, [...members].sort()),
      where ?? MATCH_ALL,
      ...exclusions.map((e) => e.leaves),
    ]);
    const [reason = '', ...excluded] = reasons();
    return freezeDecision({
      effect: 'allow',
      scope: raw.scope,
      ...(where ? { where } : {}),
      filter,
      reasons: [reason, ...excluded.map((r) => `${r} (not this record)`)],
      grants: [grant],
    });
  });
  const clause: Clause = {
    members,
    only: members?.size === 1 ? [...members][0] : undefined,
    test: raw.test,
    where,
    exclusions,
    allow,
  };
  return { clause, grant, reasons };
}

/**
 * The restrictions that hold for the member on the object and action, each `where` resolved
 * for the member: one that selects every record is total, one that selects none is dropped.
 */
function memberRestrictions(
  index: PolicyIndex,
  memberId: string,
  base: Source,
  object: string,
  action: Action,
): MemberRestriction[] {
  const found: MemberRestriction[] = [];
  for (const restriction of index.restrictions) {
    if (!restrictionApplies(restriction, memberId, base, object, action)) continue;
    if (restriction.where === undefined) {
      found.push({ restriction, where: undefined, negation: undefined, test: undefined });
      continue;
    }
    const { condition, negation, test } = index.resolved(memberId, restriction.where);
    // FALSE on every record: it removes nothing. Never FALSE (TRUE, or unknown for a fact the
    // member lacks): it removes every record.
    if (condition === MATCH_NONE && isMatchAll(negation)) continue;
    found.push(
      negation === MATCH_NONE
        ? { restriction, where: undefined, negation: undefined, test: undefined }
        : { restriction, where: condition, negation, test },
    );
  }
  return found;
}

function scopeMembers(
  scope: Exclude<Scope, 'all' | 'none'>,
  memberId: string,
  closure: ReturnType<PolicyIndex['org']['closureOf']>,
): ReadonlySet<string> {
  switch (scope) {
    case 'own':
      return new Set([memberId]);
    case 'reports':
      return closure?.reports ?? new Set([memberId]);
    case 'team':
      return closure?.team ?? new Set([memberId]);
    case 'teamTree':
      return closure?.teamTree ?? new Set([memberId]);
  }
}

/** What a member's sources grant on an object and action, after the restrictions. */
export interface Collected {
  readonly clauses: readonly Clause[];
  readonly granted: readonly GrantedClause[];
  readonly reasons: readonly (() => string[])[];
  /** Clauses a total restriction removed, and clauses that deny (scope none, no record). */
  readonly removed: readonly string[];
  readonly refusals: readonly string[];
}

/**
 * The clauses of the member's sources for the action, in source order: each scope resolved to
 * its owner set, each `where` resolved for the member, and the restrictions that hold applied.
 */
export function collectClauses(
  index: PolicyIndex,
  memberId: string,
  sources: readonly Source[],
  object: string,
  action: Action,
): Collected {
  const closure = index.org.closureOf(memberId);
  const removed: string[] = [];
  const clauses: Clause[] = [];
  const granted: GrantedClause[] = [];
  const reasons: (() => string[])[] = [];
  const refusals: string[] = [];
  const base = sources[0] as Source;
  const restrictions = memberRestrictions(index, memberId, base, object, action);
  const total = restrictions.find((r) => r.where === undefined);
  const partial = restrictions.filter((r) => r.where !== undefined);

  for (const source of sources) {
    for (const raw of clausesOf(source, object, action, index.order)) {
      if (raw.scope === 'none') {
        const value = action === 'create' || action === 'export' ? 'false' : 'scope none';
        refusals.push(`denied: ${raw.path}: ${value}`);
        continue;
      }
      if (total) {
        const { path, id } = total.restriction;
        removed.push(`${path} (${id}): removes ${action} on ${object} granted by ${raw.path}`);
        continue;
      }
      const resolved = raw.where && index.resolved(memberId, raw.where);
      if (resolved && resolved.condition === MATCH_NONE) {
        refusals.push(
          `denied: ${raw.path}: where ${describeCondition(raw.where)} selects no record for ${memberId} (a $member value it compares with is missing or empty)`,
        );
        continue;
      }
      const members = raw.scope === 'all' ? null : scopeMembers(raw.scope, memberId, closure);
      if (members !== null && members.size === 0) continue;
      const narrowed = resolved && !isMatchAll(resolved.condition) ? resolved : undefined;
      const built = buildClause(
        index,
        {
          ...raw,
          scope: raw.scope,
          resolvedWhere: narrowed?.condition,
          test: narrowed?.test,
        },
        members,
        partial,
        object,
        action,
      );
      clauses.push(built.clause);
      granted.push(built.grant);
      reasons.push(built.reasons);
    }
  }

  return { clauses, granted, reasons, removed, refusals };
}
