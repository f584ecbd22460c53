/**
 * The hand-written baseline's tables: per tier and object, frozen field-state tables and frozen
 * permitted-field arrays for each action (with and without the value cap), and a generated
 * object-literal projector for each readable outcome. The field rules are re-stated here as
 * if/else code, sharing nothing with the rule tables the other engines are generated from.
 */
import { applyMask, type MaskKind } from '../../src/index.js';
import { kindOf, type ObjectSpec } from '../model.js';
import type { BenchAction, FieldKind } from '../rules.js';
import type { Row } from '../workload.js';
import type { FieldState, Projection, States } from './types.js';

export const INTERN = 0;
export const JUNIOR = 1;
export const INTERMEDIATE = 2;
export const SENIOR = 3;
export const DIRECTOR = 4;

function stateOf(kind: FieldKind | 'id', tier: number, action: BenchAction): FieldState {
  switch (kind) {
    case 'id':
      return 'read';
    case 'plain':
      return tier >= JUNIOR ? 'edit' : 'read';
    case 'value':
      if (action === 'update' && tier >= INTERMEDIATE) return 'edit';
      return tier >= SENIOR ? 'edit' : tier >= JUNIOR ? 'read' : 'hidden';
    case 'phone':
      if (tier >= SENIOR) return 'edit';
      return tier >= INTERMEDIATE ? 'read' : tier >= JUNIOR ? 'masked' : 'hidden';
    case 'email':
      return tier >= SENIOR ? 'edit' : tier >= JUNIOR ? 'read' : 'masked';
    case 'notes':
      if (action === 'export') return 'hidden';
      return tier >= DIRECTOR ? 'edit' : tier >= SENIOR ? 'read' : 'hidden';
    case 'account':
      return tier >= INTERMEDIATE ? 'masked' : 'hidden';
    case 'margin':
      if (action === 'export') return tier >= DIRECTOR ? 'read' : 'hidden';
      return tier >= DIRECTOR ? 'edit' : tier >= INTERMEDIATE ? 'read' : 'hidden';
  }
}

function maskOf(kind: FieldKind | 'id', tier: number): MaskKind {
  if (kind === 'phone') return 'last4';
  if (kind === 'email') return 'email-domain';
  return tier >= SENIOR ? 'last4' : 'redact';
}

/** One action's answers on a permitted record, uncapped and capped. */
export interface ActionTables {
  readonly states: States;
  readonly cappedStates: States;
  readonly permitted: readonly string[];
  readonly cappedPermitted: readonly string[];
}

export type Projector = (record: Row) => Projection;

export interface ObjectTables {
  readonly hidden: States;
  readonly read: ActionTables;
  readonly update: ActionTables;
  readonly delete: ActionTables;
  readonly create: ActionTables;
  readonly export: ActionTables;
  readonly project: Projector;
  readonly projectCapped: Projector;
}

function permittedOf(action: BenchAction, states: States): readonly string[] {
  const editOnly = action === 'update' || action === 'create';
  return Object.freeze(
    Object.keys(states).filter((f) => (editOnly ? states[f] === 'edit' : states[f] !== 'hidden')),
  );
}

function actionTables(spec: ObjectSpec, tier: number, action: BenchAction): ActionTables {
  const states: Record<string, FieldState> = {};
  for (const field of spec.fields) states[field] = stateOf(kindOf(spec, field), tier, action);
  // The cap hides the value field below senior whatever its state.
  const capped = tier < SENIOR ? { ...states, [spec.value]: 'hidden' as const } : states;
  return {
    states: Object.freeze(states),
    cappedStates: Object.freeze(capped),
    permitted: permittedOf(action, states),
    cappedPermitted: permittedOf(action, capped),
  };
}

const MASKS: Readonly<Record<MaskKind, (value: unknown) => unknown>> = {
  last4: (v) => applyMask('last4', v),
  'email-domain': (v) => applyMask('email-domain', v),
  initials: (v) => applyMask('initials', v),
  redact: (v) => applyMask('redact', v),
};

/**
 * Generates `(r) => ({ "id": r["id"], "phone": M["last4"](r["phone"]), … })` for the readable
 * fields of a state table. Field names are the data model's identifiers, embedded through
 * JSON.stringify.
 */
function compileProjector(spec: ObjectSpec, tier: number, states: States): Projector {
  const parts: string[] = [];
  for (const field of spec.fields) {
    const state = states[field];
    if (state === undefined || state === 'hidden') continue;
    const key = JSON.stringify(field);
    const mask = JSON.stringify(maskOf(kindOf(spec, field), tier));
    parts.push(state === 'masked' ? `${key}: M[${mask}](r[${key}])` : `${key}: r[${key}]`);
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from the data model's field names only
  const make = new Function('M', `return function project(r) { return { ${parts.join(', ')} }; };`);
  return (make as (masks: typeof MASKS) => Projector)(MASKS);
}

export function objectTables(spec: ObjectSpec, tier: number): ObjectTables {
  const hidden = Object.freeze(Object.fromEntries(spec.fields.map((f) => [f, 'hidden' as const])));
  const read = actionTables(spec, tier, 'read');
  return {
    hidden,
    read,
    update: actionTables(spec, tier, 'update'),
    delete: actionTables(spec, tier, 'delete'),
    create: actionTables(spec, tier, 'create'),
    export: actionTables(spec, tier, 'export'),
    project: compileProjector(spec, tier, read.states),
    projectCapped: compileProjector(spec, tier, read.cappedStates),
  };
}

/** The tables of one action, by a switch rather than a keyed lookup. */
export function tablesOf(o: ObjectTables, action: BenchAction): ActionTables {
  switch (action) {
    case 'read':
      return o.read;
    case 'update':
      return o.update;
    case 'delete':
      return o.delete;
    case 'create':
      return o.create;
    case 'export':
      return o.export;
  }
}
