/**
 * The rules in @casl/ability 7, as its documentation recommends: one ability per member, record
 * scopes as mongo conditions (`$in` over the member's precomputed closure set, `$ne` for the
 * open-records condition), field lists on the rules, the value cap as an inverted rule with a
 * `$gt` condition, and `permittedFieldsOf` for field lists. Three actions carry the field
 * states: `read` (clear, and the record gate), `readMasked` and `edit`.
 */
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import { permittedFieldsOf, type PermittedFieldsOptions } from '@casl/ability/extra';
import { applyMask, type MaskKind } from '../../src/index.js';
import { OBJECTS, kindOf, type ObjectName, type ObjectSpec } from '../model.js';
import {
  CLOSED,
  READ_RULE,
  VALUE_CAP,
  capApplies,
  levelAt,
  stepAt,
  type Level,
  type ReadGrant,
} from '../rules.js';
import type { Closure, MemberSpec, Request, Row, Triple } from '../workload.js';
import type { BenchEngine, FieldState, Projection, RecordDecision } from './types.js';

type Action = 'read' | 'readMasked' | 'edit';
type AppAbility = MongoAbility<[Action, string | Row]>;

interface MemberAbility {
  readonly ability: AppAbility;
  /** The mask of each masked field, per object. */
  readonly masks: ReadonlyMap<ObjectName, ReadonlyMap<string, MaskKind>>;
  /** All fields hidden, per object (shared by every member). */
  readonly hidden: HiddenStates;
}

type HiddenStates = ReadonlyMap<ObjectName, Readonly<Record<string, FieldState>>>;

const NO_FIELDS: string[] = [];
const FIELDS: PermittedFieldsOptions<AppAbility> = {
  fieldsFrom: (rule) => rule.fields ?? NO_FIELDS,
};

function levelOf(spec: ObjectSpec, field: string, member: MemberSpec): Level {
  const kind = kindOf(spec, field);
  return kind === 'id' ? 'read' : levelAt(kind, member.tier);
}

function scopeConditions(
  spec: ObjectSpec,
  grant: ReadGrant,
  member: MemberSpec,
  closure: Closure,
): Record<string, unknown> | undefined {
  if (grant.scope === 'all') return undefined;
  const ids =
    grant.scope === 'own'
      ? [member.id]
      : [...(grant.scope === 'team' ? closure.team : closure.reports)];
  const inScope = { [spec.owner]: { $in: ids } };
  return grant.openOnly ? { ...inScope, [spec.status]: { $ne: CLOSED } } : inScope;
}

function memberAbility(member: MemberSpec, closure: Closure, hidden: HiddenStates): MemberAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  const masks = new Map<ObjectName, Map<string, MaskKind>>();
  const grant = stepAt(READ_RULE, member.tier);
  for (const spec of OBJECTS) {
    if (!grant) continue;
    const levels = spec.fields.map((f) => [f, levelOf(spec, f, member)] as const);
    const clear = levels.filter(([, l]) => l === 'read' || l === 'edit').map(([f]) => f);
    const masked = levels.filter(([, l]) => typeof l === 'object');
    const edit = levels.filter(([, l]) => l === 'edit').map(([f]) => f);
    const conditions = scopeConditions(spec, grant, member, closure);
    if (conditions) can('read', spec.typename, clear, conditions);
    else can('read', spec.typename, clear);
    if (masked.length > 0)
      can(
        'readMasked',
        spec.typename,
        masked.map(([f]) => f),
      );
    if (edit.length > 0) can('edit', spec.typename, edit);
    if (capApplies(member.tier))
      cannot(['read', 'readMasked', 'edit'], spec.typename, [spec.value], {
        [spec.value]: { $gt: VALUE_CAP },
      });
    masks.set(
      spec.name,
      new Map(masked.map(([f, l]) => [f, typeof l === 'object' ? l.mask : 'redact'])),
    );
  }
  const ability = build({ detectSubjectType: (s) => (s as { __typename: string }).__typename });
  return { ability, masks, hidden };
}

/**
 * Built here rather than at module load: an object with the same 40 keys created before
 * Tiergate compiles would share V8 hidden-class transitions with Tiergate's own state tables
 * and change Tiergate's speed (see the report's note on dictionary-mode objects).
 */
function hiddenStates(): HiddenStates {
  return new Map(
    OBJECTS.map((s) => [
      s.name,
      Object.freeze(Object.fromEntries(s.fields.map((f) => [f, 'hidden' as const]))),
    ]),
  );
}

export function compileCasl(
  members: readonly MemberSpec[],
  closures: ReadonlyMap<string, Closure>,
): ReadonlyMap<string, MemberAbility> {
  const hidden = hiddenStates();
  const abilities = new Map<string, MemberAbility>();
  for (const m of members) {
    const closure = closures.get(m.id);
    if (!closure) throw new Error(`no closure for ${m.id}`);
    abilities.set(m.id, memberAbility(m, closure, hidden));
  }
  return abilities;
}

function decide(m: MemberAbility, object: ObjectName, record: Row): RecordDecision {
  const { ability } = m;
  const hidden = m.hidden.get(object) ?? {};
  if (!ability.can('read', record)) return { read: false, states: hidden };
  const states: Record<string, FieldState> = { ...hidden };
  for (const f of permittedFieldsOf(ability, 'readMasked', record, FIELDS)) states[f] = 'masked';
  for (const f of permittedFieldsOf(ability, 'read', record, FIELDS)) states[f] = 'read';
  for (const f of permittedFieldsOf(ability, 'edit', record, FIELDS)) states[f] = 'edit';
  return { read: true, states };
}

function fieldState(ability: AppAbility, record: Row, field: string): FieldState {
  if (!ability.can('read', record)) return 'hidden';
  if (ability.can('edit', record, field)) return 'edit';
  if (ability.can('read', record, field)) return 'read';
  return ability.can('readMasked', record, field) ? 'masked' : 'hidden';
}

function project(m: MemberAbility, object: ObjectName, record: Row): Projection | null {
  const { ability } = m;
  if (!ability.can('read', record)) return null;
  const out: Projection = {};
  for (const f of permittedFieldsOf(ability, 'read', record, FIELDS)) out[f] = record[f];
  const masks = m.masks.get(object);
  for (const f of permittedFieldsOf(ability, 'readMasked', record, FIELDS))
    out[f] = applyMask(masks?.get(f) ?? 'redact', record[f]);
  return out;
}

export function caslEngine(abilities: ReadonlyMap<string, MemberAbility>): BenchEngine {
  const of = (member: string): MemberAbility => {
    const m = abilities.get(member);
    if (!m) throw new Error(`unknown member ${member}`);
    return m;
  };
  return {
    name: 'casl',
    canRead: (member, _object, record) => of(member).ability.can('read', record),
    fieldState: (member, _object, record, field) => fieldState(of(member).ability, record, field),
    decision: (member, object, record) => decide(of(member), object, record),
    project: (member, object, record) => project(of(member), object, record),
    readAll(requests: readonly Request[]): number {
      let allowed = 0;
      for (const r of requests) if (of(r.member).ability.can('read', r.record)) allowed++;
      return allowed;
    },
    fieldAll(triples: readonly Triple[]): number {
      let visible = 0;
      for (const t of triples)
        if (fieldState(of(t.member).ability, t.record, t.field) !== 'hidden') visible++;
      return visible;
    },
    decisionAll(requests: readonly Request[]): number {
      let sum = 0;
      for (const r of requests) {
        const d = decide(of(r.member), r.object, r.record);
        if (d.read && d.states.id !== 'hidden') sum++;
      }
      return sum;
    },
    list(member: string, object: ObjectName, records: readonly Row[]): number {
      const m = of(member);
      const kept: Projection[] = [];
      for (const record of records) {
        const projected = project(m, object, record);
        if (projected !== null) kept.push(projected);
      }
      return kept.length;
    },
  };
}
