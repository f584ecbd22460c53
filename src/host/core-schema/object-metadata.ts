/**
 * Object and field metadata as Twenty's metadata API returns it (`Object`, `Field` in
 * graphql/schema/metadata.graphql), reduced to what the core schema is generated from. The same shape describes the
 * standard objects (standard-objects.ts) and custom objects created at run time.
 */

/** Field types of Twenty 2.43 (the metadata schema's `FieldMetadataType`). */
export const FIELD_METADATA_TYPES = [
  'ACTOR',
  'ADDRESS',
  'ARRAY',
  'BOOLEAN',
  'CURRENCY',
  'DATE',
  'DATE_TIME',
  'EMAILS',
  'FILES',
  'FULL_NAME',
  'LINKS',
  'MORPH_RELATION',
  'MULTI_SELECT',
  'NUMBER',
  'NUMERIC',
  'PHONES',
  'POSITION',
  'RATING',
  'RAW_JSON',
  'RELATION',
  'RICH_TEXT',
  'SELECT',
  'TEXT',
  'TS_VECTOR',
  'UUID',
] as const;

export type FieldMetadataType = (typeof FIELD_METADATA_TYPES)[number];

/** Field types stored as several columns; each has a GraphQL object type of its own. */
export const COMPOSITE_FIELD_TYPES = [
  'ACTOR',
  'ADDRESS',
  'CURRENCY',
  'EMAILS',
  'FULL_NAME',
  'LINKS',
  'PHONES',
  'RICH_TEXT',
] as const;

export type CompositeFieldType = (typeof COMPOSITE_FIELD_TYPES)[number];

/** Field types whose values are a per-field GraphQL enum built from `options`. */
export type EnumFieldType = 'SELECT' | 'MULTI_SELECT' | 'RATING';

/** One choice of a SELECT, MULTI_SELECT or RATING field: `[{value,label,color,position}]`. */
export interface FieldOption {
  readonly value: string;
  readonly label: string;
  readonly position: number;
  readonly color?: string;
}

export type RelationType = 'MANY_TO_ONE' | 'ONE_TO_MANY';

/**
 * The relation of a RELATION field. A MANY_TO_ONE side holds the foreign key `joinColumn`
 * (`companyId` for `company`); the ONE_TO_MANY side lists the records pointing back at it.
 */
export interface RelationMetadata {
  readonly type: RelationType;
  /** nameSingular of the object at the other end. */
  readonly targetObject: string;
  /** The field at the other end, when the inverse side is declared. */
  readonly targetField?: string;
  /** MANY_TO_ONE only: the foreign-key column, conventionally `<name>Id`. */
  readonly joinColumn?: string;
}

/** NUMBER settings: Twenty maps `int` to Int and everything else to Float. */
export interface NumberSettings {
  readonly dataType?: 'float' | 'int' | 'bigint';
}

export interface FieldMetadata {
  readonly name: string;
  readonly label: string;
  readonly type: FieldMetadataType;
  readonly isNullable: boolean;
  readonly isSystem?: boolean;
  readonly description?: string;
  /** As the metadata API returns it (JSON); only its presence matters to the schema. */
  readonly defaultValue?: unknown;
  readonly options?: readonly FieldOption[];
  readonly relation?: RelationMetadata;
  readonly settings?: NumberSettings;
}

export interface ObjectMetadata {
  readonly nameSingular: string;
  readonly namePlural: string;
  readonly labelSingular: string;
  readonly labelPlural: string;
  readonly description?: string;
  readonly isSystem?: boolean;
  readonly isCustom?: boolean;
  readonly fields: readonly FieldMetadata[];
}

export function isCompositeFieldType(type: FieldMetadataType): type is CompositeFieldType {
  return (COMPOSITE_FIELD_TYPES as readonly string[]).includes(type);
}

export function isEnumFieldType(type: FieldMetadataType): type is EnumFieldType {
  return type === 'SELECT' || type === 'MULTI_SELECT' || type === 'RATING';
}

/** A MANY_TO_ONE relation field with its join column resolved. */
export function joinColumnOf(field: FieldMetadata): string | undefined {
  if (field.type !== 'RELATION' || field.relation?.type !== 'MANY_TO_ONE') return undefined;
  return field.relation.joinColumn ?? `${field.name}Id`;
}

export function isOneToMany(field: FieldMetadata): boolean {
  return field.type === 'RELATION' && field.relation?.type === 'ONE_TO_MANY';
}

/**
 * Twenty's `pascalCase` (lodash camelCase + upperFirst, repo `src/utils/pascal-case.ts`):
 * `workspaceMember` → `WorkspaceMember`, `FULL_NAME` → `FullName`.
 */
export function pascalCase(name: string): string {
  const camel = camelCase(name);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** Twenty's `camelCase`: `FULL_NAME` → `fullName`; names already in camelCase are kept. */
export function camelCase(name: string): string {
  const words = name.split(/[_\s-]+/).filter((word) => word.length > 0);
  return words
    .map((word, index) => {
      const normal = word === word.toUpperCase() ? word.toLowerCase() : word;
      const head = index === 0 ? normal.charAt(0).toLowerCase() : normal.charAt(0).toUpperCase();
      return head + normal.slice(1);
    })
    .join('');
}

/** `name` → `Name`, as Twenty's `capitalize` builds aggregate names (`countEmptyName`). */
export function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
