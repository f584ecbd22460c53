/**
 * node-casbin answering the benchmark's questions (the model is in casbin-model.ts): one
 * `enforce` per record decision, one per field state, a permitted-field list as one per field.
 * For lists, the levels of the fields no record condition touches are enforced once per member
 * and object (`prepareList`), the conditional ones per record.
 */
import type { Enforcer } from 'casbin';
import { applyMask, type MaskKind } from '../../src/index.js';
import { OBJECTS, TEAM_FIELD, kindOf, type ObjectName, type ObjectSpec } from '../model.js';
import { listsEditOnly, type BenchAction } from '../rules.js';
import type { MemberSpec, Request, Row } from '../workload.js';
import { FIELDS_CONTEXT, fieldLines } from './casbin-model.js';
import type { BenchEngine, BenchJudge, FieldState, Projection, States } from './types.js';

export { compileCasbin } from './casbin-model.js';

const SPECS = new Map<ObjectName, ObjectSpec>(OBJECTS.map((s) => [s.name, s]));
const specOf = (object: ObjectName): ObjectSpec => SPECS.get(object) as ObjectSpec;

/** Fields whose level depends on the record: those of a kind with a conditional line. */
function conditionalFields(): ReadonlyMap<ObjectName, readonly string[]> {
  const kinds = new Set(
    fieldLines()
      .filter((l) => l[5] !== 'true')
      .map((l) => l[3]),
  );
  return new Map(OBJECTS.map((s) => [s.name, s.fields.filter((f) => kinds.has(kindOf(s, f)))]));
}

function stateOfLevel(level: string | undefined): FieldState {
  if (level === undefined || level === 'hidden') return 'hidden';
  return level.startsWith('masked:') ? 'masked' : (level as FieldState);
}

function emit(level: string, value: unknown): unknown {
  return level.startsWith('masked:') ? applyMask(level.slice(7) as MaskKind, value) : value;
}

export class CasbinJudge implements BenchJudge {
  /** Per object: the read levels of the fields no record condition touches. */
  private readonly fixed = new Map<ObjectName, ReadonlyMap<string, string>>();

  constructor(
    private readonly enforcer: Enforcer,
    private readonly member: string,
    private readonly conditional: ReadonlyMap<ObjectName, readonly string[]>,
  ) {}

  can(action: BenchAction, object: ObjectName, record: Row): boolean {
    const owner = record[specOf(object).owner] ?? null;
    const team = record[TEAM_FIELD] ?? null;
    return this.enforcer.enforceSync(this.member, object, action, owner, team, record);
  }

  private level(action: BenchAction, object: ObjectName, field: string, record: Row): string {
    const [allowed, line] = this.enforcer.enforceExSync(
      FIELDS_CONTEXT,
      this.member,
      object,
      action,
      field,
      record,
    );
    return allowed ? (line[4] ?? 'hidden') : 'hidden';
  }

  fieldState(action: BenchAction, object: ObjectName, record: Row, field: string): FieldState {
    if (!this.can(action, object, record)) return 'hidden';
    return stateOfLevel(this.level(action, object, field, record));
  }

  fields(action: BenchAction, object: ObjectName, record: Row): States {
    const allowed = this.can(action, object, record);
    const states: Record<string, FieldState> = {};
    for (const f of specOf(object).fields)
      states[f] = allowed ? stateOfLevel(this.level(action, object, f, record)) : 'hidden';
    return states;
  }

  permittedFields(action: BenchAction, object: ObjectName, record: Row): readonly string[] {
    if (!this.can(action, object, record)) return [];
    const editOnly = listsEditOnly(action);
    return specOf(object).fields.filter((f) => {
      const state = stateOfLevel(this.level(action, object, f, record));
      return editOnly ? state === 'edit' : state !== 'hidden';
    });
  }

  prepareList(object: ObjectName): ReadonlyMap<string, string> {
    const skip = new Set(this.conditional.get(object));
    const levels = new Map<string, string>();
    for (const field of specOf(object).fields) {
      if (skip.has(field)) continue;
      const l = this.level('read', object, field, {});
      if (l !== 'hidden') levels.set(field, l);
    }
    this.fixed.set(object, levels);
    return levels;
  }

  project(object: ObjectName, record: Row): Projection | null {
    if (!this.can('read', object, record)) return null;
    const fixed = this.fixed.get(object) ?? this.prepareList(object);
    const out: Projection = {};
    for (const [field, l] of fixed) out[field] = emit(l, record[field]);
    for (const field of this.conditional.get(object) ?? []) {
      const l = this.level('read', object, field, record);
      if (l !== 'hidden') out[field] = emit(l, record[field]);
    }
    return out;
  }
}

export function casbinEngine(enforcer: Enforcer, members: readonly MemberSpec[]): BenchEngine {
  const conditional = conditionalFields();
  const judges = members.map((m) => new CasbinJudge(enforcer, m.id, conditional));
  const judge = (m: number): CasbinJudge => {
    const j = judges[m];
    if (!j) throw new Error(`no casbin judge for member #${m}`);
    return j;
  };
  return {
    name: 'casbin',
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
    prepareList: (m, object) => {
      judge(m).prepareList(object);
    },
  };
}
