/**
 * What compiling a policy computes once per policy version: the tier order, the org closures,
 * the members by id, the restrictions with their conditions compiled, and each object's known
 * fields. Member plans are built from this on first use and cached.
 */
import { buildOrg, type Org } from '../org/org.js';
import {
  compileCondition,
  compileReader,
  type CompiledCondition,
  type Condition,
  type PathReader,
} from './condition.js';
import type { Action, Member, Policy } from './schema.js';
import { tierOrder, type TierOrder } from './tier-map.js';

export interface CompiledRestriction {
  readonly id: string;
  readonly path: string;
  readonly objects: ReadonlySet<string>;
  readonly actions: ReadonlySet<Action>;
  readonly tierBelowIndex: number | undefined;
  readonly roles: ReadonlySet<string> | undefined;
  readonly members: ReadonlySet<string> | undefined;
  readonly where: Condition | undefined;
  readonly test: CompiledCondition | undefined;
}

export interface PolicyIndex {
  readonly policy: Policy;
  readonly order: TierOrder;
  readonly org: Org;
  readonly members: ReadonlyMap<string, Member>;
  readonly restrictions: readonly CompiledRestriction[];
  /** A condition of this policy, compiled once however many members' plans use it. */
  compiled(condition: Condition): CompiledCondition;
  /** Readers of each object's owner fields, compiled once. */
  readonly ownerReaders: ReadonlyMap<string, readonly PathReader[]>;
  /** Every field the policy or the data model names, per object (always with `id`). */
  readonly knownFields: ReadonlyMap<string, readonly string[]>;
}

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
  return {
    compiled,
    policy,
    order,
    org: buildOrg(policy.org.members, policy.org.teams),
    members: new Map(policy.org.members.map((m) => [m.id, m])),
    restrictions: policy.restrictions.map((r, i) => ({
      id: r.id,
      path: `restrictions[${i}]`,
      objects: new Set(r.objects),
      actions: new Set(r.actions),
      tierBelowIndex: r.tierBelow === undefined ? undefined : order.index.get(r.tierBelow),
      roles: r.roles && new Set(r.roles),
      members: r.members && new Set(r.members),
      where: r.where,
      test: r.where && compiled(r.where),
    })),
    knownFields: new Map(Object.keys(policy.objects).map((o) => [o, knownFieldsOf(policy, o)])),
    ownerReaders: new Map(
      Object.entries(policy.objects).map(([o, settings]) => [
        o,
        settings.owner.map((field) => compileReader(field.split('.'))),
      ]),
    ),
  };
}
