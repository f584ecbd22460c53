/**
 * A many-to-one relation (`pointOfContact`), its join column (`pointOfContactId`) and the
 * inverse one-to-many on the other object (person `pointOfContactForOpportunities`) all tell
 * the same fact: which record this one points to. So one state governs the three:
 *
 * - the relation's own state, capped by the join column's where a field rule of the policy
 *   names the join column (the stricter wins; a join column no rule names follows its
 *   relation, as the owner field `accountOwnerId` follows `accountOwner`);
 * - on the inverse side, that state as it holds on every record of the other object (its
 *   `when` caps applied), since the list of records pointing here reveals each one's join
 *   column. An object left to Twenty (`gateway.nativeObjects`) is Twenty's business.
 */
import { joinColumnOf } from '../../host/core-schema/object-metadata.js';
import { FIELD_STATES, type Action, type FieldState, type Policy } from '../../policy/schema.js';
import type { GatewayObject } from './model.js';
import type { Caller } from './caller.js';

/** The lesser of two states, in the policy's own order (hidden < masked < read < edit). */
export function stricter(a: FieldState, b: FieldState): FieldState {
  return FIELD_STATES.indexOf(a) <= FIELD_STATES.indexOf(b) ? a : b;
}

/** Per policy: `object.field` for every field a role's field rules name. */
const named = new WeakMap<Policy, ReadonlySet<string>>();

/** Whether a field rule of some role names `field` of `object` (not through `default`). */
function ruleNames(policy: Policy, object: string, field: string): boolean {
  let names = named.get(policy);
  if (!names) {
    const found = new Set<string>();
    for (const role of Object.values(policy.roles))
      for (const [name, rules] of Object.entries(role.objects))
        for (const key of Object.keys(rules.fields ?? {})) found.add(`${name}.${key}`);
    names = found;
    named.set(policy, names);
  }
  return names.has(`${object}.${field}`);
}

/** The relation and join column a field name stands for, when it is either. */
function manyToOne(
  object: GatewayObject,
  field: string,
): { readonly relation: string; readonly joinColumn: string } | undefined {
  const relation = object.stateField(field);
  const metadata = object.fields.get(relation);
  const joinColumn = metadata && joinColumnOf(metadata);
  if (joinColumn === undefined || (field !== relation && field !== joinColumn)) return undefined;
  return { relation, joinColumn };
}

/**
 * The many-to-one field of `target` that points at `object`, when exactly one does; otherwise
 * nothing vouches for the list and it is hidden.
 */
function soleInverse(target: GatewayObject, object: string): string | undefined {
  const found = [...target.fields.values()].filter(
    (f) => f.relation?.type === 'MANY_TO_ONE' && f.relation.targetObject === object,
  );
  return found.length === 1 ? found[0]?.name : undefined;
}

/**
 * A field's state from a table the engine gave, by its own name; a field the table lacks, as
 * the engine decides it (for the record, when there is one).
 */
export function tableOrEngine(
  caller: Caller,
  object: string,
  action: Action,
  table: Readonly<Record<string, FieldState>>,
  record?: Readonly<Record<string, unknown>>,
): (field: string) => FieldState {
  return (field) =>
    Object.hasOwn(table, field)
      ? (table[field] as FieldState)
      : caller.judge.fieldState(action, object, field, record);
}

/**
 * The state of `field` when it is a relation or a join column; undefined for any other field.
 * `own(name)` is a name's own state in the table at hand.
 */
export function linkState(
  caller: Caller,
  object: GatewayObject,
  action: Action,
  field: string,
  own: (name: string) => FieldState,
): FieldState | undefined {
  const link = manyToOne(object, field);
  if (link) {
    const state = own(link.relation);
    return ruleNames(caller.policy, object.name, link.joinColumn)
      ? stricter(state, own(link.joinColumn))
      : state;
  }
  const relation = object.fields.get(field)?.relation;
  if (relation?.type !== 'ONE_TO_MANY' || action !== 'read') return undefined;
  const target = object.relatedObject(field);
  const native = caller.policy.gateway?.nativeObjects ?? [];
  if (!target || native.includes(target.name)) return own(field);
  const floor = caller.judge.fieldFloor('read', target.name);
  const back = relation.targetField ?? soleInverse(target, object.name);
  const inverse =
    back === undefined
      ? undefined
      : linkState(caller, target, 'read', back, tableOrEngine(caller, target.name, action, floor));
  return stricter(own(field), inverse ?? 'hidden');
}
