/**
 * Composite field types and their sub-fields, as Twenty defines them in
 * twentyhq/twenty `packages/twenty-server/src/engine/metadata-modules/field-metadata/composite-types/`
 * (`full-name`, `emails`, `phones`, `links`, `currency`, `address`, `actor`, `rich-text-v2`
 * `.composite-type.ts`).
 *
 * `hidden: 'input'` keeps a sub-field out of the create and update inputs but not out of the
 * output and filter types (repo `.../workspace-schema-builder/factories/composite-input-type-
 * definition.factory.ts`, `hiddenAllowListKind`).
 */
import type { CompositeFieldType, FieldOption } from './object-metadata.js';

/** The atomic types a sub-field can have. */
export type SubFieldType = 'TEXT' | 'UUID' | 'NUMBER' | 'NUMERIC' | 'RAW_JSON' | 'SELECT';

export interface CompositeProperty {
  readonly name: string;
  readonly type: SubFieldType;
  readonly isRequired: boolean;
  readonly hidden?: 'input';
  readonly options?: readonly FieldOption[];
}

export interface CompositeType {
  readonly type: CompositeFieldType;
  readonly properties: readonly CompositeProperty[];
}

const text = (name: string): CompositeProperty => ({ name, type: 'TEXT', isRequired: false });
const json = (name: string): CompositeProperty => ({ name, type: 'RAW_JSON', isRequired: false });

/**
 * ACTOR `source` values in 2.43 (as twenty-client-sdk 2.43 bundles them). The stored `actor.composite-type.ts` is
 * older and lists only EMAIL, CALENDAR, WORKFLOW, API, IMPORT, MANUAL, SYSTEM.
 */
export const ACTOR_SOURCES = [
  'EMAIL',
  'CALENDAR',
  'WORKFLOW',
  'AGENT',
  'API',
  'IMPORT',
  'MANUAL',
  'SYSTEM',
  'WEBHOOK',
  'APPLICATION',
] as const;

const actorSourceOptions: readonly FieldOption[] = ACTOR_SOURCES.map((value, position) => ({
  value,
  label: value.toLowerCase(),
  position,
}));

export const COMPOSITE_TYPES: readonly CompositeType[] = [
  { type: 'FULL_NAME', properties: [text('firstName'), text('lastName')] },
  { type: 'EMAILS', properties: [text('primaryEmail'), json('additionalEmails')] },
  {
    type: 'PHONES',
    properties: [
      text('primaryPhoneNumber'),
      text('primaryPhoneCountryCode'),
      text('primaryPhoneCallingCode'),
      json('additionalPhones'),
    ],
  },
  {
    type: 'LINKS',
    properties: [text('primaryLinkLabel'), text('primaryLinkUrl'), json('secondaryLinks')],
  },
  {
    type: 'CURRENCY',
    properties: [
      { name: 'amountMicros', type: 'NUMERIC', isRequired: false },
      text('currencyCode'),
    ],
  },
  {
    type: 'ADDRESS',
    properties: [
      text('addressStreet1'),
      text('addressStreet2'),
      text('addressCity'),
      text('addressPostcode'),
      text('addressState'),
      text('addressCountry'),
      { name: 'addressLat', type: 'NUMBER', isRequired: false },
      { name: 'addressLng', type: 'NUMBER', isRequired: false },
    ],
  },
  {
    type: 'ACTOR',
    properties: [
      { name: 'source', type: 'SELECT', isRequired: true, options: actorSourceOptions },
      { name: 'workspaceMemberId', type: 'UUID', isRequired: false, hidden: 'input' },
      { name: 'name', type: 'TEXT', isRequired: true, hidden: 'input' },
      { name: 'context', type: 'RAW_JSON', isRequired: true },
    ],
  },
  // 2.43 calls the type RICH_TEXT (graphql/schema/metadata.graphql); the stored repo has RICH_TEXT_V2 with
  // the same sub-fields (`rich-text-v2.composite-type.ts`).
  { type: 'RICH_TEXT', properties: [text('blocknote'), text('markdown')] },
];

export function compositeType(type: CompositeFieldType): CompositeType {
  const found = COMPOSITE_TYPES.find((candidate) => candidate.type === type);
  if (!found) throw new Error(`no composite type ${type}`);
  return found;
}
