/**
 * Resolvers of the write side. Each checks its operation first (Twenty's ORM operation names,
 * src/sandbox/authorizer.ts: 'insert', 'update', 'soft-delete', 'delete' for destroy,
 * 'restore'), with the fields the returned selection and the filter read and the fields `data`
 * writes; then finds its targets among the rows the principal reaches. Soft delete and update
 * aim at live records, destroy and restore at live and soft-deleted ones.
 */
import type { SandboxObject, SandboxRecord } from '../workspace.js';
import { authorize } from './access.js';
import type { CoreContext } from './context.js';
import { matchingRecords } from './find.js';
import {
  checkCreateBatch,
  destroyRecords,
  insertRecords,
  planUpsert,
  setDeletedAt,
  targetById,
  updateEach,
} from './mutations.js';
import type { Resolver } from './query-resolvers.js';
import { checkWrittenUuids, dataFieldNames, type RecordData } from './records.js';
import { dataList, filterArg, recordReads, stringArg } from './resolver-kit.js';

function create(
  context: CoreContext,
  object: SandboxObject,
  data: readonly RecordData[],
  upsert: boolean,
  reads: readonly string[],
): SandboxRecord[] {
  checkCreateBatch(data);
  checkWrittenUuids(object, data);
  const writes = dataFieldNames(object, data);
  authorize(context, object, 'insert', reads, writes);
  if (!upsert) return insertRecords(context, object, data);
  const plan = planUpsert(context, object, data);
  if (plan.updates.length > 0) authorize(context, object, 'update', reads, writes);
  const updated = updateEach(context, object, plan.updates);
  const inserted = insertRecords(context, object, plan.inserts);
  return [...updated, ...inserted];
}

export function createResolver(object: SandboxObject, many: boolean): Resolver {
  return (_source, args, context, info) => {
    const records = create(
      context,
      object,
      dataList(args),
      args.upsert === true,
      recordReads(object, info, args),
    );
    return many ? records : (records[0] ?? null);
  };
}

/** The update's data, once the fields it reads and writes are authorized. */
function authorizeUpdate(
  object: SandboxObject,
  args: Parameters<Resolver>[1],
  context: CoreContext,
  info: Parameters<Resolver>[3],
): RecordData {
  const [data = {}] = dataList(args);
  checkWrittenUuids(object, [data]);
  authorize(
    context,
    object,
    'update',
    recordReads(object, info, args),
    dataFieldNames(object, [data]),
  );
  return data;
}

export function updateOneResolver(object: SandboxObject): Resolver {
  return (_source, args, context, info) => {
    const data = authorizeUpdate(object, args, context, info);
    const target = targetById(context, object, stringArg(args, 'id'), false);
    return updateEach(context, object, [[target, data]])[0] ?? null;
  };
}

export function updateManyResolver(object: SandboxObject): Resolver {
  return (_source, args, context, info) => {
    const data = authorizeUpdate(object, args, context, info);
    const targets = matchingRecords(context, object, filterArg(args));
    return updateEach(
      context,
      object,
      targets.map((target) => [target, data] as const),
    );
  };
}

type Removal = 'soft-delete' | 'delete' | 'restore';

function remove(
  context: CoreContext,
  object: SandboxObject,
  operation: Removal,
  targets: SandboxRecord[],
) {
  if (operation === 'delete') return destroyRecords(context, object, targets);
  const deleting = operation === 'soft-delete';
  const pending = targets.filter((record) => (record.deletedAt === null) === deleting);
  return setDeletedAt(context, object, pending, deleting);
}

/** deleteOne, destroyOne, restoreOne: the record with this id, or "Record not found". */
export function removeOneResolver(object: SandboxObject, operation: Removal): Resolver {
  return (_source, args, context, info) => {
    authorize(context, object, operation, recordReads(object, info, args));
    const target = targetById(context, object, stringArg(args, 'id'), operation !== 'soft-delete');
    const [result] = remove(context, object, operation, [target]);
    return result ?? target;
  };
}

/** deleteMany, destroyMany, restoreMany: the records the filter matches. */
export function removeManyResolver(object: SandboxObject, operation: Removal): Resolver {
  return (_source, args, context, info) => {
    authorize(context, object, operation, recordReads(object, info, args));
    const withDeleted = operation !== 'soft-delete';
    const targets = matchingRecords(context, object, filterArg(args), withDeleted);
    return remove(context, object, operation, targets);
  };
}
