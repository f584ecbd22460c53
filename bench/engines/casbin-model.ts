/**
 * The rules in node-casbin 5: RBAC (member → tier through `g`) with ABAC conditions. Two
 * sections: `p` for record access (a scope checked by a custom function over the precomputed
 * closure sets and the member's teams, and a record rule; restrictions are `deny` lines), `p2`
 * for field states. Record rules (`stage != CLOSED`) go through a custom function rather than
 * casbin's `eval()`, which re-writes and looks up the matcher for every policy line. Fields are grouped by their protection kind with `g2` (field →
 * kind, in the object's domain), so `p2` holds one line per tier, object, action and visible
 * kind with its level, and the value cap as `deny` lines with a rule. The tier maps are resolved
 * per tier, because casbin's role inheritance would union the scopes of lower tiers where the
 * policy replaces them.
 */
import { EnforceContext, newEnforcer, newModelFromString, type Enforcer } from 'casbin';
import { LOCKED_FIELD, OBJECTS, kindOf } from '../model.js';
import {
  BENCH_ACTIONS,
  BOOLEAN_RULES,
  CLOSED,
  FIELD_RULES,
  SCOPE_RULES,
  TIERS,
  VALUE_CAP,
  capApplies,
  levelAt,
  restrictionsAt,
  stepAt,
  type FieldKind,
  type Level,
} from '../rules.js';
import type { Closure, MemberSpec } from '../workload.js';

const MODEL = `
[request_definition]
r = sub, obj, act, owner, team, rec
r2 = sub, obj, act, field, rec

[policy_definition]
p = sub, obj, act, scope, rule, eft
p2 = sub, obj, act, kind, level, rule, eft

[role_definition]
g = _, _
g2 = _, _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
e2 = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = r.obj == p.obj && r.act == p.act && g(r.sub, p.sub) && scopeHas(p.scope, r.sub, r.owner, r.team) && holds(p.rule, r.rec)
m2 = r2.obj == p2.obj && r2.act == p2.act && g(r2.sub, p2.sub) && g2(r2.field, p2.kind, r2.obj) && holds(p2.rule, r2.rec)
`;

export const FIELDS_CONTEXT = new EnforceContext('r2', 'p2', 'e2', 'm2');
const KINDS = ['id', ...Object.keys(FIELD_RULES)] as readonly (FieldKind | 'id')[];

function levelText(level: Level): string {
  return typeof level === 'object' ? `masked:${level.mask}` : level;
}

function recordLines(): string[][] {
  const lines: string[][] = [];
  for (const tier of TIERS) {
    for (const spec of OBJECTS) {
      for (const action of BENCH_ACTIONS) {
        if (action === 'create' || action === 'export') {
          if (stepAt(BOOLEAN_RULES[action], tier) === true)
            lines.push([tier, spec.name, action, 'all', 'true', 'allow']);
        } else {
          for (const grant of stepAt(SCOPE_RULES[action], tier) ?? []) {
            const rule = grant.openOnly ? `${spec.status} != ${CLOSED}` : 'true';
            lines.push([tier, spec.name, action, grant.scope, rule, 'allow']);
          }
        }
        for (const r of restrictionsAt(tier, action)) {
          const rule =
            r.test === 'closed' ? `${spec.status} == ${CLOSED}` : `${LOCKED_FIELD} == true`;
          lines.push([tier, spec.name, action, 'all', rule, 'deny']);
        }
      }
    }
  }
  return lines;
}

/** g2: every field to its protection kind, in its object's domain. */
function fieldKindLines(): string[][] {
  return OBJECTS.flatMap((spec) => spec.fields.map((f) => [f, kindOf(spec, f), spec.name]));
}

export function fieldLines(): string[][] {
  const lines: string[][] = [];
  for (const tier of TIERS) {
    for (const spec of OBJECTS) {
      for (const action of BENCH_ACTIONS) {
        for (const kind of KINDS) {
          const level = kind === 'id' ? 'read' : levelAt(kind, tier, action);
          if (level !== 'hidden')
            lines.push([tier, spec.name, action, kind, levelText(level), 'true', 'allow']);
        }
        if (capApplies(tier))
          lines.push([
            tier,
            spec.name,
            action,
            'value',
            'hidden',
            `${spec.value} > ${VALUE_CAP}`,
            'deny',
          ]);
      }
    }
  }
  return lines;
}

type Rule = (record: Readonly<Record<string, unknown>>) => boolean;

/** `true`, or `field op value` with op one of == != > (a value of true or a number is typed). */
function parseRule(text: string): Rule {
  if (text === 'true') return () => true;
  const [field = '', op, raw = ''] = text.split(' ');
  const value: unknown = raw === 'true' ? true : /^\d+$/.test(raw) ? Number(raw) : raw;
  if (op === '==') return (r) => r[field] === value;
  if (op === '!=') return (r) => r[field] !== value;
  if (op === '>') {
    const limit = Number(raw);
    return (r) => {
      const v = r[field];
      return typeof v === 'number' && v > limit;
    };
  }
  throw new Error(`bad casbin record rule "${text}"`);
}

/** The `holds(rule, record)` matcher function, each rule parsed once. */
function holdsFunction(): (rule: string, record: Readonly<Record<string, unknown>>) => boolean {
  const parsed = new Map<string, Rule>();
  return (rule, record) => {
    let test = parsed.get(rule);
    if (!test) parsed.set(rule, (test = parseRule(rule)));
    return test(record);
  };
}

export async function compileCasbin(
  members: readonly MemberSpec[],
  closures: ReadonlyMap<string, Closure>,
): Promise<Enforcer> {
  const enforcer = await newEnforcer(newModelFromString(MODEL));
  const teams = new Map(members.map((m) => [m.id, m.teams]));
  const scopeHas = (scope: string, sub: string, owner: unknown, team: unknown): boolean => {
    if (scope === 'all') return true;
    if (scope === 'recordTeam')
      return typeof team === 'string' && (teams.get(sub) ?? []).includes(team);
    if (typeof owner !== 'string') return false;
    if (scope === 'own') return owner === sub;
    const closure = closures.get(sub);
    if (scope === 'team') return closure?.team.has(owner) ?? false;
    return scope === 'reports' && (closure?.reports.has(owner) ?? false);
  };
  await enforcer.addFunction('scopeHas', scopeHas);
  await enforcer.addFunction('holds', holdsFunction());
  await enforcer.addGroupingPolicies(members.map((m) => [m.id, m.tier]));
  await enforcer.addNamedGroupingPolicies('g2', fieldKindLines());
  await enforcer.addPolicies(recordLines());
  await enforcer.addNamedPolicies('p2', fieldLines());
  return enforcer;
}
