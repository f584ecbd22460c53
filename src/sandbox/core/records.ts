/**
 * Building and changing records the way Twenty stores them: every composite sub-field present
 * (text sub-fields `''`, the others `null`, as the columns' defaults are), field defaults from
 * metadata, `createdAt`/`updatedAt` from the clock, `deletedAt: null`, and the ACTOR of the
 * principal in `createdBy`/`updatedBy` (twentyhq/twenty `packages/twenty-server/src/engine/api/
 * common/common-args-processors/data-arg-processor/`; the actor from `packages/twenty-server/
 * src/engine/core-modules/actor/utils/build-created-by-from-full-name-metadata.util.ts` and
 * `build-created-by-from-api-key.util.ts`: a member writes as `{ source: 'MANUAL',
 * workspaceMemberId, name: 'First Last' }`, an API key as `{ source: 'API', workspaceMemberId:
 * null, name: <key name> }`, context `{}`).
 * A record created without `position` goes first (see mutations.ts `firstPositions`).
 */
import { inspect, isDeepStrictEqual } from 'node:util';
import { compositeProperties, fieldKind } from '../../host/core-schema/field-types.js';
import { isPlainObject } from './sql-values.js';
import { isValidUuid } from '../../host/core-schema/scalars.js';
import type {
  Principal,
  SandboxField,
  SandboxObject,
  SandboxRecord,
  WorkspaceState,
} from '../workspace.js';
import { coreError } from './errors.js';
import { fieldOfKey, metadataFieldName } from './object-model.js';

export type RecordData = Readonly<Record<string, unknown>>;

export interface Actor {
  readonly source: 'MANUAL' | 'API';
  readonly workspaceMemberId: string | null;
  readonly name: string;
  readonly context: Record<string, never>;
}

function memberName(state: WorkspaceState, memberId: string): string {
  const name = state.records.workspaceMember?.[memberId]?.name;
  if (!isPlainObject(name)) return '';
  const parts = [name.firstName, name.lastName].filter((part) => typeof part === 'string');
  return parts.join(' ').trim();
}

export function actorOf(state: WorkspaceState, principal: Principal): Actor {
  if (principal.kind === 'member') {
    const name = memberName(state, principal.memberId);
    return { source: 'MANUAL', workspaceMemberId: principal.memberId, name, context: {} };
  }
  const key = state.apiKeys.find((candidate) => candidate.id === principal.apiKeyId);
  return { source: 'API', workspaceMemberId: null, name: key?.name ?? '', context: {} };
}

/** A metadata default as stored: `"'NEW'"` → `'NEW'`, numbers and booleans as they are. */
function parseDefault(value: unknown): unknown {
  if (typeof value === 'string') {
    return /^'.*'$/s.test(value) ? value.slice(1, -1) : null;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return null;
}

function compositeDefault(object: SandboxObject, field: SandboxField): Record<string, unknown> {
  const kind = fieldKind(object, field);
  if (kind.kind !== 'composite') return {};
  const given = isPlainObject(field.defaultValue) ? field.defaultValue : {};
  const value: Record<string, unknown> = {};
  for (const property of compositeProperties(kind.type)) {
    const fallback = property.type === 'TEXT' ? '' : null;
    value[property.name] = property.name in given ? parseDefault(given[property.name]) : fallback;
  }
  return value;
}

/** The stored keys and default values of a field (a relation's join column, or the field). */
function defaultsOf(object: SandboxObject, field: SandboxField): [string, unknown][] {
  const kind = fieldKind(object, field);
  switch (kind.kind) {
    case 'oneToMany':
      return [];
    case 'manyToOne':
      return [[kind.joinColumn, null]];
    case 'composite':
      return [[field.name, compositeDefault(object, field)]];
    default: {
      if (field.type === 'TS_VECTOR') return [];
      const parsed = parseDefault(field.defaultValue);
      const fallback = field.type === 'TEXT' ? '' : null;
      return [[field.name, field.defaultValue === undefined ? fallback : parsed]];
    }
  }
}

/**
 * Composite types whose text sub-fields go through Twenty's `transformTextField` on a write
 * (`transform-full-name-field.util.ts`, `transform-address-field.util.ts`).
 */
const TEXT_SUBFIELDS: Readonly<Record<string, readonly string[]>> = {
  FULL_NAME: ['firstName', 'lastName'],
  ADDRESS: [
    'addressStreet1',
    'addressStreet2',
    'addressCity',
    'addressState',
    'addressPostcode',
    'addressCountry',
  ],
};

/**
 * A written text as Twenty stores it: the empty string is its null equivalent and is stored as
 * null (twentyhq/twenty `packages/twenty-server/src/engine/api/common/common-args-processors/
 * data-arg-processor/transformer-utils/transform-text-field.util.ts`, with
 * `DEFAULT_TEXT_FIELD_NULL_EQUIVALENT_VALUE = ''`). Only written values: a column nobody
 * writes keeps its default.
 */
function writtenValue(field: SandboxField | undefined, value: unknown): unknown {
  if (field?.type === 'TEXT') return value === '' ? null : value;
  const subfields = field === undefined ? undefined : TEXT_SUBFIELDS[field.type];
  if (subfields === undefined || !isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, sub]) => [
      name,
      subfields.includes(name) && sub === '' ? null : sub,
    ]),
  );
}

/** Writes data onto a record: composite values merge sub-field by sub-field. */
function assign(object: SandboxObject, target: Record<string, unknown>, data: RecordData): void {
  for (const [key, given] of Object.entries(data)) {
    if (given === undefined) continue;
    const field = object.fields.find((candidate) => candidate.name === key);
    const value = writtenValue(field, given);
    const current = target[key];
    if (field && fieldKind(object, field).kind === 'composite' && isPlainObject(value)) {
      target[key] = { ...(isPlainObject(current) ? current : {}), ...value };
    } else {
      target[key] = value;
    }
  }
}

export interface NewRecordContext {
  readonly id: string;
  readonly now: string;
  readonly actor: Actor;
  readonly position: number;
}

export function buildRecord(
  object: SandboxObject,
  data: RecordData,
  context: NewRecordContext,
): SandboxRecord {
  const record: Record<string, unknown> = {};
  for (const field of object.fields) {
    for (const [key, value] of defaultsOf(object, field)) record[key] = value;
  }
  assign(object, record, data);
  Object.assign(record, {
    id: typeof data.id === 'string' ? data.id : context.id,
    createdAt: typeof data.createdAt === 'string' ? data.createdAt : context.now,
    updatedAt: context.now,
    deletedAt: typeof data.deletedAt === 'string' ? data.deletedAt : null,
    createdBy: createdByOf(data.createdBy, context.actor),
    updatedBy: context.actor,
  });
  if (object.fields.some((field) => field.name === 'position')) {
    record.position = typeof data.position === 'number' ? data.position : context.position;
  }
  return record as SandboxRecord;
}

/**
 * `createdBy` as Twenty stores it: a given actor with a name is kept as given (its source
 * defaulting to the caller's), anything else is the caller (`actor-from-auth-context.service.ts`,
 * `injectActorToRecord`); so `createdBy` says who a record claims made it, `updatedBy` who did.
 */
function createdByOf(given: unknown, actor: Actor): unknown {
  if (!isPlainObject(given)) return actor;
  if (typeof given.name === 'string' && given.name !== '')
    return { context: {}, workspaceMemberId: null, source: actor.source, ...given };
  return { ...actor, source: typeof given.source === 'string' ? given.source : actor.source };
}

/** The record after an update of `data` (createdBy is never rewritten). */
export function updatedRecord(
  object: SandboxObject,
  before: SandboxRecord,
  data: RecordData,
  now: string,
  actor: Actor,
): SandboxRecord {
  const record: Record<string, unknown> = { ...before };
  const { createdBy: _ignored, ...rest } = data;
  assign(object, record, rest);
  record.updatedAt = now;
  if (object.fields.some((field) => field.name === 'updatedBy')) record.updatedBy = actor;
  return record as SandboxRecord;
}

/** Keys Twenty never reports as updated: the clock and the full-text index follow every write. */
const UNREPORTED_KEYS = new Set(['updatedAt', 'searchVector']);

/**
 * What an update changed, as Twenty reports it in the event's `updatedFields`: every key of the
 * record after the write whose stored value differs from before, by deep equality, except
 * `updatedAt`, `searchVector` and relation fields (twentyhq/twenty `packages/twenty-server/src/
 * engine/core-modules/event-emitter/utils/object-record-changed-values.ts`). Keys are the
 * record's own: a join column is reported as `companyId`, and `updatedBy` counts when the
 * writer differs from the last one. Empty: the update changed nothing, and Twenty sends no
 * event for it (`format-twenty-orm-event-to-database-batch-event.util.ts`).
 */
export function changedFields(
  object: SandboxObject,
  before: SandboxRecord,
  after: SandboxRecord,
): string[] {
  return Object.keys(after).filter((key) => {
    if (UNREPORTED_KEYS.has(key)) return false;
    const field = object.fields.find((candidate) => candidate.name === key);
    if (field?.type === 'RELATION') return false;
    return !isDeepStrictEqual(before[key], after[key]);
  });
}

/** The metadata fields a write's data names, for the permission check. */
export function dataFieldNames(object: SandboxObject, data: readonly RecordData[]): string[] {
  const names = new Set<string>();
  for (const item of data) {
    for (const key of Object.keys(item)) names.add(metadataFieldName(object, key) ?? key);
  }
  return [...names];
}

/**
 * Twenty's check of written UUIDs (`validate-uuid-field-or-throw.util.ts`, from
 * `data-arg-processor.service.ts` for UUID fields, `id` included, and MANY_TO_ONE join columns):
 * null, or a non-empty string that twenty-shared's `isValidUuid` takes (versions 1 to 5). A
 * version 7 id in a document literal passes the GraphQL scalar and is refused here.
 */
export function checkWrittenUuids(object: SandboxObject, data: readonly RecordData[]): void {
  for (const item of data) {
    for (const [key, value] of Object.entries(item)) {
      const resolved = fieldOfKey(object, key);
      const isUuidColumn = resolved?.kind.kind === 'manyToOne' || resolved?.field.type === 'UUID';
      if (!isUuidColumn || value === undefined || value === null) continue;
      if (typeof value === 'string' && value !== '' && isValidUuid(value)) continue;
      throw coreError(`Invalid UUID value ${inspect(value)} for field "${key}"`);
    }
  }
}
