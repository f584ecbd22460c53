/**
 * The hand-written baseline: the benchmark's rules re-stated as plain if/else code over
 * per-member closure sets and per-tier state tables, the way one would write them without a
 * policy engine. It shares nothing with the rule tables the other engines are generated from,
 * so the agreement check also checks those tables.
 */
import { applyMask, type MaskKind } from '../../src/index.js';
import { OBJECTS, kindOf, type ObjectName, type ObjectSpec } from '../model.js';
import { CLOSED, TIERS, VALUE_CAP, type FieldKind } from '../rules.js';
import type { Closure, MemberSpec, Request, Row, Triple } from '../workload.js';
import type { BenchEngine, FieldState, Projection, RecordDecision } from './types.js';

const JUNIOR = 1;
const INTERMEDIATE = 2;
const SENIOR = 3;
const DIRECTOR = 4;

function stateOf(kind: FieldKind | 'id', tier: number): FieldState {
  switch (kind) {
    case 'id':
      return 'read';
    case 'plain':
      return tier >= INTERMEDIATE ? 'edit' : 'read';
    case 'value':
      return tier >= SENIOR ? 'edit' : tier >= JUNIOR ? 'read' : 'hidden';
    case 'phone':
      if (tier >= SENIOR) return 'edit';
      return tier >= INTERMEDIATE ? 'read' : tier >= JUNIOR ? 'masked' : 'hidden';
    case 'email':
      return tier >= SENIOR ? 'edit' : tier >= JUNIOR ? 'read' : 'masked';
    case 'notes':
      return tier >= DIRECTOR ? 'edit' : tier >= SENIOR ? 'read' : 'hidden';
    case 'account':
      return tier >= INTERMEDIATE ? 'masked' : 'hidden';
    case 'margin':
      return tier >= DIRECTOR ? 'edit' : tier >= INTERMEDIATE ? 'read' : 'hidden';
  }
}

function maskOf(kind: FieldKind | 'id', tier: number): MaskKind {
  if (kind === 'phone') return 'last4';
  if (kind === 'email') return 'email-domain';
  return tier >= SENIOR ? 'last4' : 'redact';
}

interface VisibleField {
  readonly name: string;
  readonly mask: MaskKind | undefined;
  readonly capped: boolean;
}

/** Everything about one object for one tier, computed once. */
interface TierTables {
  readonly spec: ObjectSpec;
  readonly capApplies: boolean;
  readonly states: Readonly<Record<string, FieldState>>;
  readonly cappedStates: Readonly<Record<string, FieldState>>;
  readonly hidden: Readonly<Record<string, FieldState>>;
  readonly visible: readonly VisibleField[];
}

interface MemberTables {
  readonly id: string;
  readonly tier: number;
  readonly closure: Closure;
  readonly objects: ReadonlyMap<ObjectName, TierTables>;
}

function tierTables(spec: ObjectSpec, tier: number): TierTables {
  const states: Record<string, FieldState> = {};
  const hidden: Record<string, FieldState> = {};
  const visible: VisibleField[] = [];
  for (const field of spec.fields) {
    const kind = kindOf(spec, field);
    const state = stateOf(kind, tier);
    states[field] = state;
    hidden[field] = 'hidden';
    const mask = state === 'masked' ? maskOf(kind, tier) : undefined;
    if (state !== 'hidden') visible.push({ name: field, mask, capped: field === spec.value });
  }
  const capApplies = tier < SENIOR;
  return {
    spec,
    capApplies,
    states: Object.freeze(states),
    cappedStates: Object.freeze({ ...states, [spec.value]: 'hidden' }),
    hidden: Object.freeze(hidden),
    visible: capApplies ? visible : visible.map((f) => ({ ...f, capped: false })),
  };
}

export function compileBaseline(
  members: readonly MemberSpec[],
  closures: ReadonlyMap<string, Closure>,
): ReadonlyMap<string, MemberTables> {
  const perTier = TIERS.map(
    (_, tier) => new Map(OBJECTS.map((s) => [s.name, tierTables(s, tier)])),
  );
  const tables = new Map<string, MemberTables>();
  for (const m of members) {
    const tier = TIERS.indexOf(m.tier);
    const closure = closures.get(m.id);
    const objects = perTier[tier];
    if (!closure || !objects) throw new Error(`no closure for ${m.id}`);
    tables.set(m.id, { id: m.id, tier, closure, objects });
  }
  return tables;
}

function canRead(m: MemberTables, spec: ObjectSpec, record: Row): boolean {
  if (m.tier >= DIRECTOR) return true;
  const owner = record[spec.owner];
  if (typeof owner !== 'string') return false;
  if (m.tier >= SENIOR) return m.closure.reports.has(owner);
  if (m.tier >= INTERMEDIATE) return m.closure.team.has(owner);
  const status = record[spec.status];
  return owner === m.id && status !== null && status !== undefined && status !== CLOSED;
}

function isCapped(t: TierTables, record: Row): boolean {
  const value = record[t.spec.value];
  return t.capApplies && typeof value === 'number' && value > VALUE_CAP;
}

function decide(m: MemberTables, t: TierTables, record: Row): RecordDecision {
  if (!canRead(m, t.spec, record)) return { read: false, states: t.hidden };
  return { read: true, states: isCapped(t, record) ? t.cappedStates : t.states };
}

function project(m: MemberTables, t: TierTables, record: Row): Projection | null {
  if (!canRead(m, t.spec, record)) return null;
  const capped = isCapped(t, record);
  const out: Projection = {};
  for (const f of t.visible) {
    if (f.capped && capped) continue;
    const value = record[f.name];
    out[f.name] = f.mask === undefined ? value : applyMask(f.mask, value);
  }
  return out;
}

export function baselineEngine(tables: ReadonlyMap<string, MemberTables>): BenchEngine {
  const memberOf = (member: string): MemberTables => {
    const m = tables.get(member);
    if (!m) throw new Error(`unknown member ${member}`);
    return m;
  };
  const objectOf = (m: MemberTables, object: ObjectName): TierTables => {
    const t = m.objects.get(object);
    if (!t) throw new Error(`unknown object ${object}`);
    return t;
  };
  return {
    name: 'baseline',
    canRead(member, object, record) {
      const m = memberOf(member);
      const t = objectOf(m, object);
      return canRead(m, t.spec, record);
    },
    fieldState(member, object, record, field) {
      const m = memberOf(member);
      const t = objectOf(m, object);
      return decide(m, t, record).states[field] ?? 'hidden';
    },
    decision(member, object, record) {
      const m = memberOf(member);
      const t = objectOf(m, object);
      return decide(m, t, record);
    },
    project(member, object, record) {
      const m = memberOf(member);
      const t = objectOf(m, object);
      return project(m, t, record);
    },
    readAll(requests: readonly Request[]): number {
      let allowed = 0;
      for (const r of requests) {
        const m = memberOf(r.member);
        const t = objectOf(m, r.object);
        if (canRead(m, t.spec, r.record)) allowed++;
      }
      return allowed;
    },
    fieldAll(triples: readonly Triple[]): number {
      let visible = 0;
      for (const r of triples) {
        const m = memberOf(r.member);
        const t = objectOf(m, r.object);
        if ((decide(m, t, r.record).states[r.field] ?? 'hidden') !== 'hidden') visible++;
      }
      return visible;
    },
    decisionAll(requests: readonly Request[]): number {
      let sum = 0;
      for (const r of requests) {
        const m = memberOf(r.member);
        const t = objectOf(m, r.object);
        const d = decide(m, t, r.record);
        if (d.read && d.states.id !== 'hidden') sum++;
      }
      return sum;
    },
    list(member: string, object: ObjectName, records: readonly Row[]): number {
      const m = memberOf(member);
      const t = objectOf(m, object);
      const kept: Projection[] = [];
      for (const record of records) {
        const projected = project(m, t, record);
        if (projected !== null) kept.push(projected);
      }
      return kept.length;
    },
  };
}
