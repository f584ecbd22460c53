/**
 * The access rules of the benchmark, written once in a neutral form. The Tiergate policy gets
 * them as sparse tier maps (inheritance by step function); CASL and casbin get them resolved
 * per tier; the hand-written baseline re-states them as if/else code. The agreement check then
 * proves that all four encode the same rules.
 */
import type { MaskKind } from '../src/index.js';

export const TIERS = ['intern', 'junior', 'intermediate', 'senior', 'director'] as const;
export type Tier = (typeof TIERS)[number];

export const ROLE = 'sales-rep';

export const BENCH_ACTIONS = ['read', 'update', 'delete', 'create', 'export'] as const;
export type BenchAction = (typeof BENCH_ACTIONS)[number];
export type ScopedAction = 'read' | 'update' | 'delete';
export type BooleanAction = 'create' | 'export';

/**
 * Owner scopes (`own`, `team`: the owner is in one of the member's teams, `reports`, `all`), and
 * `recordTeam`: the record's own `teamId` is one of the member's teams.
 */
export type ScopeName = 'own' | 'team' | 'reports' | 'all' | 'recordTeam';

/** A grant: a scope, optionally narrowed to records whose status is not CLOSED. */
export interface Grant {
  readonly scope: ScopeName;
  readonly openOnly: boolean;
}

/** As a policy writer writes it: a tier gets the value of the highest key at or below it. */
export type TierMap<V> = Partial<Readonly<Record<Tier, V>>>;

export const CLOSED = 'CLOSED';
export const STATUSES = ['NEW', 'QUALIFIED', 'PROPOSAL', 'CUSTOMER', CLOSED] as const;

const grant = (scope: ScopeName, openOnly = false): Grant => ({ scope, openOnly });

/** A tier's grants for an action; several are a union. */
export const SCOPE_RULES: Readonly<Record<ScopedAction, TierMap<readonly Grant[]>>> = {
  read: {
    intern: [grant('own', true)],
    junior: [grant('own'), grant('recordTeam')],
    intermediate: [grant('team'), grant('recordTeam')],
    senior: [grant('reports'), grant('recordTeam')],
    director: [grant('all')],
  },
  update: {
    junior: [grant('own')],
    intermediate: [grant('team')],
    senior: [grant('reports'), grant('recordTeam')],
    director: [grant('all')],
  },
  delete: { senior: [grant('own')], director: [grant('all')] },
};

export const BOOLEAN_RULES: Readonly<Record<BooleanAction, TierMap<boolean>>> = {
  create: { junior: true },
  export: { senior: true },
};

/** What a restriction tests on the record: its status is CLOSED, or it is locked. */
export type RestrictionTest = 'closed' | 'locked';

/** A deny that wins over every grant, for tiers below `below`, on records passing `test`. */
export interface RestrictionRule {
  readonly id: string;
  readonly actions: readonly BenchAction[];
  readonly below: Tier;
  readonly test: RestrictionTest;
}

export const RESTRICTIONS: readonly RestrictionRule[] = [
  { id: 'closed-frozen', actions: ['update', 'delete'], below: 'senior', test: 'closed' },
  { id: 'locked', actions: ['update', 'delete'], below: 'director', test: 'locked' },
];

/** Record field cap: below `CAP_BELOW`, the value field is hidden when it exceeds this. */
export const VALUE_CAP = 1_000_000;
export const CAP_BELOW: Tier = 'senior';

export type Level = 'hidden' | 'read' | 'edit' | { readonly mask: MaskKind };

/** How a field is protected. `plain` is the policy's `default`. */
export type FieldKind = 'plain' | 'value' | 'phone' | 'email' | 'notes' | 'account' | 'margin';

/** A field's tier map, and per action a map whose value wins at tiers where it has one. */
export interface FieldRule {
  readonly tiers: TierMap<Level>;
  readonly actions?: Partial<Readonly<Record<BenchAction, TierMap<Level>>>>;
}

export const FIELD_RULES: Readonly<Record<FieldKind, FieldRule>> = {
  plain: { tiers: { intern: 'read', junior: 'edit' } },
  value: {
    tiers: { junior: 'read', senior: 'edit' },
    actions: { update: { intermediate: 'edit' } },
  },
  phone: {
    tiers: { intern: 'hidden', junior: { mask: 'last4' }, intermediate: 'read', senior: 'edit' },
  },
  email: { tiers: { intern: { mask: 'email-domain' }, junior: 'read', senior: 'edit' } },
  notes: { tiers: { senior: 'read', director: 'edit' }, actions: { export: { intern: 'hidden' } } },
  account: { tiers: { intermediate: { mask: 'redact' }, senior: { mask: 'last4' } } },
  margin: {
    tiers: { intermediate: 'read', director: 'edit' },
    actions: { export: { intern: 'hidden', director: 'read' } },
  },
};

export function tierIndex(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** The step function of a tier map (written independently of the engine's). */
export function stepAt<V>(map: TierMap<V> | undefined, tier: Tier): V | undefined {
  if (map === undefined) return undefined;
  for (let i = tierIndex(tier); i >= 0; i--) {
    const value = map[TIERS[i] as Tier];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Does the value cap apply to a member of this tier? */
export function capApplies(tier: Tier): boolean {
  return tierIndex(tier) < tierIndex(CAP_BELOW);
}

/** The resolved level of a field kind for an action at a tier (hidden below the lowest key). */
export function levelAt(kind: FieldKind, tier: Tier, action: BenchAction): Level {
  const rule = FIELD_RULES[kind];
  return stepAt(rule.actions?.[action], tier) ?? stepAt(rule.tiers, tier) ?? 'hidden';
}

/** The restrictions that bind a member of this tier for this action. */
export function restrictionsAt(tier: Tier, action: BenchAction): RestrictionRule[] {
  return RESTRICTIONS.filter(
    (r) => r.actions.includes(action) && tierIndex(tier) < tierIndex(r.below),
  );
}

/** Which field states a permitted-field list holds: `edit` for writes, any visible otherwise. */
export function listsEditOnly(action: BenchAction): boolean {
  return action === 'update' || action === 'create';
}
