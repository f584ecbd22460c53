/**
 * The writes: create (with upsert), update, soft delete, destroy and restore, each followed by
 * one record event per affected record. Sources (twentyhq/twenty `packages/twenty-server/src/
 * engine/api/common/common-query-runners/`): `common-create-many-query-runner/…service.ts`
 * (more than QUERY_MAX_RECORDS inputs: "Maximum number of records to upsert is N."; upsert
 * matches existing records, soft-deleted ones included, and revives them with
 * `deletedAt: null`, never rewriting `createdBy`), `common-update-many-query-runner.service.ts`
 * and the ORM's update builder (more than N targets: "Cannot update more than N records at
 * once", TOO_MANY_RECORDS_TO_UPDATE → BAD_USER_INPUT), `common-update-one-…` ("Record not
 * found" when the id matches nothing).
 *
 * Upsert matches on `id` and on the unique fields of the standard objects (person
 * `emails.primaryEmail`, company `domainName.primaryLinkUrl`); the sandbox's metadata has no
 * `isUnique` flag, so custom objects match on `id` only.
 */
import type { RecordEvent, SandboxObject, SandboxRecord } from '../workspace.js';
import { reachableRecords } from './access.js';
import type { CoreContext } from './context.js';
import { QUERY_MAX_RECORDS } from '../../host/twenty-limits.js';
import { coreError, duplicateEntry, recordNotFound } from './errors.js';
import { readColumn } from './sql-values.js';
import { tableOf } from './object-model.js';
import { actorOf, buildRecord, changedFields, updatedRecord, type RecordData } from './records.js';

const UNIQUE_COLUMNS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  person: [['emails', 'primaryEmail']],
  company: [['domainName', 'primaryLinkUrl']],
};

type Action = RecordEvent['action'];

function emit(
  context: CoreContext,
  object: SandboxObject,
  action: Action,
  before: SandboxRecord | undefined,
  after: SandboxRecord | undefined,
  updatedFields?: readonly string[],
): void {
  const event: RecordEvent = { object, action, before, after, principal: context.principal };
  context.deps.onEvent(updatedFields === undefined ? event : { ...event, updatedFields });
}

function nowIso(context: CoreContext): string {
  return context.deps.now().toISOString();
}

/**
 * Position of the index-th record created without one: Twenty's `'first'` backfill,
 * `min(position) - index - 1`, or 1 in an empty table (`record-position.service.ts`,
 * `buildRecordPosition`, twentyhq/twenty `packages/twenty-server/src/engine/core-modules/
 * record-position/services/`).
 */
function firstPositions(context: CoreContext, object: SandboxObject): (index: number) => number {
  const positions = Object.values(tableOf(context.state, object))
    .map((record) => record.position)
    .filter((position): position is number => typeof position === 'number');
  const min = positions.length === 0 ? null : Math.min(...positions);
  return (index) => (min === null ? 1 : min - index - 1);
}

function matchOf(
  context: CoreContext,
  object: SandboxObject,
  data: RecordData,
): SandboxRecord | undefined {
  const candidates = reachableRecords(context, object, true);
  if (typeof data.id === 'string') {
    const byId = candidates.find((record) => record.id === data.id);
    if (byId) return byId;
  }
  for (const path of UNIQUE_COLUMNS[object.nameSingular] ?? []) {
    const wanted = readColumn(data, path);
    if (wanted === null || wanted === '') continue;
    const found = candidates.find((record) => readColumn(record, path) === wanted);
    if (found) return found;
  }
  return undefined;
}

/** Splits create inputs into updates of matched records and inserts. */
export function planUpsert(
  context: CoreContext,
  object: SandboxObject,
  data: readonly RecordData[],
): { updates: [SandboxRecord, RecordData][]; inserts: RecordData[] } {
  const updates: [SandboxRecord, RecordData][] = [];
  const inserts: RecordData[] = [];
  for (const item of data) {
    const match = matchOf(context, object, item);
    if (match) updates.push([match, { ...item, deletedAt: null }]);
    else inserts.push(item);
  }
  return { updates, inserts };
}

export function insertRecords(
  context: CoreContext,
  object: SandboxObject,
  data: readonly RecordData[],
): SandboxRecord[] {
  const table = tableOf(context.state, object);
  const actor = actorOf(context.state, context.principal);
  const positionAt = firstPositions(context, object);
  let backfilled = 0;
  const created = data.map((item) => {
    if (typeof item.id === 'string' && item.id in table) {
      throw duplicateEntry(object.nameSingular, item.id);
    }
    return buildRecord(object, item, {
      id: context.deps.newId(),
      now: nowIso(context),
      actor,
      position: positionAt(typeof item.position === 'number' ? 0 : backfilled++),
    });
  });
  // Twenty checks written rows against the role's row-level predicates inside the write's
  // transaction and rolls back on a violation: check before anything is stored.
  context.deps.authorizer.checkWrittenRecords?.(context.principal, object, 'insert', created);
  for (const record of created) table[record.id] = record;
  for (const record of created) emit(context, object, 'created', undefined, record);
  return created;
}

export function checkCreateBatch(data: readonly unknown[]): void {
  if (data.length > QUERY_MAX_RECORDS) {
    throw coreError(`Maximum number of records to upsert is ${QUERY_MAX_RECORDS}.`);
  }
}

/** Applies per-record data to the targets; one `updated` event per record. */
export function updateEach(
  context: CoreContext,
  object: SandboxObject,
  changes: readonly (readonly [SandboxRecord, RecordData])[],
): SandboxRecord[] {
  if (changes.length > QUERY_MAX_RECORDS) {
    throw coreError(`Cannot update more than ${QUERY_MAX_RECORDS} records at once`);
  }
  const table = tableOf(context.state, object);
  const actor = actorOf(context.state, context.principal);
  const now = nowIso(context);
  const results = changes.map(([before, data]) => {
    const after = updatedRecord(object, before, data, now, actor);
    return { before, after, fields: changedFields(object, before, after) };
  });
  context.deps.authorizer.checkWrittenRecords?.(
    context.principal,
    object,
    'update',
    results.map((r) => r.after),
  );
  for (const { after } of results) table[after.id] = after;
  // An update that changed nothing is no event in Twenty; the record still gets its new
  // updatedAt, as the row is written all the same.
  for (const { before, after, fields } of results) {
    if (fields.length > 0) emit(context, object, 'updated', before, after, fields);
  }
  return results.map(({ after }) => after);
}

/**
 * Soft delete (`deletedAt` set) or restore (`deletedAt` cleared). Neither stamps `updatedBy`, as
 * in Twenty: only the create and update pre-query hooks inject an actor
 * (`engine/core-modules/actor/query-hooks/`), and `workspace-soft-delete-query-builder.ts` sets
 * only `deletedAt`; who did it travels in the event (its principal, the body's workspaceMemberId).
 */
export function setDeletedAt(
  context: CoreContext,
  object: SandboxObject,
  targets: readonly SandboxRecord[],
  deleted: boolean,
): SandboxRecord[] {
  const table = tableOf(context.state, object);
  const now = nowIso(context);
  const results = targets.map((before) => {
    const after = { ...before, deletedAt: deleted ? now : null } as SandboxRecord;
    table[after.id] = after;
    return [before, after] as const;
  });
  for (const [before, after] of results) {
    emit(context, object, deleted ? 'deleted' : 'restored', before, after);
  }
  return results.map(([, after]) => after);
}

export function destroyRecords(
  context: CoreContext,
  object: SandboxObject,
  targets: readonly SandboxRecord[],
): SandboxRecord[] {
  const table = tableOf(context.state, object);
  for (const record of targets) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the table is keyed by id
    delete table[record.id];
  }
  for (const record of targets) emit(context, object, 'destroyed', record, undefined);
  return [...targets];
}

/** The one record an id-based mutation aims at, among those the principal reaches. */
export function targetById(
  context: CoreContext,
  object: SandboxObject,
  id: string,
  withDeleted: boolean,
): SandboxRecord {
  const found = reachableRecords(context, object, withDeleted).find((record) => record.id === id);
  if (!found) throw recordNotFound();
  return found;
}
