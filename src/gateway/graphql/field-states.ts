/**
 * Field states as enforcement reads them, one record at a time: from the table the engine
 * gives for the record (its `when` rules applied), by the field's own name first, then by the
 * relation a join column follows (`companyId` → `company`), and for a field the policy does not
 * list, its `default`. The table is built on first use: many records need no state at all.
 */
import type { Action, FieldState } from '../../policy/schema.js';
import type { GatewayObject } from '../model.js';
import type { Caller } from './prepare.js';

type Row = Readonly<Record<string, unknown>>;

/**
 * A field's state in a table the engine gave (for a record, or for every record): by the
 * field's own name, then by the relation a join column follows, else its `default`.
 */
export function stateIn(
  caller: Caller,
  object: GatewayObject,
  action: Action,
  states: Readonly<Record<string, FieldState>>,
  field: string,
  record?: Row,
): FieldState {
  if (Object.hasOwn(states, field)) return states[field] as FieldState;
  const name = object.stateField(field);
  if (Object.hasOwn(states, name)) return states[name] as FieldState;
  return caller.engine.fieldState({
    member: caller.member,
    object: object.name,
    action,
    field: name,
    record,
  });
}

export function stateReader(
  caller: Caller,
  object: GatewayObject,
  action: Action,
  record: Row | undefined,
): (field: string) => FieldState {
  let states: Readonly<Record<string, FieldState>> | undefined;
  return (field) => {
    states ??= caller.engine.fieldStates({
      member: caller.member,
      object: object.name,
      action,
      record,
    });
    return stateIn(caller, object, action, states, field, record);
  };
}

/** The fields of `data` this member may not set (mass assignment), judged on `record`. */
export function notEditable(
  caller: Caller,
  object: GatewayObject,
  action: Action,
  data: Row,
  record: Row,
): string[] {
  const stateOf = stateReader(caller, object, action, record);
  return Object.keys(data).filter((key) => stateOf(key) !== 'edit');
}
