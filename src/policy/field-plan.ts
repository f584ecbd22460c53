/**
 * Field states for one (member, object), compiled once (POLICY.md §2 "Field states"):
 * - per source, a listed field takes its tier map's step value (hidden below its lowest key),
 *   an unlisted one takes `default` (hidden without one);
 * - a `when` rule whose `if` holds on the record caps the field, for sources below `below`;
 * - a sub-field rule (`phones.primaryPhoneNumber`) can only narrow its field;
 * - sources combine by maximum; `id` is always readable.
 * Projection goes through an allow-list compiled into an object-literal function per plan, so
 * records are built with their final shape, never copied and then pruned.
 */
import { compileCondition, type CompiledCondition } from './condition.js';
import { codeOf, describeCode, HIDDEN, maskOf, READ, type FieldCode } from './field-state.js';
import { applyMask } from './mask.js';
import type { FieldRule, FieldStateValue } from './schema.js';
import type { Source } from './sources.js';
import { stepAt, type TierOrder } from './tier-map.js';

type Row = Readonly<Record<string, unknown>>;

interface Cap {
  readonly test: CompiledCondition;
  readonly code: FieldCode;
  readonly path: string;
}

/** One source's contribution to one field. */
interface SourceField {
  readonly code: FieldCode;
  readonly path: string;
  readonly caps: readonly Cap[];
}

interface SourceFields {
  field(name: string): SourceField;
}

export interface FieldPlan {
  /** Every known field and sub-field with its state before `when` rules. */
  readonly codes: ReadonlyMap<string, FieldCode>;
  /** The state of a field the policy does not name. */
  readonly defaultCode: FieldCode;
  /** Fields whose state depends on the record. */
  readonly conditional: ReadonlySet<string>;
  codeFor(field: string, record: Row | undefined): FieldCode;
  reasonFor(field: string, record: Row | undefined): string;
  project(record: Row): Record<string, unknown>;
}

function sourceFields(source: Source, object: string, order: TierOrder): SourceFields {
  if (source.kind === 'object') {
    const fields = source.object === object ? source.fields : {};
    const fallback = fields.default;
    const field = (name: string): SourceField => {
      const listed = Object.hasOwn(fields, name) && name !== 'default';
      if (!listed && name.includes('.')) return field(parentOf(name));
      const value: FieldStateValue | undefined = listed ? fields[name] : fallback;
      const path = `${source.path}.fields.${listed ? name : 'default'}`;
      return { code: value === undefined ? HIDDEN : codeOf(value), path, caps: [] };
    };
    return { field };
  }
  const rules: Readonly<Record<string, FieldRule>> =
    (Object.hasOwn(source.objects, object) ? source.objects[object]?.fields : undefined) ?? {};
  const base = `${source.path}.objects.${object}.fields`;
  const field = (name: string): SourceField => {
    const listed = Object.hasOwn(rules, name) && name !== 'default';
    // A sub-field with no rule of its own follows its field.
    if (!listed && name.includes('.')) return field(parentOf(name));
    const rule = listed ? rules[name] : rules.default;
    const step = stepAt(tierValues(rule), source.tierIndex, order);
    const key = listed ? name : 'default';
    const caps: Cap[] = [];
    (listed ? rule?.when : undefined)?.forEach((when, i) => {
      const below = when.below === undefined ? Infinity : (order.index.get(when.below) ?? Infinity);
      if (source.tierIndex < below) {
        caps.push({
          test: compileCondition(when.if),
          code: codeOf(when.state),
          path: `${base}.${key}.when[${i}]`,
        });
      }
    });
    return {
      code: step ? codeOf(step.value) : HIDDEN,
      path: step ? `${base}.${key}.${step.key}` : `${base}.${key}`,
      caps,
    };
  };
  return { field };
}

/** A field rule's tier map, without its `when` list. */
function tierValues(
  rule: FieldRule | undefined,
): Readonly<Record<string, FieldStateValue>> | undefined {
  if (!rule) return undefined;
  const { when: _when, ...tiers } = rule;
  return tiers;
}

function parentOf(name: string): string {
  return name.slice(0, name.indexOf('.'));
}

function capped(field: SourceField, record: Row | undefined): FieldCode {
  let code = field.code;
  if (record)
    for (const cap of field.caps) if (cap.test(record) === true && cap.code < code) code = cap.code;
  return code;
}

function emit(code: FieldCode, value: unknown): unknown {
  if (code === HIDDEN) return undefined;
  const mask = maskOf(code);
  return mask ? applyMask(mask, value) : value;
}

export function buildFieldPlan(
  sources: readonly Source[],
  object: string,
  order: TierOrder,
  knownFields: readonly string[],
  declared: boolean,
): FieldPlan {
  const perSource = sources.map((s) => sourceFields(s, object, order));
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
      list = perSource.map((s) => s.field(name));
      entries.set(name, list);
    }
    return list;
  };
  const topCode = (name: string, record: Row | undefined): FieldCode => {
    if (name === 'id') return READ;
    let code = HIDDEN;
    for (const entry of entriesOf(name)) code = Math.max(code, capped(entry, record)) as FieldCode;
    return code;
  };
  const codeFor = (name: string, record: Row | undefined): FieldCode => {
    if (!name.includes('.')) return topCode(name, record);
    return Math.min(topCode(parentOf(name), record), topCode(name, record)) as FieldCode;
  };

  const codes = new Map<string, FieldCode>();
  const conditional = new Set<string>();
  for (const name of names) {
    codes.set(name, codeFor(name, undefined));
    if (entriesOf(name).some((e) => e.caps.length > 0)) {
      conditional.add(name);
      conditional.add(name.split('.')[0] as string);
    }
  }
  // A sub-field follows its field's when rules, so it depends on the record when its field does.
  for (const name of names) {
    if (name.includes('.') && conditional.has(parentOf(name))) conditional.add(name);
  }
  // A name no rule lists takes each source's default.
  const unlisted = '\u0000unlisted';
  const defaultCode = perSource.reduce<FieldCode>(
    (max, s) => Math.max(max, s.field(unlisted).code) as FieldCode,
    HIDDEN,
  );
  const subFields = new Map<string, string[]>();
  for (const name of names) {
    const dot = name.indexOf('.');
    if (dot > 0)
      subFields.set(name.slice(0, dot), [
        ...(subFields.get(name.slice(0, dot)) ?? []),
        name.slice(dot + 1),
      ]);
  }

  const reasonFor = (name: string, record: Row | undefined): string => {
    const code = codeFor(name, record);
    if (name === 'id') return 'id: always readable on a record the member may read';
    const top = name.split('.')[0] as string;
    const entry =
      entriesOf(name).find((e) => capped(e, record) === code) ??
      entriesOf(top).find((e) => capped(e, record) >= code);
    const cap = record
      ? entry?.caps.find((c) => c.test(record) === true && c.code === code)
      : undefined;
    return `${cap?.path ?? entry?.path ?? 'no-rule'}: ${name} ${describeCode(code)}`;
  };

  const project = compileProjector(
    [...names].filter((n) => !n.includes('.')),
    codes,
    conditional,
    subFields,
    codeFor,
    declared ? undefined : defaultCode,
  );
  return { codes, defaultCode, conditional, codeFor, reasonFor, project };
}

type Dynamic = (record: Row) => unknown;

/**
 * Generates `(r) => ({ "id": r["id"], "phones": M("last4", r["phones"]), … })` for the fields
 * the member may see. Field names passed the schema's identifier check and are embedded through
 * JSON.stringify, so no policy text becomes code.
 */
function compileProjector(
  fields: readonly string[],
  codes: ReadonlyMap<string, FieldCode>,
  conditional: ReadonlySet<string>,
  subFields: ReadonlyMap<string, readonly string[]>,
  codeFor: (name: string, record: Row | undefined) => FieldCode,
  extraCode: FieldCode | undefined,
): (record: Row) => Record<string, unknown> {
  const dynamic: Dynamic[] = [];
  const parts: string[] = [];
  for (const name of fields) {
    const key = JSON.stringify(name);
    const code = codes.get(name) ?? HIDDEN;
    if (conditional.has(name) || subFields.has(name)) {
      const subs = subFields.get(name) ?? [];
      dynamic.push((r) => projectComposite(r, name, subs, codeFor));
      parts.push(`${key}: D[${dynamic.length - 1}](r)`);
    } else if (code === HIDDEN) {
      continue;
    } else if (maskOf(code)) {
      parts.push(`${key}: M(${JSON.stringify(maskOf(code))}, r[${key}])`);
    } else {
      parts.push(`${key}: r[${key}]`);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from checked identifiers only, see above
  const make = new Function(
    'M',
    'D',
    `return function project(r) { return { ${parts.join(', ')} }; };`,
  ) as (
    mask: typeof applyMask,
    dyn: readonly Dynamic[],
  ) => (record: Row) => Record<string, unknown>;
  const known = make(applyMask, dynamic);
  if (extraCode === undefined || extraCode === HIDDEN) return known;
  // No declared data model: fields the policy does not name take the default state.
  const named = new Set(fields);
  return (record) => {
    const out = known(record);
    for (const key of Object.keys(record))
      if (!named.has(key)) out[key] = emit(extraCode, record[key]);
    return out;
  };
}

function projectComposite(
  record: Row,
  name: string,
  subs: readonly string[],
  codeFor: (name: string, record: Row | undefined) => FieldCode,
): unknown {
  const code = codeFor(name, record);
  const value = record[name];
  if (
    code === HIDDEN ||
    subs.length === 0 ||
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value)
  ) {
    return emit(code, value);
  }
  const out: Record<string, unknown> = {};
  for (const [sub, leaf] of Object.entries(value)) {
    const subCode = subs.includes(sub) ? codeFor(`${name}.${sub}`, record) : code;
    if (subCode !== HIDDEN) out[sub] = emit(subCode, leaf);
  }
  return out;
}
