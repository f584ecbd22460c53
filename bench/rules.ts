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

export type ScopeName = 'own' | 'team' | 'reports' | 'all';

/** A read grant: a scope, optionally narrowed to records whose status is not CLOSED. */
export interface ReadGrant {
  readonly scope: ScopeName;
  readonly openOnly: boolean;
}

/** As a policy writer writes it: a tier gets the value of the highest key at or below it. */
export type TierMap<V> = Partial<Readonly<Record<Tier, V>>>;

export const CLOSED = 'CLOSED';
export const STATUSES = ['NEW', 'QUALIFIED', 'PROPOSAL', 'CUSTOMER', CLOSED] as const;

/** Record condition 1: interns and juniors read their own records, open ones only. */
export const READ_RULE: TierMap<ReadGrant> = {
  intern: { scope: 'own', openOnly: true },
  intermediate: { scope: 'team', openOnly: false },
  senior: { scope: 'reports', openOnly: false },
  director: { scope: 'all', openOnly: false },
};

/** Record condition 2: below `CAP_BELOW`, the value field is hidden when it exceeds this. */
export const VALUE_CAP = 1_000_000;
export const CAP_BELOW: Tier = 'senior';

export type Level = 'hidden' | 'read' | 'edit' | { readonly mask: MaskKind };

/** How a field is protected. `plain` is the policy's `default`. */
export type FieldKind = 'plain' | 'value' | 'phone' | 'email' | 'notes' | 'account' | 'margin';

export const FIELD_RULES: Readonly<Record<FieldKind, TierMap<Level>>> = {
  plain: { intern: 'read', intermediate: 'edit' },
  value: { junior: 'read', senior: 'edit' },
  phone: { intern: 'hidden', junior: { mask: 'last4' }, intermediate: 'read', senior: 'edit' },
  email: { intern: { mask: 'email-domain' }, junior: 'read', senior: 'edit' },
  notes: { senior: 'read', director: 'edit' },
  account: { intermediate: { mask: 'redact' }, senior: { mask: 'last4' } },
  margin: { intermediate: 'read', director: 'edit' },
};

export function tierIndex(tier: Tier): number {
  return TIERS.indexOf(tier);
}

/** The step function of a tier map (written independently of the engine's). */
export function stepAt<V>(map: TierMap<V>, tier: Tier): V | undefined {
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

/** The resolved level of a field kind at a tier (hidden below the lowest key). */
export function levelAt(kind: FieldKind, tier: Tier): Level {
  return stepAt(FIELD_RULES[kind], tier) ?? 'hidden';
}
