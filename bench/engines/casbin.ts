/**
 * The rules in node-casbin 5: RBAC (member → tier through `g`) with ABAC conditions. Two
 * sections: `p` for record access (a scope checked by a custom function over the precomputed
 * closure sets, and a rule run through `eval`), `p2` for field states. Fields are grouped by
 * their protection kind with `g2` (field → kind, in the object's domain), so `p2` holds one
 * line per tier, object and visible kind with its level, and the value cap as `deny` lines
 * with a rule. The tier maps are resolved per tier, because casbin's role inheritance would
 * union the scopes of lower tiers where the policy replaces them.
 */
import { EnforceContext, newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import { applyMask, type MaskKind } from '../../src/index.js';
import { OBJECTS, kindOf, type ObjectName, type ObjectSpec } from '../model.js';
import {
  CLOSED,
  FIELD_RULES,
  READ_RULE,
  TIERS,
  VALUE_CAP,
  capApplies,
  levelAt,
  stepAt,
  type FieldKind,
  type Level,
} from '../rules.js';
import type { Closure, MemberSpec, Request, Row, Triple } from '../workload.js';
import type { BenchEngine, FieldState, Projection, RecordDecision } from './types.js';

const MODEL = `
[request_definition]
r = sub, obj, act, owner, rec
r2 = sub, obj, field, rec

[policy_definition]
p = sub, obj, act, scope, rule
p2 = sub, obj, kind, level, rule, eft

[role_definition]
g = _, _
g2 = _, _, _

[policy_effect]
e = some(where (p.eft == allow))
e2 = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = r.obj == p.obj && r.act == p.act && g(r.sub, p.sub) && scopeHas(p.scope, r.sub, r.owner) && eval(p.rule)
m2 = r2.obj == p2.obj && g(r2.sub, p2.sub) && g2(r2.field, p2.kind, r2.obj) && eval(p2.rule)
`;

const FIELDS_CONTEXT = new EnforceContext('r2', 'p2', 'e2', 'm2');
const KINDS = ['id', ...Object.keys(FIELD_RULES)] as readonly (FieldKind | 'id')[];

function levelText(level: Level): string {
  return typeof level === 'object' ? `masked:${level.mask}` : level;
}

function recordLines(): string[][] {
  const lines: string[][] = [];
  for (const tier of TIERS) {
    const grant = stepAt(READ_RULE, tier);
    if (!grant) continue;
    for (const spec of OBJECTS) {
      const rule = grant.openOnly ? `r.rec.${spec.status} != '${CLOSED}'` : 'true';
      lines.push([tier, spec.name, 'read', grant.scope, rule]);
    }
  }
  return lines;
}

/** g2: every field to its protection kind, in its object's domain. */
function fieldKindLines(): string[][] {
  return OBJECTS.flatMap((spec) => spec.fields.map((f) => [f, kindOf(spec, f), spec.name]));
}

function fieldLines(): string[][] {
  const lines: string[][] = [];
  for (const tier of TIERS) {
    for (const spec of OBJECTS) {
      for (const kind of KINDS) {
        const level = kind === 'id' ? 'read' : levelAt(kind, tier);
        if (level !== 'hidden')
          lines.push([tier, spec.name, kind, levelText(level), 'true', 'allow']);
      }
      if (capApplies(tier))
        lines.push([
          tier,
          spec.name,
          'value',
          'hidden',
          `r2.rec.${spec.value} > ${VALUE_CAP}`,
          'deny',
        ]);
    }
  }
  return lines;
}

export async function compileCasbin(
  members: readonly MemberSpec[],
  closures: ReadonlyMap<string, Closure>,
): Promise<Enforcer> {
  const enforcer = await newEnforcer(newModelFromString(MODEL));
  await enforcer.addFunction('scopeHas', (scope: string, sub: string, owner: unknown): boolean => {
    if (scope === 'all') return true;
    if (typeof owner !== 'string') return false;
    if (scope === 'own') return owner === sub;
    const closure = closures.get(sub);
    if (scope === 'team') return closure?.team.has(owner) ?? false;
    return scope === 'reports' && (closure?.reports.has(owner) ?? false);
  });
  await enforcer.addGroupingPolicies(members.map((m) => [m.id, m.tier]));
  await enforcer.addNamedGroupingPolicies('g2', fieldKindLines());
  await enforcer.addPolicies(recordLines());
  await enforcer.addNamedPolicies('p2', fieldLines());
  return enforcer;
}

/** Fields whose level depends on the record: those of a kind with a conditional line. */
function conditionalFields(): ReadonlyMap<ObjectName, readonly string[]> {
  const kinds = new Set(
    fieldLines()
      .filter((l) => l[4] !== 'true')
      .map((l) => l[2]),
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

export function casbinEngine(enforcer: Enforcer): BenchEngine {
  const specs = new Map<ObjectName, ObjectSpec>(OBJECTS.map((s) => [s.name, s]));
  const conditional = conditionalFields();
  /** Per (member, object): the levels of the fields no record condition touches. */
  const fixedLevels = new Map<string, ReadonlyMap<string, string>>();
  const specOf = (object: ObjectName): ObjectSpec => specs.get(object) as ObjectSpec;
  const canRead = (member: string, object: ObjectName, record: Row): boolean =>
    enforcer.enforceSync(member, object, 'read', record[specOf(object).owner] ?? null, record);
  const level = (member: string, object: ObjectName, field: string, record: Row): string => {
    const [allowed, line] = enforcer.enforceExSync(FIELDS_CONTEXT, member, object, field, record);
    return allowed ? (line[3] ?? 'hidden') : 'hidden';
  };
  const decision = (member: string, object: ObjectName, record: Row): RecordDecision => {
    const read = canRead(member, object, record);
    const states: Record<string, FieldState> = {};
    for (const field of specOf(object).fields)
      states[field] = read ? stateOfLevel(level(member, object, field, record)) : 'hidden';
    return { read, states };
  };
  const prepareList = (member: string, object: ObjectName): ReadonlyMap<string, string> => {
    const skip = new Set(conditional.get(object));
    const levels = new Map<string, string>();
    for (const field of specOf(object).fields) {
      if (skip.has(field)) continue;
      const l = level(member, object, field, {});
      if (l !== 'hidden') levels.set(field, l);
    }
    fixedLevels.set(`${member}/${object}`, levels);
    return levels;
  };
  const project = (member: string, object: ObjectName, record: Row): Projection | null => {
    if (!canRead(member, object, record)) return null;
    const fixed = fixedLevels.get(`${member}/${object}`) ?? prepareList(member, object);
    const out: Projection = {};
    for (const [field, l] of fixed) out[field] = emit(l, record[field]);
    for (const field of conditional.get(object) ?? []) {
      const l = level(member, object, field, record);
      if (l !== 'hidden') out[field] = emit(l, record[field]);
    }
    return out;
  };
  return {
    name: 'casbin',
    canRead,
    fieldState: (member, object, record, field) =>
      canRead(member, object, record)
        ? stateOfLevel(level(member, object, field, record))
        : 'hidden',
    decision,
    project,
    readAll(requests: readonly Request[]): number {
      let allowed = 0;
      for (const r of requests) if (canRead(r.member, r.object, r.record)) allowed++;
      return allowed;
    },
    fieldAll(triples: readonly Triple[]): number {
      let visible = 0;
      for (const t of triples)
        if (
          canRead(t.member, t.object, t.record) &&
          level(t.member, t.object, t.field, t.record) !== 'hidden'
        )
          visible++;
      return visible;
    },
    decisionAll(requests: readonly Request[]): number {
      let sum = 0;
      for (const r of requests) if (decision(r.member, r.object, r.record).read) sum++;
      return sum;
    },
    list(member: string, object: ObjectName, records: readonly Row[]): number {
      const kept: Projection[] = [];
      for (const record of records) {
        const projected = project(member, object, record);
        if (projected !== null) kept.push(projected);
      }
      return kept.length;
    },
    prepareList: (member, object) => {
      fixedLevels.delete(`${member}/${object}`);
      prepareList(member, object);
    },
  };
}
