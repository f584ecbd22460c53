/**
 * The rules in @casl/ability 7, as its documentation recommends: one ability per member, record
 * scopes as mongo conditions (one `can` rule per scope of a union, `$in` over the member's
 * precomputed closure set or teams), restrictions and the value cap as inverted rules, field
 * lists on the rules and `permittedFieldsOf` for permitted-field lists. Each action's own rules
 * carry its permitted fields; `action:edit`, `action:read` and `action:masked` carry the fields
 * in each state, for field-state answers. Record decisions ask a second ability holding the
 * same record rules without field lists: an ability with per-field rules filters its rules on
 * every `can` (about 1.7x slower here), which a performance-minded CASL user would avoid.
 */
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import { permittedFieldsOf, type PermittedFieldsOptions } from '@casl/ability/extra';
import { applyMask, type MaskKind } from '../../src/index.js';
import {
  LOCKED_FIELD,
  OBJECTS,
  TEAM_FIELD,
  kindOf,
  type ObjectName,
  type ObjectSpec,
} from '../model.js';
import {
  BENCH_ACTIONS,
  BOOLEAN_RULES,
  CLOSED,
  SCOPE_RULES,
  VALUE_CAP,
  capApplies,
  levelAt,
  listsEditOnly,
  restrictionsAt,
  stepAt,
  type BenchAction,
  type Grant,
  type Level,
} from '../rules.js';
import type { Closure, MemberSpec, Request, Row } from '../workload.js';
import type { BenchEngine, BenchJudge, FieldState, Projection, States } from './types.js';

type AppAbility = MongoAbility<[string, string | Row]>;
type Conditions = Record<string, unknown>;

/** Every field of each subject type: what a rule without a field list covers. */
const ALL_FIELDS = new Map(OBJECTS.map((s) => [s.typename, [...s.fields]]));
const NO_FIELDS: string[] = [];
// As CASL's documentation writes it: a rule with no field list (a restriction) covers them all.
const FIELDS: PermittedFieldsOptions<AppAbility> = {
  fieldsFrom: (rule) =>
    rule.fields ??
    (typeof rule.subject === 'string' ? ALL_FIELDS.get(rule.subject) : undefined) ??
    NO_FIELDS,
};

function stateOf(level: Level): FieldState {
  return typeof level === 'object' ? 'masked' : level;
}

function levelOf(
  spec: ObjectSpec,
  field: string,
  tier: MemberSpec['tier'],
  action: BenchAction,
): Level {
  const kind = kindOf(spec, field);
  return kind === 'id' ? 'read' : levelAt(kind, tier, action);
}

function scopeConditions(
  spec: ObjectSpec,
  grant: Grant,
  member: MemberSpec,
  closure: Closure,
): Conditions | undefined {
  const open = grant.openOnly ? { [spec.status]: { $ne: CLOSED } } : {};
  switch (grant.scope) {
    case 'all':
      return undefined;
    case 'own':
      return { [spec.owner]: member.id, ...open };
    case 'team':
      return { [spec.owner]: { $in: [...closure.team] }, ...open };
    case 'reports':
      return { [spec.owner]: { $in: [...closure.reports] }, ...open };
    case 'recordTeam':
      return { [TEAM_FIELD]: { $in: [...member.teams] }, ...open };
  }
}

/** The record grants of an action at the member's tier; `[undefined]` is one unconditional. */
function grantsOf(action: BenchAction, spec: ObjectSpec, member: MemberSpec, closure: Closure) {
  if (action === 'create' || action === 'export')
    return stepAt(BOOLEAN_RULES[action], member.tier) === true ? [undefined] : [];
  const grants = stepAt(SCOPE_RULES[action], member.tier) ?? [];
  return grants.map((g) => scopeConditions(spec, g, member, closure));
}

interface Builder {
  can: AbilityBuilder<AppAbility>['can'];
  cannot: AbilityBuilder<AppAbility>['cannot'];
}

function objectRules(b: Builder, spec: ObjectSpec, member: MemberSpec, closure: Closure): void {
  const type = spec.typename;
  for (const action of BENCH_ACTIONS) {
    const states = spec.fields.map(
      (f) => [f, stateOf(levelOf(spec, f, member.tier, action))] as const,
    );
    const inState = (s: FieldState) => states.filter(([, x]) => x === s).map(([f]) => f);
    const permitted = listsEditOnly(action)
      ? inState('edit')
      : states.filter(([, s]) => s !== 'hidden').map(([f]) => f);
    const grants = grantsOf(action, spec, member, closure);
    for (const conditions of grants) {
      if (conditions) b.can(action, type, permitted, conditions);
      else b.can(action, type, permitted);
    }
    for (const state of ['edit', 'read', 'masked'] as const) {
      const fields = inState(state);
      if (fields.length > 0) b.can(`${action}:${state}`, type, fields);
    }
    for (const r of restrictionsAt(member.tier, action)) {
      const on: Conditions =
        r.test === 'closed' ? { [spec.status]: CLOSED } : { [LOCKED_FIELD]: true };
      // No field list: the restriction removes the whole action.
      b.cannot(action, type, undefined, on);
    }
    if (capApplies(member.tier))
      b.cannot(
        [action, `${action}:edit`, `${action}:read`, `${action}:masked`],
        type,
        [spec.value],
        { [spec.value]: { $gt: VALUE_CAP } },
      );
  }
}

type PerObject<T> = Readonly<Record<ObjectName, T>>;

export class CaslJudge implements BenchJudge {
  constructor(
    /** Record rules only, without field lists: for `can`. */
    readonly access: AppAbility,
    /** Every rule, with field lists: for field states and lists. */
    readonly ability: AppAbility,
    /** The mask of each field masked on read, per object. */
    private readonly masks: PerObject<ReadonlyMap<string, MaskKind>>,
    private readonly hidden: PerObject<States>,
  ) {}

  can(action: BenchAction, _object: ObjectName, record: Row): boolean {
    return this.access.can(action, record);
  }

  fieldState(action: BenchAction, _object: ObjectName, record: Row, field: string): FieldState {
    const a = this.ability;
    if (!this.access.can(action, record)) return 'hidden';
    if (a.can(`${action}:edit`, record, field)) return 'edit';
    if (a.can(`${action}:read`, record, field)) return 'read';
    return a.can(`${action}:masked`, record, field) ? 'masked' : 'hidden';
  }

  fields(action: BenchAction, object: ObjectName, record: Row): States {
    const hidden = this.hidden[object];
    const a = this.ability;
    if (!this.access.can(action, record)) return hidden;
    const states: Record<string, FieldState> = { ...hidden };
    for (const state of ['masked', 'read', 'edit'] as const)
      for (const f of permittedFieldsOf(a, `${action}:${state}`, record, FIELDS)) states[f] = state;
    return states;
  }

  permittedFields(action: BenchAction, _object: ObjectName, record: Row): readonly string[] {
    return permittedFieldsOf(this.ability, action, record, FIELDS);
  }

  project(object: ObjectName, record: Row): Projection | null {
    const { ability } = this;
    if (!this.access.can('read', record)) return null;
    const masks = this.masks[object];
    const out: Projection = {};
    for (const f of permittedFieldsOf(ability, 'read', record, FIELDS)) {
      const mask = masks.get(f);
      out[f] = mask === undefined ? record[f] : applyMask(mask, record[f]);
    }
    return out;
  }
}

const detectSubjectType = (s: string | Row): string =>
  typeof s === 'string' ? s : (s as { __typename: string }).__typename;

function memberJudge(member: MemberSpec, closure: Closure, hidden: PerObject<States>): CaslJudge {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  const masks: Partial<Record<ObjectName, ReadonlyMap<string, MaskKind>>> = {};
  for (const spec of OBJECTS) {
    objectRules({ can, cannot }, spec, member, closure);
    const masked = spec.fields.flatMap((f) => {
      const level = levelOf(spec, f, member.tier, 'read');
      return typeof level === 'object' ? [[f, level.mask] as const] : [];
    });
    masks[spec.name] = new Map(masked);
  }
  const ability = build({ detectSubjectType });
  // The record rules: each action's own (not the `action:state` ones), less the field cap.
  const recordRules = ability.rules
    .filter((r) => !String(r.action).includes(':') && !(r.inverted && r.fields))
    .map((r) => ({ ...r, fields: undefined }));
  const access = createMongoAbility<AppAbility>(recordRules, { detectSubjectType });
  return new CaslJudge(access, ability, masks as PerObject<ReadonlyMap<string, MaskKind>>, hidden);
}

export function compileCasl(
  members: readonly MemberSpec[],
  closures: ReadonlyMap<string, Closure>,
): CaslJudge[] {
  const hidden: Partial<Record<ObjectName, States>> = {};
  for (const s of OBJECTS)
    hidden[s.name] = Object.freeze(Object.fromEntries(s.fields.map((f) => [f, 'hidden' as const])));
  return members.map((m) => {
    const closure = closures.get(m.id);
    if (!closure) throw new Error(`no closure for ${m.id}`);
    return memberJudge(m, closure, hidden as PerObject<States>);
  });
}

export function caslEngine(judges: readonly CaslJudge[]): BenchEngine {
  const judge = (m: number): CaslJudge => {
    const j = judges[m];
    if (!j) throw new Error(`no CASL judge for member #${m}`);
    return j;
  };
  return {
    name: 'casl',
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
