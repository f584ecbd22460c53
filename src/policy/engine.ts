/**
 * The engine: a compiled policy that answers, with no I/O and an injected clock (POLICY.md §5).
 * Plans per (member, object) are built on first use and cached for the engine's life; a member
 * with temporary grants has its plans rebuilt when a grant starts or expires.
 */
import {
  buildActionPlan,
  decideRecord,
  denial,
  type ActionPlan,
  type Decision,
} from './action-plan.js';
import type { Condition } from './condition.js';
import { stateOf } from './field-state.js';
import { buildFieldPlan, type FieldPlan } from './field-plan.js';
import { checkGrants, type ParsedGrant, type TemporaryGrant } from './grants.js';
import { indexPolicy, type PolicyIndex } from './policy-index.js';
import { ACTIONS, type Action, type FieldState, type Policy } from './schema.js';
import { grantActive, grantWindow, sourcesOf, type Source } from './sources.js';

export type { Decision, GrantedClause } from './action-plan.js';

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

/** A decision with the field states that go with it. */
export interface Authorization {
  readonly decision: Decision;
  readonly fields: Readonly<Record<string, FieldState>>;
}

export interface FieldRequest extends DecisionRequest {
  readonly field: string;
}

interface ObjectPlan {
  readonly object: string;
  readonly memberId: string;
  readonly sources: readonly Source[];
  /** Built on first use, by action index. */
  readonly actions: (ActionPlan | undefined)[];
  readonly fields: FieldPlan;
}

/** An action's index in ACTIONS; a switch beats a Map lookup on the decision path. */
function actionIndex(action: string): number {
  switch (action) {
    case 'read':
      return 0;
    case 'create':
      return 1;
    case 'update':
      return 2;
    case 'delete':
      return 3;
    case 'destroy':
      return 4;
    case 'export':
      return 5;
    default:
      return -1;
  }
}

interface MemberPlan {
  /** Changes whenever the plan is rebuilt (a temporary grant started or ended). */
  readonly version: number;
  readonly sources: readonly Source[];
  /** A handful per member: a scan by identity beats hashing the name. */
  readonly objects: ObjectPlan[];
  /** The clock interval (ms) in which the member's active grants are these; unbounded without grants. */
  readonly validFrom: number;
  readonly validUntil: number;
}

export class Engine {
  readonly policy: Policy;
  private readonly index: PolicyIndex;
  private readonly now: () => Date;
  private readonly grantsByMember: ReadonlyMap<string, readonly ParsedGrant[]>;
  private readonly plans = new Map<string, MemberPlan>();
  private readonly fieldPlans = new Map<string, FieldPlan>();
  private planCount = 0;

  /** Use `compilePolicy`. */
  constructor(index: PolicyIndex, now: () => Date, grants: readonly ParsedGrant[]) {
    this.policy = index.policy;
    this.index = index;
    this.now = now;
    const byMember = new Map<string, ParsedGrant[]>();
    for (const grant of grants)
      byMember.set(grant.member, [...(byMember.get(grant.member) ?? []), grant]);
    this.grantsByMember = byMember;
  }

  /** The same policy with another list of temporary grants; compiled parts are shared. */
  withGrants(grants: readonly TemporaryGrant[]): Engine {
    return new Engine(this.index, this.now, checkGrants(this.index, grants));
  }

  /** Member ids of the org, in policy order. */
  members(): readonly string[] {
    return [...this.index.members.keys()];
  }

  /**
   * A number that changes whenever the member's decisions may have (a temporary grant started
   * or ended): what an enforcement point keys anything it keeps per member by. -1 for a
   * stranger.
   */
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
    const plan = this.objectPlan(request.member, request.object);
    return plan ? this.decideIn(plan, request) : this.unknown(request);
  }

  /** The decision once the member's plan for the object is at hand. */
  private decideIn(plan: ObjectPlan, request: DecisionRequest): Decision {
    const action = this.actionPlan(plan, request.action);
    if (!action)
      return denial([`unknown-action: "${request.action}" is not one of ${ACTIONS.join(', ')}`]);
    return request.record === undefined ? action.decision : decideRecord(action, request.record);
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

  /** The host filter selecting exactly the records `decide` allows. */
  filter(request: Omit<DecisionRequest, 'record'>): Condition {
    return this.decide({ member: request.member, object: request.object, action: request.action })
      .filter;
  }

  /**
   * Field states for the request: every field the policy or data model names. With a record,
   * its `when` rules apply; when the action is denied, every field is hidden.
   */
  fieldStates(request: DecisionRequest): Readonly<Record<string, FieldState>> {
    const plan = this.objectPlan(request.member, request.object);
    if (!plan) return {};
    if (this.decideIn(plan, request).effect === 'deny') return plan.fields.hidden;
    return plan.fields.statesFor(request.record);
  }

  /**
   * The field states that hold for every record the member may act on (each `when` cap
   * applied): what the member may filter, sort, group or aggregate by without learning a value
   * a cap withholds on some record. Every field is hidden when the action is denied.
   */
  fieldFloor(request: Omit<DecisionRequest, 'record'>): Readonly<Record<string, FieldState>> {
    const plan = this.objectPlan(request.member, request.object);
    if (!plan) return {};
    if (this.decideIn(plan, request).effect === 'deny') return plan.fields.hidden;
    return plan.fields.floor;
  }

  /** One field's state, including fields the policy does not name (they take `default`). */
  fieldState(request: FieldRequest): FieldState {
    const plan = this.objectPlan(request.member, request.object);
    if (!plan || this.decideIn(plan, request).effect === 'deny') return 'hidden';
    // Known fields are in the outcome's table; others take `default` (or follow their field).
    const states = plan.fields.statesFor(request.record);
    return Object.hasOwn(states, request.field)
      ? (states[request.field] as FieldState)
      : stateOf(plan.fields.codeFor(request.field, request.record));
  }

  /**
   * The decision and the field states in one call, with one lookup and one evaluation of the
   * record: what an enforcement point needs for each record it passes on.
   */
  authorize(request: DecisionRequest): Authorization {
    const plan = this.objectPlan(request.member, request.object);
    if (!plan) return { decision: this.unknown(request), fields: {} };
    const decision = this.decideIn(plan, request);
    const fields =
      decision.effect === 'deny' ? plan.fields.hidden : plan.fields.statesFor(request.record);
    return { decision, fields };
  }

  /** Why a field has its state: the policy path that sets it. */
  explainField(request: FieldRequest): string {
    const plan = this.objectPlan(request.member, request.object);
    if (!plan) return `no-rule: ${request.field} hidden`;
    if (this.decideIn(plan, request).effect === 'deny')
      return `denied: ${request.field} hidden because ${request.action} is denied`;
    return plan.fields.reasonFor(request.field, request.record);
  }

  /** The record as the member may read it (hidden fields absent, masks applied); null if not readable. */
  project(request: {
    readonly member: string;
    readonly object: string;
    readonly record: Row;
  }): Record<string, unknown> | null {
    const plan = this.objectPlan(request.member, request.object);
    const read = plan && this.actionPlan(plan, 'read');
    if (!plan || !read || decideRecord(read, request.record).effect === 'deny') return null;
    return plan.fields.project(request.record);
  }

  private unknown(request: DecisionRequest): Decision {
    if (!this.index.members.has(request.member)) {
      return denial([`unknown-member: "${request.member}" is not a member of the org`]);
    }
    return denial([`unknown-object: "${request.object}" is not an object of the policy`]);
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
      version: ++this.planCount,
      sources: sourcesOf(this.policy, this.index.order, member, active),
      objects: [],
      validFrom: window.from,
      validUntil: window.until,
    };
    this.plans.set(memberId, plan);
    return plan;
  }

  private objectPlan(memberId: string, object: string): ObjectPlan | undefined {
    const member = this.memberPlan(memberId);
    if (!member) return undefined;
    for (const cached of member.objects) if (cached.object === object) return cached;
    const known = this.index.knownFields.get(object);
    if (!known) return undefined;
    const plan: ObjectPlan = {
      object,
      memberId,
      sources: member.sources,
      actions: [],
      fields: this.fieldPlan(member.sources, object, known),
    };
    member.objects.push(plan);
    return plan;
  }

  /**
   * Field states depend only on the sources, not on who holds them: members holding one role
   * at one tier, with no grant, share a plan (and its generated projectors).
   */
  private fieldPlan(
    sources: readonly Source[],
    object: string,
    known: readonly string[],
  ): FieldPlan {
    const base = sources[0];
    const key =
      sources.length === 1 && base?.kind === 'role'
        ? `${base.role}\u0000${base.tier}\u0000${object}`
        : undefined;
    const shared = key === undefined ? undefined : this.fieldPlans.get(key);
    if (shared) return shared;
    const declared = this.policy.objects[object]?.fields !== undefined;
    const plan = buildFieldPlan(sources, object, this.index.order, known, declared);
    if (key !== undefined) this.fieldPlans.set(key, plan);
    return plan;
  }
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
