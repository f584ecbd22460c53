/**
 * Where a member's access comes from: its role at its tier, plus each active temporary grant.
 * Access is the union of the sources (docs/policy.md §14); restrictions then remove.
 */
import type { Condition } from './condition.js';
import type { ParsedGrant } from './grants.js';
import type { Action, FieldStateValue, Member, ObjectRules, Policy, Scope } from './schema.js';
import type { TierOrder } from './tier-map.js';

/** A role held at a tier, by the member's assignment or by a grant. */
export interface RoleSource {
  readonly kind: 'role';
  readonly role: string;
  readonly tier: string;
  readonly tierIndex: number;
  /** Where its rules are cited from: `roles.sales-rep`. */
  readonly path: string;
  /** Set when the source is a temporary grant. */
  readonly grant?: ParsedGrant;
  readonly objects: Readonly<Record<string, ObjectRules>>;
}

/** One action on one object, granted until it expires. */
export interface ObjectGrantSource {
  readonly kind: 'object';
  readonly object: string;
  readonly action: Action;
  readonly scope: Scope;
  readonly where?: Condition | undefined;
  /** The member's own tier, for restrictions that depend on it. */
  readonly tierIndex: number;
  readonly role: string;
  readonly path: string;
  readonly grant: ParsedGrant;
  readonly fields: Readonly<Record<string, FieldStateValue>>;
}

export type Source = RoleSource | ObjectGrantSource;

export function memberTier(policy: Policy, member: Member): string {
  // Validation guarantees one of the two; the first tier is the fail-closed fallback.
  return member.tier ?? policy.roles[member.role]?.defaultTier ?? (policy.tiers[0]?.id as string);
}

function toTime(instant: Date | string | undefined): number | undefined {
  if (instant === undefined) return undefined;
  return (instant instanceof Date ? instant : new Date(instant)).getTime();
}

/** Is a grant in force at `now` (ms)? It starts at `startsAt` and ends before `expiresAt`. */
export function grantActive(grant: ParsedGrant, now: number): boolean {
  const starts = toTime(grant.startsAt);
  return (starts === undefined || starts <= now) && now < (toTime(grant.expiresAt) as number);
}

/**
 * The interval around `now` in which the set of active grants stays the same: from the last
 * start or expiry at or before `now` to the next one after it. A plan built at `now` holds for
 * exactly that interval, whichever way the clock moves.
 */
export function grantWindow(
  grants: readonly ParsedGrant[],
  now: number,
): { readonly from: number; readonly until: number } {
  let from = -Infinity;
  let until = Infinity;
  for (const grant of grants) {
    for (const at of [toTime(grant.startsAt), toTime(grant.expiresAt)]) {
      if (at === undefined) continue;
      if (at <= now && at > from) from = at;
      if (at > now && at < until) until = at;
    }
  }
  return { from, until };
}

/** A grant's default field states when it names none: a read grant reads, an update grant edits. */
function grantFields(grant: ParsedGrant): Readonly<Record<string, FieldStateValue>> {
  if (grant.fields) return grant.fields;
  if (grant.action === 'read') return { default: 'read' };
  if (grant.action === 'update') return { default: 'edit' };
  return {};
}

export function sourcesOf(
  policy: Policy,
  order: TierOrder,
  member: Member,
  activeGrants: readonly ParsedGrant[],
): Source[] {
  const ownTier = memberTier(policy, member);
  const ownIndex = order.index.get(ownTier) ?? 0;
  const roleSource = (role: string, tier: string, grant?: ParsedGrant): RoleSource => ({
    kind: 'role',
    role,
    tier,
    tierIndex: order.index.get(tier) ?? 0,
    path: grant ? `grants.${grant.id}` : `roles.${role}`,
    ...(grant ? { grant } : {}),
    objects: policy.roles[role]?.objects ?? {},
  });
  const sources: Source[] = [roleSource(member.role, ownTier)];
  for (const grant of activeGrants) {
    if (grant.object !== undefined && grant.action !== undefined) {
      const boolAction = grant.action === 'create' || grant.action === 'export';
      sources.push({
        kind: 'object',
        object: grant.object,
        action: grant.action,
        scope: boolAction ? 'all' : (grant.scope ?? 'none'),
        where: grant.where,
        tierIndex: ownIndex,
        role: member.role,
        path: `grants.${grant.id}`,
        grant,
        fields: grantFields(grant),
      });
    } else if (grant.role !== undefined) {
      const tier = grant.tier ?? policy.roles[grant.role]?.defaultTier ?? ownTier;
      sources.push(roleSource(grant.role, tier, grant));
    } else if (grant.tier !== undefined) {
      sources.push(roleSource(member.role, grant.tier, grant));
    }
  }
  return sources;
}

/** How a source reads in a reason: `role sales-rep at tier junior`, `grant g1 (expires …)`. */
export function describeSource(source: Source): string {
  const expiry = source.grant
    ? ` (grant ${source.grant.id}, expires ${new Date(source.grant.expiresAt).toISOString()})`
    : '';
  if (source.kind === 'object') return `${source.action} on ${source.object}${expiry}`;
  return `role ${source.role} at tier ${source.tier}${expiry}`;
}
