/**
 * The decision for one (member, object, action), compiled once per policy version, org and set
 * of active grants. Precedence, as POLICY.md §2 fixes it:
 *
 *   restriction  >  grant (the union of the member's sources)  >  default deny
 *
 * Each source contributes at most one clause (a scope, with an optional `where`). A restriction
 * that matches a source removes its clause, or, when the restriction has a `where`, removes the
 * records matching it from the clause. The decision with no record is "allowed for the records
 * of these clauses", and its `filter` selects exactly the records `decideRecord` allows.
 */
import { type CompiledCondition, type Condition, type PathReader } from './condition.js';
import {
  compileAllows,
  compileListCheck,
  type Allows,
  type AllowsInput,
  type CompiledMask,
} from './allow-code.js';
import { describeCondition, describeScope } from './describe.js';
import { allOf, anyOf, isMatchAll, MATCH_ALL, MATCH_NONE, ownerFilter } from './host-filter.js';
import { scopeGrantsOf, type Action, type Scope, type ScopeValue } from './schema.js';
import type { Source } from './sources.js';
import { stepAt, type TierOrder } from './tier-map.js';
import type { CompiledRestriction, PolicyIndex } from './policy-index.js';
import { whatWouldAllow } from './hints.js';

/** The answer of `decide` (POLICY.md §4-5). */
export interface Decision {
  readonly effect: 'allow' | 'deny';
  /** The widest scope granted; `none` when denied. */
  readonly scope: Scope;
  /** The record condition, when a single clause grants the action. */
  readonly where?: Condition;
  /** The host filter that selects exactly the records this decision allows. */
  readonly filter: Condition;
  /** Why: policy paths and, for a denial, what would allow it. */
  readonly reasons: readonly string[];
  /** Every clause that grants the action (several when grants add up). */
  readonly grants: readonly GrantedClause[];
}

export interface GrantedClause {
  readonly scope: Scope;
  readonly where?: Condition;
  /** Records a restriction removes from this grant. */
  readonly except?: readonly Condition[];
  readonly source: string;
}

interface Exclusion {
  readonly test: CompiledCondition;
  readonly where: Condition;
  /** The host filter of the records the restriction leaves (its `where` is FALSE). */
  readonly leaves: Condition;
  readonly deny: () => Decision;
}

interface Clause {
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

/**
 * Decisions, with their filters and reasons, are built on first use: a server that warms every
 * plan pays for the yes/no of each, and for the words only of those it is asked to explain.
 */
export interface ActionPlan {
  /** Whether the action is granted at all (for some records). */
  readonly allowed: boolean;
  /** Whether it is granted on every record (one clause, all, no condition, no restriction). */
  readonly everywhere: boolean;
  /** The decision with no record. */
  readonly decision: () => Decision;
  /** Whether `decideRecord` allows the record: the same answer, without a Decision. */
  readonly allows: Allows;
  /** `allows` as a case of the engine's code table with its values (-1: no case, use `allows`). */
  readonly shape: number;
  readonly parts: readonly unknown[];
  /** `allows` and a field plan's cap mask in one case (see `compileListCheck`). */
  readonly listCheck: (conditions: readonly Condition[]) => CompiledMask;
  readonly clauses: readonly Clause[];
  readonly owners: readonly PathReader[];
  /** The denial for a record outside every clause. */
  readonly outside: () => Decision;
}

/** A value built on its first use and kept. */
function once<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

const SCOPE_BREADTH: Readonly<Record<Scope, number>> = {
  none: 0,
  own: 1,
  team: 2,
  reports: 3,
  teamTree: 4,
  all: 5,
};

function freezeDecision(decision: Decision): Decision {
  return Object.freeze({ ...decision, reasons: Object.freeze([...decision.reasons]) });
}

export function denial(reasons: readonly string[]): Decision {
  return freezeDecision({ effect: 'deny', scope: 'none', filter: MATCH_NONE, reasons, grants: [] });
}

interface RawClause {
  readonly scope: Scope;
  readonly where: Condition | undefined;
  readonly path: string;
  readonly source: Source;
}

/**
 * The clauses a source contributes for an action: the tier map's step value, one scope or each
 * scope of a union (POLICY.md §6).
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
 * tier: they hold "whatever any grant says" (POLICY.md §2), elevations included.
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

export function buildActionPlan(
  index: PolicyIndex,
  memberId: string,
  sources: readonly Source[],
  object: string,
  action: Action,
): ActionPlan {
  const closure = index.org.closureOf(memberId);
  const ownerReaders = index.ownerReaders.get(object) ?? [];
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

  const code: AllowsInput = {
    clauses,
    owners: ownerReaders,
    ownerPaths: (index.policy.objects[object]?.owner ?? []).map((field) => field.split('.')),
  };
  const { allows, shape, parts } = compileAllows(code, index.code.allows);
  const listCheck = (conditions: readonly Condition[]): CompiledMask =>
    compileListCheck(code, conditions, index.code.lists);
  if (clauses.length === 0) {
    const decision = once(() => {
      const restricted = removed.map((r) => `restricted: ${r}`);
      const why =
        restricted.length + refusals.length > 0
          ? [...restricted, ...refusals]
          : [
              `no-rule: nothing grants ${action} on ${object} to ${memberId} (${base.kind === 'role' ? `role ${base.role} at tier ${base.tier}` : base.path})`,
            ];
      return denial([...why, ...whatWouldAllow(index, base, object, action)]);
    });
    return {
      allowed: false,
      everywhere: false,
      decision,
      allows,
      shape,
      parts,
      listCheck,
      clauses,
      owners: ownerReaders,
      outside: decision,
    };
  }
  const decision = once(() => {
    const widest = granted.reduce((a, b) =>
      SCOPE_BREADTH[b.scope] > SCOPE_BREADTH[a.scope] ? b : a,
    );
    return freezeDecision({
      effect: 'allow',
      scope: widest.scope,
      ...(granted.length === 1 && widest.where ? { where: widest.where } : {}),
      filter: anyOf(clauses.map((c) => c.allow().filter)),
      reasons: [...reasons.flatMap((r) => r()), ...removed.map((r) => `restricted: ${r}`)],
      grants: granted,
    });
  });
  const outside = once(() =>
    denial([
      `out-of-scope: the record is outside ${granted.map((g) => `${g.source} (${describeScope(g.scope, g.where)})`).join(' and ')}`,
      ...whatWouldAllow(index, base, object, action),
    ]),
  );
  const only = clauses.length === 1 ? clauses[0] : undefined;
  const everywhere =
    only !== undefined &&
    only.members === null &&
    only.where === undefined &&
    only.exclusions.length === 0;
  return {
    allowed: true,
    everywhere,
    decision,
    allows,
    shape,
    parts,
    listCheck,
    clauses,
    owners: ownerReaders,
    outside,
  };
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

/** Is a record in one of the clause's owner sets? A record with no owner is in scope only for all. */
function inScope(
  clause: Clause,
  owners: readonly PathReader[],
  record: Readonly<Record<string, unknown>>,
): boolean {
  const { members, only } = clause;
  if (members === null) return true;
  for (const read of owners) {
    const owner = read(record);
    if (typeof owner === 'string' && (only === undefined ? members.has(owner) : owner === only))
      return true;
  }
  return false;
}

/** The decision for one record: allowed by the first clause that selects it. */
export function decideRecord(
  plan: ActionPlan,
  record: Readonly<Record<string, unknown>>,
): Decision {
  let excluded: Decision | undefined;
  for (const clause of plan.clauses) {
    if (!inScope(clause, plan.owners, record)) continue;
    if (clause.test !== undefined && clause.test(record) !== true) continue;
    // Under SQL's NOT, unknown stays unknown and the host drops the row: exclude unless FALSE.
    let exclusion: Exclusion | undefined;
    for (const e of clause.exclusions) {
      if (e.test(record) !== false) {
        exclusion = e;
        break;
      }
    }
    if (exclusion) {
      excluded = exclusion.deny();
      continue;
    }
    return clause.allow();
  }
  return excluded ?? plan.outside();
}
