/**
 * The hand-written baseline: the fastest plain code a good engineer would write for the same
 * rules. A judge is bound per member once (its tier, id, teams and closure sets resolved),
 * records are read by direct property access, the rules are if/else over the tier, and field
 * answers come from precomputed frozen tables with generated projectors (baseline-tables.ts).
 */
import { OBJECTS, type ObjectName } from '../model.js';
import { CLOSED, TIERS, VALUE_CAP, type BenchAction } from '../rules.js';
import type { Closure, MemberSpec, Request, Row } from '../workload.js';
import {
  DIRECTOR,
  INTERMEDIATE,
  JUNIOR,
  SENIOR,
  objectTables,
  tablesOf,
  type ObjectTables,
} from './baseline-tables.js';
import type { BenchEngine, BenchJudge, FieldState, Projection, States } from './types.js';

const NOTHING: readonly string[] = Object.freeze([]);

type TierTables = Readonly<Record<ObjectName, ObjectTables>>;

export class BaselineJudge implements BenchJudge {
  private readonly capBelow: boolean;

  constructor(
    private readonly id: string,
    private readonly tier: number,
    private readonly teams: readonly string[],
    private readonly team: ReadonlySet<string>,
    private readonly reports: ReadonlySet<string>,
    private readonly tables: TierTables,
  ) {
    this.capBelow = tier < SENIOR;
  }

  private inMyTeams(teamId: unknown): boolean {
    return typeof teamId === 'string' && this.teams.includes(teamId);
  }

  private readable(owner: unknown, status: unknown, r: Row): boolean {
    const t = this.tier;
    if (t >= DIRECTOR) return true;
    if (t >= SENIOR)
      return (typeof owner === 'string' && this.reports.has(owner)) || this.inMyTeams(r.teamId);
    if (t >= INTERMEDIATE)
      return (typeof owner === 'string' && this.team.has(owner)) || this.inMyTeams(r.teamId);
    if (t >= JUNIOR) return owner === this.id || this.inMyTeams(r.teamId);
    return owner === this.id && status !== CLOSED;
  }

  /** Update scopes, then the restrictions: CLOSED below senior, locked below director. */
  private updatable(owner: unknown, status: unknown, r: Row): boolean {
    const t = this.tier;
    if (t >= DIRECTOR) return true;
    if (r.locked === true) return false;
    if (t >= SENIOR)
      return (typeof owner === 'string' && this.reports.has(owner)) || this.inMyTeams(r.teamId);
    if (status === CLOSED) return false;
    if (t >= INTERMEDIATE) return typeof owner === 'string' && this.team.has(owner);
    return t >= JUNIOR && owner === this.id;
  }

  private deletable(owner: unknown, r: Row): boolean {
    const t = this.tier;
    if (t >= DIRECTOR) return true;
    return t >= SENIOR && owner === this.id && r.locked !== true;
  }

  private allows(action: BenchAction, owner: unknown, status: unknown, r: Row): boolean {
    switch (action) {
      case 'read':
        return this.readable(owner, status, r);
      case 'update':
        return this.updatable(owner, status, r);
      case 'delete':
        return this.deletable(owner, r);
      case 'create':
        return this.tier >= JUNIOR;
      case 'export':
        return this.tier >= SENIOR;
    }
  }

  private capped(value: unknown): boolean {
    return this.capBelow && typeof value === 'number' && value > VALUE_CAP;
  }

  can(action: BenchAction, object: ObjectName, r: Row): boolean {
    switch (object) {
      case 'opportunity':
        return this.allows(action, r.ownerId, r.stage, r);
      case 'company':
        return this.allows(action, r.accountOwnerId, r.lifecycle, r);
      case 'person':
        return this.allows(action, r.ownerId, r.status, r);
    }
  }

  /** Whether the value cap hides the object's value field on this record. */
  private cappedOn(object: ObjectName, r: Row): boolean {
    switch (object) {
      case 'opportunity':
        return this.capped(r.amount);
      case 'company':
        return this.capped(r.annualRevenue);
      case 'person':
        return this.capped(r.lifetimeValue);
    }
  }

  /** The object's tables, by a switch rather than a keyed lookup. */
  private tablesFor(object: ObjectName): ObjectTables {
    switch (object) {
      case 'opportunity':
        return this.tables.opportunity;
      case 'company':
        return this.tables.company;
      case 'person':
        return this.tables.person;
    }
  }

  fields(action: BenchAction, object: ObjectName, r: Row): States {
    const o = this.tablesFor(object);
    if (!this.can(action, object, r)) return o.hidden;
    const a = tablesOf(o, action);
    return this.cappedOn(object, r) ? a.cappedStates : a.states;
  }

  fieldState(action: BenchAction, object: ObjectName, r: Row, field: string): FieldState {
    return this.fields(action, object, r)[field] ?? 'hidden';
  }

  permittedFields(action: BenchAction, object: ObjectName, r: Row): readonly string[] {
    if (!this.can(action, object, r)) return NOTHING;
    const a = tablesOf(this.tablesFor(object), action);
    return this.cappedOn(object, r) ? a.cappedPermitted : a.permitted;
  }

  project(object: ObjectName, r: Row): Projection | null {
    if (!this.can('read', object, r)) return null;
    const o = this.tablesFor(object);
    return this.cappedOn(object, r) ? o.projectCapped(r) : o.project(r);
  }
}

export function compileBaseline(
  members: readonly MemberSpec[],
  closures: ReadonlyMap<string, Closure>,
): BaselineJudge[] {
  const perTier = TIERS.map((_, tier) => {
    const tables: Partial<Record<ObjectName, ObjectTables>> = {};
    for (const spec of OBJECTS) tables[spec.name] = objectTables(spec, tier);
    return tables as TierTables;
  });
  return members.map((m) => {
    const tier = TIERS.indexOf(m.tier);
    const closure = closures.get(m.id);
    const tables = perTier[tier];
    if (!closure || !tables) throw new Error(`no closure or tier tables for ${m.id}`);
    return new BaselineJudge(m.id, tier, m.teams, closure.team, closure.reports, tables);
  });
}

export function baselineEngine(judges: readonly BaselineJudge[]): BenchEngine {
  const judge = (m: number): BaselineJudge => {
    const j = judges[m];
    if (!j) throw new Error(`no baseline judge for member #${m}`);
    return j;
  };
  return {
    name: 'baseline',
    judge,
    canAll(requests: readonly Request[]): number {
      let allowed = 0;
      for (const r of requests) if (judge(r.m).can(r.action, r.object, r.record)) allowed++;
      return allowed;
    },
    permittedAll(requests: readonly Request[]): number {
      let sum = 0;
      for (const r of requests)
        sum += judge(r.m).permittedFields(r.action, r.object, r.record).length;
      return sum;
    },
    list(m: number, object: ObjectName, records: readonly Row[]): number {
      const j = judge(m);
      const kept: Projection[] = [];
      for (const record of records) {
        const projected = j.project(object, record);
        if (projected !== null) kept.push(projected);
      }
      return kept.length;
    },
  };
}
