/**
 * What `decide` answers: a decision with its scope, host filter and reasons, and the denial every
 * refusal is built from. Decisions are frozen: callers share them.
 */
import type { Condition } from './condition.js';
import { MATCH_NONE } from './host-filter.js';
import type { Scope } from './schema.js';

/** The answer of `decide` (docs/policy.md §14). */
export interface Decision {
  readonly effect: 'allow' | 'deny';
  /** The widest scope granted; `none` when denied. */
  readonly scope: Scope;
  /** The record condition, when a single clause grants the action. */
  readonly where?: Condition;
  /** The host filter that selects exactly the records this decision allows. */
  readonly filter: Condition;
  /** Why: policy paths and, for a denial, what would allow it. */
  readonly reasons: readonly string[];
  /** Every clause that grants the action (several when grants add up). */
  readonly grants: readonly GrantedClause[];
}

export interface GrantedClause {
  readonly scope: Scope;
  readonly where?: Condition;
  /** Records a restriction removes from this grant. */
  readonly except?: readonly Condition[];
  readonly source: string;
}

/** A value built on its first use and kept. */
export function once<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function freezeDecision(decision: Decision): Decision {
  return Object.freeze({ ...decision, reasons: Object.freeze([...decision.reasons]) });
}

export function denial(reasons: readonly string[]): Decision {
  return freezeDecision({ effect: 'deny', scope: 'none', filter: MATCH_NONE, reasons, grants: [] });
}
