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
import { memberRefsOf } from '../policy/member-refs.js';
import { stepAt, type TierOrder } from '../policy/tier-map.js';
import type { DataModelSnapshot } from '../host/data-model.js';
import type { ViewerScopes } from '../twenty-app/viewers.js';

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

/** One scope of a tier-map value (a list's item, or the value itself). */
export interface ScopePart {
  readonly scope: Exclude<Scope, 'none'>;
  readonly where?: Condition | undefined;
  /** Its policy path: the value's, with `[i]` for an item of a list. */
  readonly path: string;
}

/**
 * A scoped action's value at a tier: the scopes whose union it reaches (`none` items left out),
 * none at all when nothing grants it or a restriction removes it.
 */
export interface ScopeAt {
  readonly parts: readonly ScopePart[];
  /** The policy path that supplied it (`roles.sales-rep.objects.opportunity.read.junior`). */
  readonly path: string;
}

export function isGranted(at: ScopeAt): boolean {
  return at.parts.length > 0;
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
  if (!step) return { parts: [], path: `${base}.${action}` };
  const path = `${base}.${action}.${step.key}`;
  const list = Array.isArray(step.value);
  const parts: ScopePart[] = [];
  scopeGrantsOf(step.value).forEach((grant, i) => {
    const { scope, where } = typeof grant === 'string' ? { scope: grant, where: undefined } : grant;
    if (scope === 'none') return;
    parts.push({ scope, where, path: list ? `${path}[${i}]` : path });
  });
  return { parts, path };
}

/** References a host role shares among its holders, or that one member field could give. */
const SHARED_REFS = new Set(['$member.id', '$member.tier']);

/**
 * Why Twenty cannot hold a condition that reads the member's org values; undefined when it reads
 * none (`$member.id` and `$member.tier` alone are simply not translated, as any `where`). A
 * row-level predicate compares a record field with a constant `value` or with ONE field of the
 * current workspace member (`workspaceMemberFieldMetadataId`: twentyhq/twenty
 * packages/twenty-server/src/engine/metadata-modules/row-level-permission-predicate/entities/
 * row-level-permission-predicate.entity.ts). Teams, team trees, reports and attributes are
 * resolved by Tiergate from the org (the policy, the tiergate* member fields falling back to it,
 * and closures over the team and manager trees), which no single member field holds.
 */
export function memberRefReason(condition: Condition | undefined): string | undefined {
  const all = condition === undefined ? [] : [...memberRefsOf(condition)];
  const refs = all.filter((ref) => !SHARED_REFS.has(ref)).sort();
  if (refs.length === 0) return undefined;
  const are = refs.length === 1 ? 'is' : 'are';
  return `${refs.join(', ')} ${are} resolved per member from Tiergate's org, which no single workspace member field holds, while Twenty compares a record field only with a constant or with one field of the current workspace member`;
}

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
    const refs = memberRefReason(r.where);
    ctx.duty(
      `restrictions[${i}]`,
      `${held.key}: ${r.id} denies ${action} on ${object}${to}${where}; a Twenty role holds for all its members and records alike${refs === undefined ? '' : ` (and ${refs})`}, so the gateway enforces it`,
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
  return removed(ctx, held, object, action, isGranted(at)) ? { parts: [], path: at.path } : at;
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
