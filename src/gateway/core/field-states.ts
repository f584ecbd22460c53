/**
 * Field states as enforcement reads them, one record at a time: from the table the engine
 * gives for the record (its `when` rules applied), by the field's own name, a relation and its
 * join column (`companyId`, `company`) by the stricter of their rules, and for a field the
 * policy does not list, its `default`. The table is built on first use: many records need no
 * state at all.
 */
import type { Action, FieldState } from '../../policy/schema.js';
import type { GatewayObject } from './model.js';
import { writtenPaths } from './composite-paths.js';
import { linkState, tableOrEngine } from './join-states.js';
import type { Caller } from './caller.js';

type Row = Readonly<Record<string, unknown>>;

/** The states a value is shown in clear: no mask, nothing hidden. */
export const READABLE: ReadonlySet<FieldState> = new Set(['read', 'edit']);

/**
 * A field's state in a table the engine gave (for a record, or for every record): a relation,
 * its join column and its inverse by the one state that governs them (join-states.ts); any
 * other field by its own name, else its `default`.
 */
export function stateIn(
  caller: Caller,
  object: GatewayObject,
  action: Action,
  states: Readonly<Record<string, FieldState>>,
  field: string,
  record?: Row,
): FieldState {
  const own = tableOrEngine(caller, object.name, action, states, record);
  return linkState(caller, object, action, field, own) ?? own(field);
}

export function stateReader(
  caller: Caller,
  object: GatewayObject,
  action: Action,
  record: Row | undefined,
): (field: string) => FieldState {
  let states: Readonly<Record<string, FieldState>> | undefined;
  return (field) => {
    states ??= caller.judge.fields(action, object.name, record);
    return stateIn(caller, object, action, states, field, record);
  };
}

/**
 * The fields and sub-fields of `data` this member may not set (mass assignment), judged on
 * `record`: `amount: { currencyCode }` is refused when `amount.currencyCode` is not editable.
 */
export function notEditable(
  caller: Caller,
  object: GatewayObject,
  action: Action,
  data: Row,
  record: Row,
): string[] {
  const stateOf = stateReader(caller, object, action, record);
  return writtenPaths(object, data).filter((path) => stateOf(path) !== 'edit');
}
