/**
 * The decision for one (member, object, action), compiled once per policy version, org and set
 * of active grants. Precedence, as docs/policy.md §14 states it:
 *
 *   restriction  >  grant (the union of the member's sources)  >  default deny
 *
 * Each source contributes at most one clause (a scope, with an optional `where`). A restriction
 * that matches a source removes its clause, or, when the restriction has a `where`, removes the
 * records matching it from the clause. The decision with no record is "allowed for the records
 * of these clauses", and its `filter` selects exactly the records `decideRecord` allows.
 */
import type { Condition, PathReader } from './condition.js';
import {
  compileAllows,
  compileListCheck,
  type Allows,
  type AllowsInput,
  type CompiledMask,
} from './allow-code.js';
import { denial, freezeDecision, once, type Decision } from './decision.js';
import { describeScope } from './describe.js';
import { whatWouldAllow } from './hints.js';
import { anyOf } from './host-filter.js';
import { collectClauses, type Clause, type Collected, type Exclusion } from './plan-clauses.js';
import type { PolicyIndex } from './policy-index.js';
import type { Action, Scope } from './schema.js';
import type { Source } from './sources.js';

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

const SCOPE_BREADTH: Readonly<Record<Scope, number>> = {
  none: 0,
  own: 1,
  team: 2,
  reports: 3,
  teamTree: 4,
  all: 5,
};

/** Where a plan is asked about: the member, object and action, and the member's sources. */
interface PlanTarget {
  readonly index: PolicyIndex;
  readonly memberId: string;
  readonly base: Source;
  readonly object: string;
  readonly action: Action;
}

/** Why nothing grants the action: the restrictions and refusals, or that no rule does. */
function deniedDecision(target: PlanTarget, collected: Collected): () => Decision {
  const { index, memberId, base, object, action } = target;
  return once(() => {
    const restricted = collected.removed.map((r) => `restricted: ${r}`);
    const why =
      restricted.length + collected.refusals.length > 0
        ? [...restricted, ...collected.refusals]
        : [
            `no-rule: nothing grants ${action} on ${object} to ${memberId} (${base.kind === 'role' ? `role ${base.role} at tier ${base.tier}` : base.path})`,
          ];
    return denial([...why, ...whatWouldAllow(index, base, object, action)]);
  });
}

/** The decision with no record when some clause grants the action, and the denial outside them. */
function allowedDecisions(
  target: PlanTarget,
  { clauses, granted, reasons, removed }: Collected,
): { decision: () => Decision; outside: () => Decision } {
  const { index, base, object, action } = target;
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
  return { decision, outside };
}

export function buildActionPlan(
  index: PolicyIndex,
  memberId: string,
  sources: readonly Source[],
  object: string,
  action: Action,
): ActionPlan {
  const target: PlanTarget = { index, memberId, base: sources[0] as Source, object, action };
  const collected = collectClauses(index, memberId, sources, object, action);
  const { clauses } = collected;
  const owners = index.ownerReaders.get(object) ?? [];
  const code: AllowsInput = {
    clauses,
    owners,
    ownerPaths: (index.policy.objects[object]?.owner ?? []).map((field) => field.split('.')),
  };
  const checks = {
    ...compileAllows(code, index.code.allows),
    listCheck: (conditions: readonly Condition[]): CompiledMask =>
      compileListCheck(code, conditions, index.code.lists),
    clauses,
    owners,
  };
  if (clauses.length === 0) {
    const decision = deniedDecision(target, collected);
    return { allowed: false, everywhere: false, decision, outside: decision, ...checks };
  }
  const only = clauses.length === 1 ? clauses[0] : undefined;
  const everywhere =
    only !== undefined &&
    only.members === null &&
    only.where === undefined &&
    only.exclusions.length === 0;
  return { allowed: true, everywhere, ...allowedDecisions(target, collected), ...checks };
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
