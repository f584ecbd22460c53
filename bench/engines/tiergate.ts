/**
 * Tiergate through its public API only: an engine compiled from the validated benchmark policy,
 * every plan built up front by `warm()`, and one judge per member (`engine.for`) answering
 * `can`, `fields`, `permittedFields` and `project`.
 */
import { compilePolicy, type Engine, type Judge, type Policy } from '../../src/index.js';
import type { ObjectName } from '../model.js';
import type { BenchAction } from '../rules.js';
import type { MemberSpec, Request, Row } from '../workload.js';
import type { BenchEngine, FieldState, Projection } from './types.js';

const FIXED_NOW = new Date('2026-06-30T12:00:00Z');

export interface CompiledTiergate {
  readonly engine: Engine;
  readonly judges: readonly Judge[];
}

/** Compiles the policy, builds every plan (`warm`) and binds a judge per member. */
export function compileTiergate(policy: Policy, members: readonly MemberSpec[]): CompiledTiergate {
  const engine = compilePolicy(policy, { now: () => FIXED_NOW });
  engine.warm();
  return { engine, judges: members.map((m) => engine.for(m.id)) };
}

export function tiergateEngine({ judges }: CompiledTiergate): BenchEngine {
  const judge = (m: number): Judge => {
    const j = judges[m];
    if (!j) throw new Error(`no Tiergate judge for member #${m}`);
    return j;
  };
  return {
    name: 'tiergate',
    judge: (m) => {
      const j = judge(m);
      return {
        can: (action, object, record) => j.can(action, object, record),
        fields: (action, object, record) => j.fields(action, object, record),
        fieldState: (action: BenchAction, object: ObjectName, record: Row, field: string) =>
          j.fieldState(action, object, field, record) satisfies FieldState,
        permittedFields: (action, object, record) => j.permittedFields(action, object, record),
        project: (object, record) => j.project(object, record),
      };
    },
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
