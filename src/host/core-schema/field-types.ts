/**
 * How one field type appears in the schema: its output scalar, its filter input, whether it can
 * be ordered by and how it is grouped by.
 *
 * Source: twentyhq/twenty `packages/twenty-server/src/engine/api/graphql/workspace-schema-builder/
 * services/type-mapper.service.ts` (`mapToScalarType`, `mapToFilterType`, `mapToOrderByType`)
 * and `utils/get-number-filter-type.util.ts`. Where the stored service is newer than 2.43 (an
 * `IDFilter` for ids and foreign keys, a FIELD_PATH type) we keep UUID/UUIDFilter, which
 * 2.43's published client uses.
 */
import { compositeType, type CompositeProperty, type SubFieldType } from './composite-types.js';
import {
  isCompositeFieldType,
  isEnumFieldType,
  joinColumnOf,
  pascalCase,
  type CompositeFieldType,
  type EnumFieldType,
  type FieldMetadata,
  type FieldMetadataType,
  type ObjectMetadata,
} from './object-metadata.js';

export interface AtomicMapping {
  /** The output and input type. */
  readonly scalar: string;
  readonly filter: string;
  readonly orderable: boolean;
  /** The group-by input field type, or absent when the field cannot be grouped by. */
  readonly groupBy?: 'Boolean' | 'GroupByDateGranularityInput';
  /** Whether create and update inputs carry the field. */
  readonly writable: boolean;
}

const BOOLEAN_GROUP = { groupBy: 'Boolean', writable: true, orderable: true } as const;
const DATE_GROUP = {
  groupBy: 'GroupByDateGranularityInput',
  writable: true,
  orderable: true,
} as const;

const ATOMIC: Partial<Record<FieldMetadataType, AtomicMapping>> = {
  UUID: { scalar: 'UUID', filter: 'UUIDFilter', ...BOOLEAN_GROUP },
  TEXT: { scalar: 'String', filter: 'StringFilter', ...BOOLEAN_GROUP },
  DATE_TIME: { scalar: 'DateTime', filter: 'DateTimeFilter', ...DATE_GROUP },
  DATE: { scalar: 'Date', filter: 'DateFilter', ...DATE_GROUP },
  BOOLEAN: { scalar: 'Boolean', filter: 'BooleanFilter', ...BOOLEAN_GROUP },
  NUMBER: { scalar: 'Float', filter: 'FloatFilter', ...BOOLEAN_GROUP },
  NUMERIC: { scalar: 'BigFloat', filter: 'BigFloatFilter', ...BOOLEAN_GROUP },
  POSITION: { scalar: 'Position', filter: 'FloatFilter', ...BOOLEAN_GROUP },
  RAW_JSON: { scalar: 'RawJSONScalar', filter: 'RawJsonFilter', ...BOOLEAN_GROUP },
  ARRAY: { scalar: '[String!]', filter: 'ArrayFilter', ...BOOLEAN_GROUP, orderable: false },
  // UNVERIFIED: FILES has a composite-like object type in the stored repo (`files.object-type.ts`);
  // it is served as raw JSON here until its 2.43 shape is confirmed.
  FILES: { scalar: 'RawJSONScalar', filter: 'RawJsonFilter', orderable: false, writable: true },
  TS_VECTOR: { scalar: 'TSVector', filter: 'TSVectorFilter', orderable: false, writable: false },
};

const INT_NUMBER: AtomicMapping = { scalar: 'Int', filter: 'IntFilter', ...BOOLEAN_GROUP };

/** The kinds of field the generators treat differently. */
export type FieldKind =
  | { readonly kind: 'atomic'; readonly mapping: AtomicMapping }
  | { readonly kind: 'enum'; readonly type: EnumFieldType }
  | { readonly kind: 'composite'; readonly type: CompositeFieldType }
  | { readonly kind: 'manyToOne'; readonly joinColumn: string; readonly target: string }
  | { readonly kind: 'oneToMany'; readonly target: string };

function relationKind(owner: ObjectMetadata, field: FieldMetadata): FieldKind {
  const relation = field.relation;
  if (!relation) throw new Error(`${owner.nameSingular}.${field.name}: RELATION without relation`);
  if (relation.type === 'ONE_TO_MANY') return { kind: 'oneToMany', target: relation.targetObject };
  const joinColumn = joinColumnOf(field) ?? `${field.name}Id`;
  return { kind: 'manyToOne', joinColumn, target: relation.targetObject };
}

export function fieldKind(owner: ObjectMetadata, field: FieldMetadata): FieldKind {
  if (field.type === 'RELATION') return relationKind(owner, field);
  if (isEnumFieldType(field.type)) return { kind: 'enum', type: field.type };
  if (isCompositeFieldType(field.type)) return { kind: 'composite', type: field.type };
  if (field.type === 'NUMBER' && field.settings?.dataType === 'int') {
    return { kind: 'atomic', mapping: INT_NUMBER };
  }
  const mapping = ATOMIC[field.type];
  if (!mapping) {
    // MORPH_RELATION: polymorphic relations are not generated yet.
    throw new Error(`${owner.nameSingular}.${field.name}: ${field.type} fields are not supported`);
  }
  return { kind: 'atomic', mapping };
}

/** `OpportunityStageEnum` (repo `.../enum-types/enum-field-metadata-gql-enum-type.generator.ts`). */
export function fieldEnumName(owner: ObjectMetadata, field: FieldMetadata): string {
  return `${pascalCase(owner.nameSingular)}${pascalCase(field.name)}Enum`;
}

/** `ActorSourceEnum` (repo `.../enum-types/composite-field-metadata-gql-enum-type.generator.ts`). */
export function subFieldEnumName(type: CompositeFieldType, property: CompositeProperty): string {
  return `${pascalCase(type)}${pascalCase(property.name)}Enum`;
}

/** `FullName`, `FullNameFilterInput`, `FullNameCreateInput`… (`pascalCase(type) + kind + Input`). */
export function compositeTypeName(
  type: CompositeFieldType,
  kind: '' | 'Filter' | 'OrderBy' | 'Create' | 'Update' | 'GroupBy',
): string {
  return kind === '' ? pascalCase(type) : `${pascalCase(type)}${kind}Input`;
}

const SUB_FIELD_SCALAR: Record<Exclude<SubFieldType, 'SELECT'>, readonly [string, string]> = {
  TEXT: ['String', 'StringFilter'],
  UUID: ['UUID', 'UUIDFilter'],
  NUMBER: ['Float', 'FloatFilter'],
  NUMERIC: ['BigFloat', 'BigFloatFilter'],
  RAW_JSON: ['RawJSONScalar', 'RawJsonFilter'],
};

/** Output type and filter type of a composite sub-field. */
export function subFieldTypes(
  type: CompositeFieldType,
  property: CompositeProperty,
): { readonly scalar: string; readonly filter: string } {
  if (property.type === 'SELECT') {
    const name = subFieldEnumName(type, property);
    return { scalar: name, filter: `${name}Filter` };
  }
  const [scalar, filter] = SUB_FIELD_SCALAR[property.type];
  return { scalar, filter };
}

export function compositeProperties(type: CompositeFieldType): readonly CompositeProperty[] {
  return compositeType(type).properties;
}
