/**
 * Projectors: a record as a member may see it, built as an object literal with its final shape
 * (hidden fields never become keys, masks applied), never copied and then pruned. A projector
 * is generated once per field-state table; objects built key by key fall into V8's slow
 * dictionary mode, literals keep a fast shape (PERFORMANCE.md "Projection dominates lists").
 */
import { HIDDEN, maskOf, type FieldCode } from './field-state.js';
import { applyMask } from './mask.js';

type Row = Readonly<Record<string, unknown>>;
export type Projector = (record: Row) => Record<string, unknown>;

/** What one field of the table shows: its state, and its sub-fields' where they differ. */
export interface ProjectedField {
  readonly name: string;
  readonly code: FieldCode;
  /** Sub-field states of a composite field, where a rule names them. */
  readonly subCodes?: ReadonlyMap<string, FieldCode>;
}

export function emit(code: FieldCode, value: unknown): unknown {
  if (code === HIDDEN) return undefined;
  const mask = maskOf(code);
  return mask ? applyMask(mask, value) : value;
}

function projectComposite(
  value: unknown,
  code: FieldCode,
  subCodes: ReadonlyMap<string, FieldCode>,
): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return emit(code, value);
  const out: Record<string, unknown> = {};
  for (const [sub, leaf] of Object.entries(value)) {
    const subCode = subCodes.get(sub) ?? code;
    if (subCode !== HIDDEN) out[sub] = emit(subCode, leaf);
  }
  return out;
}

/**
 * Generates `(r) => ({ "id": r["id"], "phones": M("last4", r["phones"]), … })`. Field names
 * passed the schema's identifier check and are embedded through JSON.stringify, so no policy
 * text becomes code. `extraCode` is the state of record keys outside the table (undefined: drop
 * them, as when the object declares its data model).
 */
export function compileProjector(
  fields: readonly ProjectedField[],
  extraCode: FieldCode | undefined,
): Projector {
  const composites: ((record: Row) => unknown)[] = [];
  const parts: string[] = [];
  for (const { name, code, subCodes } of fields) {
    if (code === HIDDEN) continue;
    const key = JSON.stringify(name);
    if (subCodes && subCodes.size > 0) {
      composites.push((r) => projectComposite(r[name], code, subCodes));
      parts.push(`${key}: C[${composites.length - 1}](r)`);
    } else if (maskOf(code)) {
      parts.push(`${key}: M(${JSON.stringify(maskOf(code))}, r[${key}])`);
    } else {
      parts.push(`${key}: r[${key}]`);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- generated from checked identifiers only, see above
  const make = new Function(
    'M',
    'C',
    `return function project(r) { return { ${parts.join(', ')} }; };`,
  ) as (mask: typeof applyMask, composite: readonly ((record: Row) => unknown)[]) => Projector;
  const known = make(applyMask, composites);
  if (extraCode === undefined || extraCode === HIDDEN) return known;
  const named = new Set(fields.map((f) => f.name));
  return (record) => {
    const out = known(record);
    for (const key of Object.keys(record))
      if (!named.has(key)) out[key] = emit(extraCode, record[key]);
    return out;
  };
}

/** A frozen object with a fast V8 shape, whatever the number of keys. */
export function fastTable<V>(entries: Iterable<readonly [string, V]>): Readonly<Record<string, V>> {
  // JSON.parse builds objects through shape transitions, as a literal does; `o[k] = v` over
  // dozens of computed keys would leave the object in dictionary mode.
  return Object.freeze(
    JSON.parse(JSON.stringify(Object.fromEntries(entries))) as Record<string, V>,
  );
}
