/**
 * The CRM data model of the benchmark: three objects of 40 fields each, with the owner field
 * behind the owner scopes, the record's team (`teamId`) behind the team-by-record scope, the
 * status and `locked` fields the restrictions test, and the value field the cap hides.
 */
import type { FieldKind } from './rules.js';

export const OBJECT_NAMES = ['opportunity', 'company', 'person'] as const;
export type ObjectName = (typeof OBJECT_NAMES)[number];

export interface ObjectSpec {
  readonly name: ObjectName;
  /** GraphQL type name carried by the host's records (CASL detects the subject type from it). */
  readonly typename: string;
  readonly owner: string;
  readonly status: string;
  readonly value: string;
  /** Every field of the object, `id` first: 40 of them. */
  readonly fields: readonly string[];
  /** The protection of each field except `id` (which is always readable). */
  readonly kinds: ReadonlyMap<string, FieldKind>;
}

/** The record's team, and whether it is locked: the same field names on every object. */
export const TEAM_FIELD = 'teamId';
export const LOCKED_FIELD = 'locked';

/** Fields every object has, protected as `plain`. */
const COMMON_FIELDS = [
  'name',
  'createdAt',
  'updatedAt',
  'position',
  'source',
  'industry',
  'city',
  'country',
  'website',
  'linkedinUrl',
  'employees',
  'score',
  'priority',
  'nextStep',
  'closeDate',
  'probability',
  'currency',
  'segment',
  'tags',
  'rating',
  'language',
  'timezone',
  'campaign',
  'channel',
  'region',
  'renewalDate',
  'contractId',
  'budget',
  'lastContactAt',
] as const;

interface Names {
  readonly name: ObjectName;
  readonly typename: string;
  readonly owner: string;
  readonly status: string;
  readonly special: Readonly<Record<Exclude<FieldKind, 'plain'>, string>>;
}

function objectSpec(names: Names): ObjectSpec {
  const kinds = new Map<string, FieldKind>([
    [names.owner, 'plain'],
    [names.status, 'plain'],
    [TEAM_FIELD, 'plain'],
    [LOCKED_FIELD, 'plain'],
  ]);
  for (const [kind, field] of Object.entries(names.special)) kinds.set(field, kind as FieldKind);
  for (const field of COMMON_FIELDS) kinds.set(field, 'plain');
  const fields = ['id', ...kinds.keys()];
  if (fields.length !== 40) throw new Error(`${names.name} has ${fields.length} fields, not 40`);
  return {
    name: names.name,
    typename: names.typename,
    owner: names.owner,
    status: names.status,
    value: names.special.value,
    fields,
    kinds,
  };
}

export const OBJECTS: readonly ObjectSpec[] = [
  objectSpec({
    name: 'opportunity',
    typename: 'Opportunity',
    owner: 'ownerId',
    status: 'stage',
    special: {
      value: 'amount',
      phone: 'contactPhone',
      email: 'contactEmail',
      notes: 'internalNotes',
      account: 'bankAccount',
      margin: 'margin',
    },
  }),
  objectSpec({
    name: 'company',
    typename: 'Company',
    owner: 'accountOwnerId',
    status: 'lifecycle',
    special: {
      value: 'annualRevenue',
      phone: 'phone',
      email: 'billingEmail',
      notes: 'internalNotes',
      account: 'iban',
      margin: 'grossMargin',
    },
  }),
  objectSpec({
    name: 'person',
    typename: 'Person',
    owner: 'ownerId',
    status: 'status',
    special: {
      value: 'lifetimeValue',
      phone: 'mobilePhone',
      email: 'email',
      notes: 'internalNotes',
      account: 'taxId',
      margin: 'discountRate',
    },
  }),
];

export function objectSpecOf(name: ObjectName): ObjectSpec {
  const spec = OBJECTS.find((o) => o.name === name);
  if (!spec) throw new Error(`unknown object ${name}`);
  return spec;
}

/** The protection of a field; `id` has none (always readable on a readable record). */
export function kindOf(spec: ObjectSpec, field: string): FieldKind | 'id' {
  return field === 'id' ? 'id' : (spec.kinds.get(field) ?? 'plain');
}
