/**
 * What compiling a policy computes once per policy version: the tier order, the org closures,
 * the members by id, the restrictions with their conditions compiled, and each object's known
 * fields. Member plans are built from this on first use and cached.
 */
import { buildOrg, type Org } from '../org/org.js';
import { CodeTable, type PlanCode } from './code-table.js';
import {
  compileCondition,
  compileReader,
  type CompiledCondition,
  type Condition,
  type PathReader,
} from './condition.js';
import { hasActionRules } from './field-rules.js';
import {
  compileThreeValued,
  resolveCondition,
  usesMemberRefs,
  type MemberFacts,
} from './member-refs.js';
import type { Action, Member, Policy } from './schema.js';
import { memberTier, type Source } from './sources.js';
import { tierOrder, type TierOrder } from './tier-map.js';

export interface CompiledRestriction {
  readonly id: string;
  readonly path: string;
  readonly objects: ReadonlySet<string>;
  readonly actions: ReadonlySet<Action>;
  readonly tierBelowIndex: number | undefined;
  readonly roles: ReadonlySet<string> | undefined;
  readonly members: ReadonlySet<string> | undefined;
  /** As written, `$member` references and all: resolved per member when a plan is built. */
  readonly where: Condition | undefined;
}

/** A condition resolved for one member (see `resolveCondition`). */
export interface MemberCondition {
  /** The host filter of the records where it is TRUE. */
  readonly condition: Condition;
  /** The host filter of the records where it is FALSE. */
  readonly negation: Condition;
  /** Its three-valued test on a record. */
  readonly test: CompiledCondition;
}

export interface FieldShape {
  readonly byAction: boolean;
  readonly perMember: boolean;
}

export interface PolicyIndex {
  readonly policy: Policy;
  readonly order: TierOrder;
  readonly org: Org;
  readonly members: ReadonlyMap<string, Member>;
  readonly restrictions: readonly CompiledRestriction[];
  /** A condition of this policy, compiled once however many members' plans use it. */
  compiled(condition: Condition): CompiledCondition;
  /** A member's values for `$member` references (undefined for a stranger). */
  factsOf(memberId: string): MemberFacts | undefined;
  /**
   * A condition with the member's values in place of its `$member` references, compiled; the
   * same resolved condition is compiled once whichever members share it.
   */
  resolved(memberId: string, condition: Condition): MemberCondition;
  /** Whether field states on the object differ by action, or by member (a `when` reads `$member`). */
  fieldShape(sources: readonly Source[], object: string): FieldShape;
  /** Readers of each object's owner fields, compiled once. */
  readonly ownerReaders: ReadonlyMap<string, readonly PathReader[]>;
  /** Every field the policy or the data model names, per object (always with `id`). */
  readonly knownFields: ReadonlyMap<string, readonly string[]>;
  /** The generated checks of every plan (see code-table.ts). */
  readonly code: PlanCode;
}

const NO_FACTS: MemberFacts = {
  id: '',
  tier: '',
  teams: [],
  teamTree: [],
  reports: [],
  attributes: {},
};

function knownFieldsOf(policy: Policy, object: string): string[] {
  const fields = new Set<string>(['id']);
  for (const field of policy.objects[object]?.fields ?? [])
    fields.add(field.split('.')[0] as string);
  for (const field of policy.objects[object]?.owner ?? [])
    fields.add(field.split('.')[0] as string);
  for (const role of Object.values(policy.roles)) {
    for (const field of Object.keys(role.objects[object]?.fields ?? {})) {
      if (field !== 'default') fields.add(field.split('.')[0] as string);
    }
  }
  return [...fields];
}

/** Each member's values for `$member` references, computed on first use and kept. */
function memberFacts(
  policy: Policy,
  org: Org,
  members: ReadonlyMap<string, Member>,
): (memberId: string) => MemberFacts | undefined {
  const facts = new Map<string, MemberFacts>();
  return (memberId: string): MemberFacts | undefined => {
    let found = facts.get(memberId);
    const member = members.get(memberId);
    if (!found && member) {
      const teamTree = new Set<string>();
      for (const team of member.teams) for (const t of org.teamSubtree(team)) teamTree.add(t);
      found = {
        id: member.id,
        tier: memberTier(policy, member),
        teams: [...member.teams],
        teamTree: [...teamTree].sort(),
        reports: [...(org.closureOf(member.id)?.reports ?? [member.id])].sort(),
        attributes: member.attributes ?? {},
      };
      facts.set(memberId, found);
    }
    return found;
  };
}

/** Whether field states on an object differ by action or by member, per role, kept. */
function fieldShapes(policy: Policy): PolicyIndex['fieldShape'] {
  const shapes = new Map<string, FieldShape>();
  const roleShape = (role: string, object: string): FieldShape => {
    const key = `${role}\u0000${object}`;
    let found = shapes.get(key);
    if (!found) {
      const roleObjects = policy.roles[role]?.objects ?? {};
      const fields = Object.hasOwn(roleObjects, object) ? roleObjects[object]?.fields : undefined;
      found = {
        byAction: hasActionRules(fields),
        perMember: Object.values(fields ?? {}).some((rule) =>
          (rule.when ?? []).some((w) => usesMemberRefs(w.if)),
        ),
      };
      shapes.set(key, found);
    }
    return found;
  };
  return (sources: readonly Source[], object: string): FieldShape => {
    let byAction = false;
    let perMember = false;
    for (const source of sources) {
      if (source.kind !== 'role') continue;
      const shape = roleShape(source.role, object);
      byAction ||= shape.byAction;
      perMember ||= shape.perMember;
    }
    return { byAction, perMember };
  };
}

function compiledRestrictions(policy: Policy, order: TierOrder): CompiledRestriction[] {
  return policy.restrictions.map((r, i) => ({
    id: r.id,
    path: `restrictions[${i}]`,
    objects: new Set(r.objects),
    actions: new Set(r.actions),
    tierBelowIndex: r.tierBelow === undefined ? undefined : order.index.get(r.tierBelow),
    roles: r.roles && new Set(r.roles),
    members: r.members && new Set(r.members),
    where: r.where,
  }));
}

export function indexPolicy(policy: Policy): PolicyIndex {
  const order = tierOrder(policy.tiers.map((t) => t.id));
  // Keyed by identity: the conditions are the validated policy's own objects, never copied.
  const conditions = new WeakMap<Condition, CompiledCondition>();
  const compiled = (condition: Condition): CompiledCondition => {
    let found = conditions.get(condition);
    if (!found) {
      found = compileCondition(condition);
      conditions.set(condition, found);
    }
    return found;
  };
  const org = buildOrg(policy.org.members, policy.org.teams);
  const members = new Map(policy.org.members.map((m) => [m.id, m]));
  const factsOf = memberFacts(policy, org, members);
  const byText = new Map<string, CompiledCondition>();
  const resolved = (memberId: string, condition: Condition): MemberCondition => {
    // A stranger has no values: every reference is NULL.
    const found = resolveCondition(condition, factsOf(memberId) ?? NO_FACTS);
    if (found.whenTrue === condition)
      return { condition, negation: found.whenFalse, test: compiled(condition) };
    const key = JSON.stringify([found.whenTrue, found.plain ? null : found.whenFalse]);
    let test = byText.get(key);
    if (!test) {
      test = compileThreeValued(found);
      byText.set(key, test);
    }
    return { condition: found.whenTrue, negation: found.whenFalse, test };
  };
  return {
    compiled,
    fieldShape: fieldShapes(policy),
    factsOf,
    resolved,
    policy,
    order,
    org,
    members,
    restrictions: compiledRestrictions(policy, order),
    knownFields: new Map(Object.keys(policy.objects).map((o) => [o, knownFieldsOf(policy, o)])),
    code: {
      allows: new CodeTable('return false;'),
      masks: new CodeTable('return 0;'),
      lists: new CodeTable('return -1;'),
    },
    ownerReaders: new Map(
      Object.entries(policy.objects).map(([o, settings]) => [
        o,
        settings.owner.map((field) => compileReader(field.split('.'))),
      ]),
    ),
  };
}
