/**
 * What one host role (a policy role held at one tier) is granted on one object, before it is
 * encoded for Twenty: each action's step value at the tier (POLICY.md §2 "Tier maps"), with the
 * restrictions that hold for every member of the host role already applied.
 *
 * Restrictions match on the member's role and tier (`tierBelow`, `roles`), which every holder of
 * a host role shares, so such a restriction removes the permission natively. A restriction that
 * names `members` holds for the listed holders only (and not at all for a host role none of them
 * holds), and one with `where` for some records only: the permission stays and the gateway
 * enforces the restriction (a duty). Choice: a `members`
 * restriction is never encoded natively even when it happens to name every holder, so that the
 * host role does not change when someone joins or leaves it.
 */
import type { Condition } from '../policy/condition.js';
import { describeCondition } from '../policy/describe.js';
import {
  scopeGrantsOf,
  type Action,
  type ObjectRules,
  type Policy,
  type Restriction,
  type Scope,
} from '../policy/schema.js';
import { stepAt, type TierOrder } from '../policy/tier-map.js';
import type { DataModelSnapshot } from '../host/data-model.js';

/** A policy role at one tier: one host role. */
export interface HeldRole {
  readonly role: string;
  readonly tier: string;
  readonly tierIndex: number;
  /** `sales-rep@junior`. */
  readonly key: string;
  /** The ids of the policy members who hold it. */
  readonly members: readonly string[];
}

/** Shared by the compile steps: the inputs and where duties and problems are collected. */
export interface CompileContext {
  readonly policy: Policy;
  readonly order: TierOrder;
  readonly model: DataModelSnapshot;
  readonly rlsEntitled: boolean;
  duty(path: string, reason: string): void;
  problem(path: string, message: string): void;
  /** A host role's predicates on an object test the helper field: these scopes fill it. */
  viewers(scopes: ViewerScopes): void;
}

/**
 * What `tiergateViewers` must hold on one object for one host role: the role's members are
 * viewers of every record owned within the union of these scopes around them.
 */
export interface ViewerScopes {
  readonly roleKey: string;
  readonly object: string;
  readonly scopes: readonly ('own' | 'reports' | 'team' | 'teamTree')[];
}

/** A scoped action's value at a tier; `none` when nothing grants it or a restriction removes it. */
export interface ScopeAt {
  readonly scope: Scope;
  readonly where?: Condition | undefined;
  /** The policy path that supplied it (`roles.sales-rep.objects.opportunity.read.junior`). */
  readonly path: string;
}

export interface ObjectGrants {
  readonly read: ScopeAt;
  readonly update: ScopeAt;
  readonly delete: ScopeAt;
  readonly destroy: ScopeAt;
  readonly create: boolean;
  readonly export: boolean;
  /** `roles.<role>.objects.<object>`. */
  readonly base: string;
  readonly rules: ObjectRules | undefined;
}

export const SCOPE_ACTIONS = ['read', 'update', 'delete', 'destroy'] as const;
export type ScopeAction = (typeof SCOPE_ACTIONS)[number];

export function rulesOf(policy: Policy, role: string, object: string): ObjectRules | undefined {
  const objects = policy.roles[role]?.objects ?? {};
  return Object.hasOwn(objects, object) ? objects[object] : undefined;
}

function scopeAt(
  ctx: CompileContext,
  held: HeldRole,
  rules: ObjectRules | undefined,
  action: ScopeAction,
  base: string,
): ScopeAt {
  const step = stepAt(rules?.[action], held.tierIndex, ctx.order);
  if (!step) return { scope: 'none', path: `${base}.${action}` };
  const path = `${base}.${action}.${step.key}`;
  const grants = scopeGrantsOf(step.value).map((g) =>
    typeof g === 'string' ? { scope: g, where: undefined } : g,
  );
  if (grants.length === 1) {
    const only = grants[0] as { scope: Scope; where?: Condition | undefined };
    return { scope: only.scope, where: only.where, path };
  }
  // A union: natively the widest of its scopes, with its conditions left to the gateway.
  const widest = grants.reduce((a, b) => (BREADTH[b.scope] > BREADTH[a.scope] ? b : a));
  const where = grants.find((g) => g.where !== undefined)?.where;
  return { scope: widest.scope, where, path };
}

const BREADTH: Readonly<Record<Scope, number>> = {
  none: 0,
  own: 1,
  team: 2,
  reports: 3,
  teamTree: 4,
  all: 5,
};

function flagAt(
  ctx: CompileContext,
  held: HeldRole,
  rules: ObjectRules | undefined,
  action: 'create' | 'export',
): boolean {
  return stepAt(rules?.[action], held.tierIndex, ctx.order)?.value === true;
}

type Reach = 'none' | 'all' | 'partial';

/** Does the restriction hold for every holder of the host role, some of them, or none? */
function reachOf(
  ctx: CompileContext,
  r: Restriction,
  held: HeldRole,
  object: string,
  action: Action,
): Reach {
  if (!r.objects.includes(object) || !r.actions.includes(action)) return 'none';
  // As the engine: an unknown `tierBelow` (rejected by validation) does not narrow.
  const below = r.tierBelow === undefined ? undefined : ctx.order.index.get(r.tierBelow);
  if (below !== undefined && held.tierIndex >= below) return 'none';
  if (r.roles !== undefined && !r.roles.includes(held.role)) return 'none';
  if (r.members !== undefined && !held.members.some((m) => r.members?.includes(m))) return 'none';
  return r.members !== undefined || r.where !== undefined ? 'partial' : 'all';
}

/**
 * Whether the restrictions remove `action` for the whole host role; a partial one adds a duty
 * (only when the action is granted: there is nothing to restrict otherwise).
 */
function removed(
  ctx: CompileContext,
  held: HeldRole,
  object: string,
  action: Action,
  granted: boolean,
): boolean {
  if (!granted) return false;
  const reaches = ctx.policy.restrictions.map((r) => reachOf(ctx, r, held, object, action));
  if (reaches.includes('all')) return true;
  reaches.forEach((reach, i) => {
    const r = ctx.policy.restrictions[i];
    if (reach !== 'partial' || r === undefined) return;
    const to = r.members !== undefined ? ` to ${r.members.join(', ')}` : '';
    const where = r.where !== undefined ? ` where ${describeCondition(r.where)}` : '';
    ctx.duty(
      `restrictions[${i}]`,
      `${held.key}: ${r.id} denies ${action} on ${object}${to}${where}; a Twenty role holds for all its members and records alike, so the gateway enforces it`,
    );
  });
  return false;
}

function restrictScope(
  ctx: CompileContext,
  held: HeldRole,
  object: string,
  action: ScopeAction,
  at: ScopeAt,
): ScopeAt {
  return removed(ctx, held, object, action, at.scope !== 'none')
    ? { scope: 'none', path: at.path }
    : at;
}

/** The host role's grants on `object`, restrictions applied. */
export function grantsAt(ctx: CompileContext, held: HeldRole, object: string): ObjectGrants {
  const rules = rulesOf(ctx.policy, held.role, object);
  const base = `roles.${held.role}.objects.${object}`;
  const scoped = (action: ScopeAction) =>
    restrictScope(ctx, held, object, action, scopeAt(ctx, held, rules, action, base));
  const flag = (action: 'create' | 'export') => {
    const granted = flagAt(ctx, held, rules, action);
    return granted && !removed(ctx, held, object, action, granted);
  };
  return {
    read: scoped('read'),
    update: scoped('update'),
    delete: scoped('delete'),
    destroy: scoped('destroy'),
    create: flag('create'),
    export: flag('export'),
    base,
    rules,
  };
}
