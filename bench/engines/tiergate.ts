/**
 * Tiergate through its public API only: `decide`, `authorize` (decision and field states in one
 * call), `fieldState` and `project` on
 * an engine compiled from the validated benchmark policy.
 */
import { compilePolicy, type Engine, type Policy } from '../../src/index.js';
import { OBJECTS, type ObjectName } from '../model.js';
import type { Request, Row, Triple } from '../workload.js';
import type { BenchEngine, RecordDecision } from './types.js';

const FIXED_NOW = new Date('2026-06-30T12:00:00Z');

/** Compiles the policy and builds every (member, object) plan, which Tiergate does lazily. */
export function compileTiergate(policy: Policy, members: readonly string[]): Engine {
  const engine = compilePolicy(policy, { now: () => FIXED_NOW });
  for (const member of members)
    for (const spec of OBJECTS) engine.decide({ member, object: spec.name, action: 'read' });
  return engine;
}

export function tiergateEngine(engine: Engine): BenchEngine {
  const decision = (member: string, object: ObjectName, record: Row): RecordDecision => {
    const { decision: read, fields } = engine.authorize({ member, object, action: 'read', record });
    return { read: read.effect === 'allow', states: fields };
  };
  return {
    name: 'tiergate',
    canRead: (member, object, record) =>
      engine.decide({ member, object, action: 'read', record }).effect === 'allow',
    fieldState: (member, object, record, field) =>
      engine.fieldState({ member, object, action: 'read', record, field }),
    decision,
    project: (member, object, record) => engine.project({ member, object, record }),
    readAll(requests: readonly Request[]): number {
      let allowed = 0;
      for (const r of requests) {
        const d = engine.decide({
          member: r.member,
          object: r.object,
          action: 'read',
          record: r.record,
        });
        if (d.effect === 'allow') allowed++;
      }
      return allowed;
    },
    fieldAll(triples: readonly Triple[]): number {
      let visible = 0;
      for (const t of triples) {
        const state = engine.fieldState({
          member: t.member,
          object: t.object,
          action: 'read',
          record: t.record,
          field: t.field,
        });
        if (state !== 'hidden') visible++;
      }
      return visible;
    },
    decisionAll(requests: readonly Request[]): number {
      let sum = 0;
      for (const r of requests) {
        const request = {
          member: r.member,
          object: r.object,
          action: 'read',
          record: r.record,
        } as const;
        // One call for both, as an enforcement point makes it.
        const { decision: d, fields } = engine.authorize(request);
        if (d.effect === 'allow' && fields.id !== 'hidden') sum++;
      }
      return sum;
    },
    list(member: string, object: ObjectName, records: readonly Row[]): number {
      const kept: Record<string, unknown>[] = [];
      for (const record of records) {
        const projected = engine.project({ member, object, record });
        if (projected !== null) kept.push(projected);
      }
      return kept.length;
    },
  };
}
