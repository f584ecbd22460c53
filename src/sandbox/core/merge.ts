/**
 * `merge<Plural>(ids, conflictPriorityIndex, dryRun)` (twentyhq/twenty `packages/twenty-server/
 * src/engine/api/common/common-query-runners/common-merge-many-query-runner.service.ts`):
 * checks (object with duplicate criteria; 2 to MUTATION_MAX_MERGE_RECORDS ids; the priority
 * index inside the list), every id must be a record the principal reaches ("One or more
 * records not found"), then each non-system field takes the one value present, or the priority
 * record's when several records hold one. Not a dry run: records pointing at the merged ones
 * (MANY_TO_ONE join columns) are moved to the priority record, the others are deleted and the
 * priority record updated. A dry run answers a preview with a fresh id and changes nothing.
 *
 * Operation checks: 'update' on the object for the priority record (with the fields written),
 * 'soft-delete' for the others. UNVERIFIED against 2.43: MUTATION_MAX_MERGE_RECORDS (9 here),
 * that the others are soft deleted (Twenty's runner uses its 'delete' mutation kind), and the
 * merge of list-like values (emails, phones, arrays), where Twenty unions them and the sandbox
 * keeps the priority record's.
 */
import { randomUUID } from 'node:crypto';
import type { SandboxObject, SandboxRecord } from '../workspace.js';
import { authorize, reachableRecords } from './access.js';
import { coreError } from './errors.js';
import { DUPLICATE_CRITERIA } from './duplicates.js';
import { activeObjects, tableOf } from './object-model.js';
import { setDeletedAt, updateEach } from './mutations.js';
import type { Resolver } from './query-resolvers.js';
import { recordReads } from './resolver-kit.js';
import { fieldKind } from '../../host/core-schema/field-types.js';

export const MUTATION_MAX_MERGE_RECORDS = 9;

const SYSTEM_KEYS = new Set(['id', 'createdAt', 'updatedAt', 'deletedAt', 'position']);

function hasValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') {
    return Object.values(value as Record<string, unknown>).some(
      (inner) => inner !== null && inner !== '' && inner !== undefined,
    );
  }
  return true;
}

/** The keys merged: every field (and join column) that is not a system field. */
function mergedKeys(object: SandboxObject): string[] {
  const keys: string[] = [];
  for (const field of object.fields) {
    if (field.isSystem === true || field.type === 'TS_VECTOR') continue;
    const kind = fieldKind(object, field);
    if (kind.kind === 'oneToMany') continue;
    const key = kind.kind === 'manyToOne' ? kind.joinColumn : field.name;
    if (!SYSTEM_KEYS.has(key) && field.name !== 'createdBy' && field.name !== 'updatedBy') {
      keys.push(key);
    }
  }
  return keys;
}

function mergedData(
  object: SandboxObject,
  records: readonly SandboxRecord[],
  priority: SandboxRecord,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of mergedKeys(object)) {
    const holders = records.filter((record) => hasValue(record[key]));
    if (holders.length === 0) continue;
    const chosen =
      holders.length === 1 ? holders[0] : (holders.find((r) => r === priority) ?? holders[0]);
    if (chosen) data[key] = chosen[key];
  }
  return data;
}

export function mergeManyResolver(object: SandboxObject): Resolver {
  return (_source, args, context, info) => {
    if (!DUPLICATE_CRITERIA[object.nameSingular]) {
      throw coreError(
        `Merge is only available for objects with duplicate criteria. Object '${object.nameSingular}' does not have duplicate criteria defined.`,
      );
    }
    const ids = Array.isArray(args.ids) ? (args.ids as string[]) : [];
    const index = typeof args.conflictPriorityIndex === 'number' ? args.conflictPriorityIndex : -1;
    if (ids.length < 2) throw coreError('At least 2 record IDs are required for merge');
    if (ids.length > MUTATION_MAX_MERGE_RECORDS) {
      throw coreError(`Maximum ${MUTATION_MAX_MERGE_RECORDS} records can be merged at once`);
    }
    if (index < 0 || index >= ids.length) {
      throw coreError(
        `Invalid conflict priority '${index}'. Valid options for ${ids.length} records: 0-${ids.length - 1}`,
      );
    }
    const reads = recordReads(object, info, args);
    const keys = mergedKeys(object);
    authorize(context, object, 'select', [...reads, ...keys]);
    const live = reachableRecords(context, object, false);
    const records = ids
      .map((id) => live.find((record) => record.id === id))
      .filter((record): record is SandboxRecord => record !== undefined);
    if (records.length !== ids.length)
      throw coreError('One or more records not found', 'NOT_FOUND');
    const priority = records[index];
    if (!priority) throw coreError('Priority record not found', 'NOT_FOUND');
    const data = mergedData(object, records, priority);
    if (args.dryRun === true) {
      return { ...priority, ...data, id: randomUUID(), deletedAt: new Date().toISOString() };
    }
    const others = records.filter((record) => record !== priority);
    authorize(context, object, 'update', reads, Object.keys(data));
    authorize(context, object, 'soft-delete', ['id']);
    // Records pointing at the merged ones now point at the priority record.
    for (const other of activeObjects(context.state)) {
      for (const field of other.fields) {
        const kind = fieldKind(other, field);
        if (kind.kind !== 'manyToOne' || kind.target !== object.nameSingular) continue;
        const column = kind.joinColumn;
        const pointing = Object.values(tableOf(context.state, other)).filter((record) =>
          others.some((merged) => merged.id === record[column]),
        );
        if (pointing.length > 0) {
          updateEach(
            context,
            other,
            pointing.map((record) => [record, { [column]: priority.id }] as const),
          );
        }
      }
    }
    setDeletedAt(context, object, others, true);
    return updateEach(context, object, [[priority, data]])[0] ?? priority;
  };
}
