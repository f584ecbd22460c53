/**
 * The engine: a compiled policy that answers, with no I/O and an injected clock (docs/policy.md §17).
 * `engine.for(member)` gives a judge bound to one member; the request-style calls (`decide`,
 * `fieldStates`…) ask the same judge. Plans per (member, object, action) are built on first use,
 * or all at once by `warm()`, and cached for the engine's life; a member with temporary grants
 * has its plans rebuilt when a grant starts or expires.
 */
import { buildActionPlan, type ActionPlan } from './action-plan.js';
import type { Decision } from './decision.js';
import type { Condition } from './condition.js';
import { buildFieldPlan, type FieldPlan } from './field-plan.js';
import { checkGrants, type ParsedGrant, type TemporaryGrant } from './grants.js';
import { Judge, type Authorization } from './judge.js';
import { actionIndex, type MemberPlan, type ObjectPlan, type PlanSource } from './member-plan.js';
import { indexPolicy, type PolicyIndex } from './policy-index.js';
import { ACTIONS, type Action, type FieldState, type Policy } from './schema.js';
import { grantActive, grantWindow, sourcesOf } from './sources.js';

export type { Decision, GrantedClause } from './decision.js';
export type { Authorization } from './judge.js';
export { Judge } from './judge.js';

type Row = Readonly<Record<string, unknown>>;

export interface EngineOptions {
  /** The clock; temporary grants are judged against it. Defaults to the system clock. */
  readonly now?: () => Date;
  /** Temporary grants, active or not; only those in force at `now()` count. */
  readonly grants?: readonly TemporaryGrant[];
}

export interface DecisionRequest {
  readonly member: string;
  readonly object: string;
  readonly action: Action;
  readonly record?: Row | undefined;
}

export interface FieldRequest extends DecisionRequest {
  readonly field: string;
}

export class Engine {
  readonly policy: Policy;
  private readonly index: PolicyIndex;
  private readonly now: () => Date;
  private readonly grantsByMember: ReadonlyMap<string, readonly ParsedGrant[]>;
  private readonly plans = new Map<string, MemberPlan>();
  private readonly judges = new Map<string, Judge>();
  private readonly fieldPlans = new Map<string, FieldPlan>();
  private planCount = 0;
  /** What judges ask of the engine; not part of the engine's public surface. */
  private readonly source: PlanSource;

  /** Use `compilePolicy`. */
  constructor(index: PolicyIndex, now: () => Date, grants: readonly ParsedGrant[]) {
    this.policy = index.policy;
    this.index = index;
    this.now = now;
    const byMember = new Map<string, ParsedGrant[]>();
    for (const grant of grants)
      byMember.set(grant.member, [...(byMember.get(grant.member) ?? []), grant]);
    this.grantsByMember = byMember;
    this.source = {
      objectNames: [...index.knownFields.keys()].map(internalized),
      code: index.code,
      memberPlan: (id) => this.memberPlan(id),
      objectPlan: (member, object) => this.objectPlan(member, object),
      actionPlan: (plan, action) => this.actionPlan(plan, action),
      fieldPlan: (plan, action) => this.fieldPlanOf(plan, action),
    };
  }

  /** The same policy with another list of temporary grants; compiled parts are shared. */
  withGrants(grants: readonly TemporaryGrant[]): Engine {
    return new Engine(this.index, this.now, checkGrants(this.index, grants));
  }

  /**
   * A judge bound to `member`, resolved once: what an enforcement point asks for each request.
   * The same judge is returned for the same member; a stranger's judge denies everything.
   */
  for(member: string): Judge {
    const cached = this.judges.get(member);
    if (cached) return cached;
    const judge = new Judge(this.source, member);
    // Strangers are not kept: the ids a caller sends must not grow the engine.
    if (judge.known) this.judges.set(member, judge);
    return judge;
  }

  /**
   * Builds every plan now (each member, object and action, and their field states), for a
   * server that prefers a slower start to a slow first request. Returns how many plans it built.
   */
  warm(): number {
    let built = 0;
    for (const memberId of this.index.members.keys()) {
      const member = this.memberPlan(memberId);
      if (!member) continue;
      for (const object of this.index.knownFields.keys()) {
        const plan = this.objectPlan(member, object);
        if (!plan) continue;
        for (const action of ACTIONS) {
          this.actionPlan(plan, action);
          this.fieldPlanOf(plan, action).statesFor(undefined);
          built++;
        }
      }
    }
    return built;
  }

  /** Member ids of the org, in policy order. */
  members(): readonly string[] {
    return [...this.index.members.keys()];
  }

  /** See `Judge.version`; -1 for a stranger. */
  planVersion(memberId: string): number {
    return this.memberPlan(memberId)?.version ?? -1;
  }

  /** Whether `id` is a member of the org (a lookup, not a copy of the list). */
  hasMember(id: string): boolean {
    return this.index.members.has(id);
  }

  /** Objects the policy knows, in policy order. */
  objects(): readonly string[] {
    return Object.keys(this.policy.objects);
  }

  /** Whether `member` may do `action` on `object` (on `record`, when given), and why. */
  decide(request: DecisionRequest): Decision {
    return this.for(request.member).decide(request.action, request.object, request.record);
  }

  /** The host filter selecting exactly the records `decide` allows. */
  filter(request: Omit<DecisionRequest, 'record'>): Condition {
    return this.for(request.member).filter(request.action, request.object);
  }

  /** See `Judge.fields`. */
  fieldStates(request: DecisionRequest): Readonly<Record<string, FieldState>> {
    return this.for(request.member).fields(request.action, request.object, request.record);
  }

  /** See `Judge.fieldFloor`. */
  fieldFloor(request: Omit<DecisionRequest, 'record'>): Readonly<Record<string, FieldState>> {
    return this.for(request.member).fieldFloor(request.action, request.object);
  }

  /** See `Judge.fieldState`. */
  fieldState(request: FieldRequest): FieldState {
    const { member, action, object, field, record } = request;
    return this.for(member).fieldState(action, object, field, record);
  }

  /** See `Judge.authorize`. */
  authorize(request: DecisionRequest): Authorization {
    return this.for(request.member).authorize(request.action, request.object, request.record);
  }

  /** See `Judge.explainField`. */
  explainField(request: FieldRequest): string {
    const { member, action, object, field, record } = request;
    return this.for(member).explainField(action, object, field, record);
  }

  /** See `Judge.project`. */
  project(request: {
    readonly member: string;
    readonly object: string;
    readonly record: Row;
  }): Record<string, unknown> | null {
    return this.for(request.member).project(request.object, request.record);
  }

  private memberPlan(memberId: string): MemberPlan | undefined {
    const cached = this.plans.get(memberId);
    const grants = this.grantsByMember.size === 0 ? undefined : this.grantsByMember.get(memberId);
    // Only members with grants depend on the clock; the others skip reading it.
    const now = grants ? this.now().getTime() : 0;
    if (cached && (!grants || (cached.validFrom <= now && now < cached.validUntil))) return cached;
    const member = this.index.members.get(memberId);
    if (!member) return undefined;
    const active = grants ? grants.filter((g) => grantActive(g, now)) : [];
    const window = grants ? grantWindow(grants, now) : { from: -Infinity, until: Infinity };
    const plan: MemberPlan = {
      memberId,
      version: ++this.planCount,
      sources: sourcesOf(this.policy, this.index.order, member, active),
      objects: [],
      timed: grants !== undefined,
      validFrom: window.from,
      validUntil: window.until,
    };
    this.plans.set(memberId, plan);
    return plan;
  }

  private objectPlan(member: MemberPlan, object: string): ObjectPlan | undefined {
    for (const cached of member.objects) if (cached.object === object) return cached;
    if (!this.index.knownFields.has(object)) return undefined;
    const plan: ObjectPlan = {
      object: internalized(object),
      memberId: member.memberId,
      sources: member.sources,
      actions: [],
      fields: [],
    };
    member.objects.push(plan);
    return plan;
  }

  private actionPlan(plan: ObjectPlan, action: Action): ActionPlan | undefined {
    const index = actionIndex(action);
    if (index < 0) return undefined;
    return (plan.actions[index] ??= buildActionPlan(
      this.index,
      plan.memberId,
      plan.sources,
      plan.object,
      action,
    ));
  }

  private fieldPlanOf(plan: ObjectPlan, action: Action): FieldPlan {
    const index = Math.max(0, actionIndex(action));
    const found = plan.fields[index];
    if (found) return found;
    // Without per-action field rules every action shares the read plan.
    const slot = this.index.fieldShape(plan.sources, plan.object).byAction ? index : 0;
    const built = (plan.fields[slot] ??= this.fieldPlan(plan, ACTIONS[slot] ?? 'read'));
    plan.fields[index] = built;
    return built;
  }

  /**
   * Field states depend on the sources, not on who holds them: members holding one role at one
   * tier, with no grant, share a plan (and its generated projectors), and so do the actions of
   * an object with no per-action field rules. A `when` that reads `$member` makes it the member's.
   */
  private fieldPlan(plan: ObjectPlan, action: Action): FieldPlan {
    const { sources, object, memberId } = plan;
    const known = this.index.knownFields.get(object) ?? ['id'];
    const shape = this.index.fieldShape(sources, object);
    const base = sources[0];
    const key =
      sources.length === 1 && base?.kind === 'role'
        ? [
            base.role,
            base.tier,
            object,
            shape.byAction ? action : '',
            shape.perMember ? memberId : '',
          ].join('\u0000')
        : undefined;
    const shared = key === undefined ? undefined : this.fieldPlans.get(key);
    if (shared) return shared;
    const built = buildFieldPlan({
      sources,
      object,
      order: this.index.order,
      knownFields: known,
      declared: this.policy.objects[object]?.fields !== undefined,
      action,
      resolve: shape.perMember
        ? (condition) => this.index.resolved(memberId, condition).condition
        : undefined,
      masks: this.index.code.masks,
    });
    if (key !== undefined) this.fieldPlans.set(key, built);
    return built;
  }
}

/**
 * The same text as a V8 internalized string (a property key is one): comparing two such strings
 * is a pointer comparison, where a string read from YAML would be compared character by character
 * on every decision.
 */
function internalized(text: string): string {
  return Object.keys({ [text]: true })[0] ?? text;
}

/**
 * Compiles a loaded policy. Throws `PolicyError` when a temporary grant names an unknown
 * member, role, tier or object.
 */
export function compilePolicy(policy: Policy, options: EngineOptions = {}): Engine {
  const index = indexPolicy(policy);
  return new Engine(
    index,
    options.now ?? (() => new Date()),
    checkGrants(index, options.grants ?? []),
  );
}
