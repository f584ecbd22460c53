import type { DtsField, DtsSchema, DtsType, DtsValue } from './dts.js';
import { BUILT_IN_SCALARS } from './model.js';
import type { Diagnostics, SchemaField, SchemaType, SchemaValue } from './model.js';
import type { TypeMap, TypeMapArg, TypeMapField } from './type-map.js';
import { namedTypeOf, printTypeRef, sameTypeRef } from './type-ref.js';

const TYPENAME = '__typename';
const UNION_MEMBER_PREFIX = 'on_';

type DtsObject = Extract<DtsType, { kind: 'object' }>;
type DtsInput = Extract<DtsType, { kind: 'input' }>;
type DtsUnion = Extract<DtsType, { kind: 'union' }>;

/**
 * Combines the two readings. The type map decides which types exist, the order of their fields and
 * every argument's type; schema.d.ts decides each type's kind, field types (list and non-null
 * markers), enum values, union members and descriptions. A field or type only one side knows is
 * an error: the SDL must not contain anything neither source vouches for.
 */
export function mergeSources(
  typeMap: TypeMap,
  dts: DtsSchema,
  diagnostics: Diagnostics,
): SchemaType[] {
  const merged: SchemaType[] = [];
  for (const [name, fields] of typeMap.types) {
    const type = mergeType(name, fields, typeMap, dts, diagnostics);
    if (type !== undefined) merged.push(type);
  }
  for (const name of dts.types.keys()) {
    if (!typeMap.types.has(name))
      diagnostics.fail(`${name}: in schema.d.ts but not in the type map`);
  }
  for (const name of dts.scalars) {
    if (!typeMap.leafTypeNames.has(name)) diagnostics.fail(`scalar ${name}: not in the type map`);
  }
  return merged;
}

function mergeType(
  name: string,
  fields: readonly TypeMapField[],
  typeMap: TypeMap,
  dts: DtsSchema,
  diagnostics: Diagnostics,
): SchemaType | undefined {
  const declared = dts.types.get(name);
  if (typeMap.leafTypeNames.has(name)) {
    if (declared?.kind === 'enum') {
      return { kind: 'enum', name, description: declared.doc.description, values: declared.values };
    }
    if (declared === undefined && dts.scalars.includes(name)) {
      return BUILT_IN_SCALARS.has(name)
        ? undefined
        : { kind: 'scalar', name, description: undefined };
    }
    diagnostics.fail(`${name}: a scalar or enum in the type map, neither in schema.d.ts`);
    return undefined;
  }
  switch (declared?.kind) {
    case 'object':
      return mergeObject(declared, fields, dts, diagnostics);
    case 'input':
      return mergeInput(declared, fields, diagnostics);
    case 'union':
      return mergeUnion(declared, fields, diagnostics);
    default:
      diagnostics.fail(`${name}: in the type map, no object, input or union in schema.d.ts`);
      return undefined;
  }
}

function mergeObject(
  declared: DtsObject,
  fields: readonly TypeMapField[],
  dts: DtsSchema,
  diagnostics: Diagnostics,
): SchemaType {
  const name = declared.name;
  const declaredFields = new Map(declared.fields.map((f) => [f.name, f]));
  const merged: SchemaField[] = [];
  for (const field of fields.filter((f) => f.name !== TYPENAME)) {
    const where = `${name}.${field.name}`;
    const typed = matchingField(where, field, declaredFields.get(field.name), diagnostics);
    if (typed === undefined) continue;
    merged.push({
      name: field.name,
      type: typed.type,
      args: mergeArgs(where, field.args, dts.fieldArgs.get(where), diagnostics),
      description: typed.doc.description,
      deprecationReason: typed.doc.deprecationReason,
    });
  }
  failOnUnlisted(name, declared.fields, fields, diagnostics);
  return { kind: 'object', name, description: declared.doc.description, fields: merged };
}

function mergeInput(
  declared: DtsInput,
  fields: readonly TypeMapField[],
  diagnostics: Diagnostics,
): SchemaType {
  const name = declared.name;
  const declaredFields = new Map(declared.fields.map((f) => [f.name, f]));
  const merged: SchemaValue[] = [];
  for (const field of fields.filter((f) => f.name !== TYPENAME)) {
    const where = `${name}.${field.name}`;
    const typed = matchingField(where, field, declaredFields.get(field.name), diagnostics);
    if (typed === undefined) continue;
    warnOnUnknownDefault(where, typed, diagnostics);
    merged.push({ name: field.name, type: typed.type, description: typed.doc.description });
  }
  failOnUnlisted(name, declared.fields, fields, diagnostics);
  return { kind: 'input', name, description: declared.doc.description, fields: merged };
}

/**
 * Members come from schema.d.ts's `(A | B)`; the type map's `on_A` fragment fields should name the
 * same set. Any other type-map field on a union (genql lists fields the members share) has no
 * place in SDL and is left out.
 */
function mergeUnion(
  declared: DtsUnion,
  fields: readonly TypeMapField[],
  diagnostics: Diagnostics,
): SchemaType {
  const fragments = fields
    .filter((f) => f.name.startsWith(UNION_MEMBER_PREFIX))
    .map((f) => f.name.slice(UNION_MEMBER_PREFIX.length));
  const same =
    fragments.length === declared.members.length &&
    fragments.every((member) => declared.members.includes(member));
  if (!same) {
    diagnostics.warn(
      `union ${declared.name}: schema.d.ts has ${declared.members.join(' | ')}, the type map ` +
        `${fragments.join(' | ')}; kept schema.d.ts's`,
    );
  }
  const members = [...declared.members];
  return { kind: 'union', name: declared.name, description: declared.doc.description, members };
}

function matchingField<T extends DtsField | DtsValue>(
  where: string,
  field: TypeMapField,
  declared: T | undefined,
  diagnostics: Diagnostics,
): T | undefined {
  if (declared === undefined) {
    diagnostics.fail(`${where}: in the type map, not in schema.d.ts`);
    return undefined;
  }
  if (namedTypeOf(declared.type) !== field.typeName) {
    diagnostics.fail(
      `${where}: schema.d.ts says ${printTypeRef(declared.type)}, the type map ${field.typeName}`,
    );
    return undefined;
  }
  return declared;
}

function failOnUnlisted(
  name: string,
  declared: readonly { readonly name: string }[],
  fields: readonly TypeMapField[],
  diagnostics: Diagnostics,
): void {
  const listed = new Set(fields.map((f) => f.name));
  for (const field of declared) {
    if (!listed.has(field.name)) diagnostics.fail(`${name}.${field.name}: in schema.d.ts only`);
  }
}

/**
 * The type map's spelling is the server's own (`a.type.toString()`), so it wins; schema.d.ts's
 * `__args` only adds descriptions and a cross-check.
 */
function mergeArgs(
  where: string,
  args: readonly TypeMapArg[],
  declared: readonly DtsValue[] | undefined,
  diagnostics: Diagnostics,
): SchemaValue[] {
  if (args.length > 0 && declared === undefined) {
    diagnostics.warn(
      `${where}: no __args in schema.d.ts to cross-check ${args.length} argument(s)`,
    );
  }
  const byName = new Map((declared ?? []).map((a) => [a.name, a]));
  const merged = args.map((arg) => {
    const twin = byName.get(arg.name);
    if (twin === undefined) {
      diagnostics.warn(`${where}(${arg.name}): not in schema.d.ts's __args`);
    } else if (!sameTypeRef(twin.type, arg.type)) {
      diagnostics.warn(
        `${where}(${arg.name}): type map ${printTypeRef(arg.type)}, schema.d.ts ` +
          `${printTypeRef(twin.type)}; kept the type map's`,
      );
    } else warnOnUnknownDefault(`${where}(${arg.name})`, twin, diagnostics);
    return { name: arg.name, type: arg.type, description: twin?.doc.description };
  });
  const names = new Set(args.map((a) => a.name));
  for (const arg of declared ?? []) {
    if (!names.has(arg.name)) diagnostics.fail(`${where}(${arg.name}): in schema.d.ts only`);
  }
  return merged;
}

/**
 * Neither source keeps default values. A non-null value with a default is printed non-null
 * (its true type), which makes it look required: flagged so a caller knows it may be omitted.
 */
function warnOnUnknownDefault(where: string, value: DtsValue, diagnostics: Diagnostics): void {
  if (value.hasDefault) {
    diagnostics.warn(
      `${where}: ${printTypeRef(value.type)} has a server default not in the package`,
    );
  }
}
