/**
 * Field states for one set of sources on one object, compiled once (docs/policy.md §11):
 * - per source, a listed field takes its tier map's step value (hidden below its lowest key),
 *   an unlisted one takes `default` (hidden without one);
 * - a `when` rule whose `if` holds on the record caps the field, for sources below `below`;
 * - a sub-field rule (`phones.primaryPhoneNumber`) can only narrow its field;
 * - sources combine by maximum; `id` is always readable.
 *
 * A record changes states only through which `when` rules hold on it. Those outcomes are a bit
 * mask over the plan's rules; the state table and the projector of each outcome are built once
 * and reused, so a decision on a record allocates nothing.
 */
import type { CompiledCondition, Condition } from './condition.js';
import { compileMask, type CompiledMask } from './allow-code.js';
import type { CodeTable } from './code-table.js';
import { compileResolved } from './member-refs.js';
import { fieldStepAt } from './field-rules.js';
import {
  codeOf,
  describeCode,
  EDIT,
  HIDDEN,
  READ,
  stateOf,
  type FieldCode,
} from './field-state.js';
import { compileProjector, fastTable, type ProjectedField, type Projector } from './projector.js';
import type { Action, FieldRule, FieldState, FieldStateValue } from './schema.js';
import type { Source } from './sources.js';
import type { TierOrder } from './tier-map.js';

type Row = Readonly<Record<string, unknown>>;

interface Cap {
  /** Its bit in an outcome mask. */
  readonly index: number;
  readonly test: CompiledCondition;
  /** The condition `test` compiles, resolved for the member. */
  readonly condition: Condition;
  readonly code: FieldCode;
  readonly path: string;
}

/** One source's contribution to one field. */
interface SourceField {
  readonly code: FieldCode;
  readonly path: string;
  readonly caps: readonly Cap[];
}

/** Which caps hold: on a record, or in a precomputed outcome. */
type Holds = (cap: Cap) => boolean;

export interface FieldPlan {
  /** Every known field and sub-field with its state before `when` rules. */
  readonly codes: ReadonlyMap<string, FieldCode>;
  /** Fields whose state depends on the record. */
  readonly conditional: ReadonlySet<string>;
  /** The same names, all hidden: the answer when the action is denied. */
  readonly hidden: Readonly<Record<string, FieldState>>;
  /**
   * The states that hold whatever the record: every `when` cap applied. What an enforcement
   * point may let a member filter, sort or group by without learning a capped value.
   */
  readonly floor: Readonly<Record<string, FieldState>>;
  /** The states of every known field, for a record (its `when` rules applied) or for none. */
  statesFor(record: Row | undefined): Readonly<Record<string, FieldState>>;
  codeFor(field: string, record: Row | undefined): FieldCode;
  reasonFor(field: string, record: Row | undefined): string;
  project(record: Row): Record<string, unknown>;
  /** The fields in state edit (`editable`) or not hidden, as a frozen list kept per outcome. */
  permitted(record: Row | undefined, editable: boolean): readonly string[];
  /**
   * The same lists as plain data, for a caller that keeps them per plan: `mask` says which caps
   * hold on a record (null: none can), and `at(mask)` gives that outcome's two lists.
   * Undefined past 8 caps (256 outcomes), which the plan itself keeps within a bound.
   */
  permittedTable(): PermittedTable | undefined;
}

/** See `FieldPlan.permittedTable`. */
export interface PermittedTable {
  /** Which caps hold on a record; null when the plan has none. */
  readonly mask: CompiledMask | null;
  /** The caps' conditions, bit i for condition i of the mask. */
  readonly conditions: readonly Condition[];
  at(mask: number): { readonly visible: readonly string[]; readonly editable: readonly string[] };
}

/** How many outcomes a plan keeps tables and projectors for; rarer ones are built per call. */
const MAX_OUTCOMES = 256;

function parentOf(name: string): string {
  return name.slice(0, name.indexOf('.'));
}

type CapRegistry = (path: string, make: () => Omit<Cap, 'index'>) => Cap;

/** What a field plan is built for: the member's sources on an object, for one action. */
export interface FieldPlanInput {
  readonly sources: readonly Source[];
  readonly object: string;
  readonly order: TierOrder;
  /** Every field the policy or data model names on the object. */
  readonly knownFields: readonly string[];
  /** Whether the object declares its data model (then record keys outside it are dropped). */
  readonly declared: boolean;
  /** The action whose per-action field maps apply; none: the fields' own maps. */
  readonly action?: Action | undefined;
  /** Puts the member's values in a `when` condition's `$member` references. */
  readonly resolve?: ((condition: Condition) => Condition) | undefined;
  /** The engine's table of generated cap masks. */
  readonly masks: CodeTable<number>;
}

function sourceFields(
  source: Source,
  input: FieldPlanInput,
  cap: CapRegistry,
): (name: string) => SourceField {
  const { object, order } = input;
  if (source.kind === 'object') {
    const fields = source.object === object ? source.fields : {};
    const field = (name: string): SourceField => {
      const listed = Object.hasOwn(fields, name) && name !== 'default';
      // A sub-field with no rule of its own follows its field.
      if (!listed && name.includes('.')) return field(parentOf(name));
      const value: FieldStateValue | undefined = listed ? fields[name] : fields.default;
      const path = `${source.path}.fields.${listed ? name : 'default'}`;
      return { code: value === undefined ? HIDDEN : codeOf(value), path, caps: [] };
    };
    return field;
  }
  const rules: Readonly<Record<string, FieldRule>> =
    (Object.hasOwn(source.objects, object) ? source.objects[object]?.fields : undefined) ?? {};
  const base = `${source.path}.objects.${object}.fields`;
  const field = (name: string): SourceField => {
    const listed = Object.hasOwn(rules, name) && name !== 'default';
    if (!listed && name.includes('.')) return field(parentOf(name));
    const rule = listed ? rules[name] : rules.default;
    const step = fieldStepAt(rule, input.action, source.tierIndex, order);
    const key = listed ? name : 'default';
    const caps: Cap[] = [];
    (listed ? rule?.when : undefined)?.forEach((when, i) => {
      const below = when.below === undefined ? Infinity : (order.index.get(when.below) ?? Infinity);
      const path = `${base}.${key}.when[${i}]`;
      if (source.tierIndex < below) {
        caps.push(
          cap(path, () => {
            const condition = input.resolve ? input.resolve(when.if) : when.if;
            return { test: compileResolved(condition), condition, code: codeOf(when.state), path };
          }),
        );
      }
    });
    return {
      code: step ? codeOf(step.value) : HIDDEN,
      path: step ? `${base}.${key}.${step.key}` : `${base}.${key}`,
      caps,
    };
  };
  return field;
}

function capped(field: SourceField, holds: Holds): FieldCode {
  let code = field.code;
  for (const cap of field.caps) if (cap.code < code && holds(cap)) code = cap.code;
  return code;
}

const NOTHING_HOLDS: Holds = () => false;
const EVERY_CAP_HOLDS: Holds = () => true;
const holdsOn =
  (record: Row): Holds =>
  (cap) =>
    cap.test(record) === true;

/** Every known field's code per source, with the `when` caps registered: a plan's raw material. */
interface FieldCodes {
  readonly caps: readonly Cap[];
  readonly names: ReadonlySet<string>;
  readonly codes: ReadonlyMap<string, FieldCode>;
  readonly conditional: ReadonlySet<string>;
  readonly defaultCode: FieldCode;
  readonly entriesOf: (name: string) => SourceField[];
  readonly codeWith: (name: string, holds: Holds) => FieldCode;
}

function fieldCodes(input: FieldPlanInput): FieldCodes {
  const { sources, object, knownFields } = input;
  const caps: Cap[] = [];
  const capsByPath = new Map<string, Cap>();
  const registry: CapRegistry = (path, make) => {
    let found = capsByPath.get(path);
    if (!found) {
      found = { ...make(), index: caps.length };
      caps.push(found);
      capsByPath.set(path, found);
    }
    return found;
  };
  const perSource = sources.map((s) => sourceFields(s, input, registry));
  const names = new Set(knownFields);
  for (const s of sources) {
    const listed =
      s.kind === 'object'
        ? s.object === object
          ? Object.keys(s.fields)
          : []
        : Object.keys(s.objects[object]?.fields ?? {});
    for (const f of listed) {
      if (f === 'default') continue;
      // A sub-field is projected through its field, so the field must be known too.
      if (f.includes('.')) names.add(parentOf(f));
      names.add(f);
    }
  }
  const entries = new Map<string, SourceField[]>();
  const entriesOf = (name: string): SourceField[] => {
    let list = entries.get(name);
    if (!list) {
      list = perSource.map((field) => field(name));
      entries.set(name, list);
    }
    return list;
  };
  const topCode = (name: string, holds: Holds): FieldCode => {
    if (name === 'id') return READ;
    let code = HIDDEN;
    for (const entry of entriesOf(name)) code = Math.max(code, capped(entry, holds)) as FieldCode;
    return code;
  };
  const codeWith = (name: string, holds: Holds): FieldCode =>
    name.includes('.')
      ? (Math.min(topCode(parentOf(name), holds), topCode(name, holds)) as FieldCode)
      : topCode(name, holds);

  const codes = new Map<string, FieldCode>();
  const conditional = new Set<string>();
  for (const name of names) {
    codes.set(name, codeWith(name, NOTHING_HOLDS));
    if (entriesOf(name).some((e) => e.caps.length > 0)) {
      conditional.add(name);
      conditional.add(name.split('.')[0] as string);
    }
  }
  // A sub-field follows its field's when rules, so it depends on the record when its field does.
  for (const name of names)
    if (name.includes('.') && conditional.has(parentOf(name))) conditional.add(name);
  const defaultCode = perSource.reduce<FieldCode>(
    (max, field) => Math.max(max, field('\u0000unlisted').code) as FieldCode,
    HIDDEN,
  );
  return { caps, names, codes, conditional, defaultCode, entriesOf, codeWith };
}

/** The state table, projector and permitted lists of one outcome of the caps. */
interface Outcome {
  readonly states: Readonly<Record<string, FieldState>>;
  readonly project: Projector;
  readonly visible: readonly string[];
  readonly editable: readonly string[];
}

function outcomeBuilder(
  { names, codeWith, defaultCode }: FieldCodes,
  declared: boolean,
): (holds: Holds) => Outcome {
  const topNames = [...names].filter((n) => !n.includes('.'));
  const subNames = [...names].filter((n) => n.includes('.'));

  return (holds: Holds): Outcome => {
    const byName = [...names].map((n) => [n, codeWith(n, holds)] as const);
    const states = fastTable(byName.map(([n, code]) => [n, stateOf(code)] as const));
    const visible = Object.freeze(byName.filter(([, code]) => code !== HIDDEN).map(([n]) => n));
    const editable = Object.freeze(byName.filter(([, code]) => code === EDIT).map(([n]) => n));
    const fields: ProjectedField[] = topNames.map((name) => {
      const subs = subNames.filter((s) => parentOf(s) === name);
      const subCodes = new Map(
        subs.map((s) => [s.slice(name.length + 1), codeWith(s, holds)] as const),
      );
      return { name, code: codeWith(name, holds), ...(subs.length > 0 ? { subCodes } : {}) };
    });
    return {
      states,
      project: compileProjector(fields, declared ? undefined : defaultCode),
      visible,
      editable,
    };
  };
}

/** Outcomes by which caps hold, built on first use and kept (within a bound). */
function outcomeCache(
  caps: readonly Cap[],
  outcome: (holds: Holds) => Outcome,
  masks: CodeTable<number>,
): {
  readonly outcomeOf: (record: Row | undefined) => Outcome;
  readonly outcomeFor: (mask: number) => Outcome;
  readonly mask: () => CompiledMask;
} {
  /** The outcome where no rule holds: every record's, when the plan has no `when` rules. */
  let none: Outcome | undefined;
  const outcomes = new Map<number, Outcome>();
  const byMask: (Outcome | undefined)[] = [];
  /** Which caps hold on a record, generated once every cap is known. */
  let maskOf: CompiledMask | undefined;
  const outcomeOf = (record: Row | undefined): Outcome => {
    if (record === undefined || caps.length === 0) return (none ??= outcome(NOTHING_HOLDS));
    if (caps.length > 30) return outcome(holdsOn(record));
    return outcomeFor(mask().mask(record));
  };
  /** The outcome where exactly the caps of `mask` hold, kept once built. */
  const outcomeFor = (mask: number): Outcome => {
    if (mask === 0) return (none ??= outcome(NOTHING_HOLDS));
    // Few caps (the usual case): every outcome has a slot, found by index rather than hashing.
    if (caps.length <= 8)
      return (byMask[mask] ??= outcome((cap) => (mask & (1 << cap.index)) !== 0));
    let found = outcomes.get(mask);
    if (!found) {
      found = outcome((cap) => (mask & (1 << cap.index)) !== 0);
      // Past the bound, a rare outcome is built per call rather than kept.
      if (outcomes.size < MAX_OUTCOMES) outcomes.set(mask, found);
    }
    return found;
  };

  const mask = (): CompiledMask =>
    (maskOf ??= compileMask(
      caps.map((c) => c.condition),
      masks,
    ));
  return { outcomeOf, outcomeFor, mask };
}

export function buildFieldPlan(input: FieldPlanInput): FieldPlan {
  const built = fieldCodes(input);
  const { caps, names, codes, conditional, entriesOf, codeWith } = built;
  const { outcomeOf, outcomeFor, mask } = outcomeCache(
    caps,
    outcomeBuilder(built, input.declared),
    input.masks,
  );
  const reasonFor = (name: string, record: Row | undefined): string => {
    const holds = record ? holdsOn(record) : NOTHING_HOLDS;
    const code = codeWith(name, holds);
    if (name === 'id') return 'id: always readable on a record the member may read';
    const top = name.split('.')[0] as string;
    const entry =
      entriesOf(name).find((e) => capped(e, holds) === code) ??
      entriesOf(top).find((e) => capped(e, holds) >= code);
    const cap = entry?.caps.find((c) => c.code === code && holds(c));
    return `${cap?.path ?? entry?.path ?? 'no-rule'}: ${name} ${describeCode(code)}`;
  };

  return {
    codes,
    conditional,
    hidden: fastTable([...names].map((n) => [n, 'hidden'] as const)),
    floor: fastTable([...names].map((n) => [n, stateOf(codeWith(n, EVERY_CAP_HOLDS))] as const)),
    statesFor: (record) => outcomeOf(record).states,
    codeFor: (name, record) => codeWith(name, record ? holdsOn(record) : NOTHING_HOLDS),
    reasonFor,
    project: (record) => outcomeOf(record).project(record),
    permitted: (record, editable) => {
      const found = outcomeOf(record);
      return editable ? found.editable : found.visible;
    },
    permittedTable: () => {
      // Up to 8 caps, 256 outcomes at most: a caller may keep a slot for each.
      if (caps.length > 8) return undefined;
      return {
        mask: caps.length === 0 ? null : mask(),
        conditions: caps.map((c) => c.condition),
        at: outcomeFor,
      };
    },
  };
}
