/**
 * Where the resolvers meet the permission seam: the operation check before each operation, and
 * the rows the principal reaches. Rows outside the role's row filter are invisible: they are
 * not read, not counted and not written, so a write aimed at one finds nothing ("Record not
 * found" for the one-record mutations), which is how Twenty's row-level permissions behave
 * (the predicates are added to the query's WHERE, twentyhq/twenty `packages/twenty-server/src/
 * engine/twenty-orm/utils/apply-row-level-permission-predicates.util.ts`).
 */
import type { CoreOperation } from '../authorizer.js';
import type { SandboxObject, SandboxRecord } from '../workspace.js';
import type { CoreContext } from './context.js';
import { tableOf } from './object-model.js';

export function authorize(
  context: CoreContext,
  object: SandboxObject,
  operation: CoreOperation,
  selectedFields: readonly string[],
  updatedFields: readonly string[] = [],
): void {
  context.deps.authorizer.check({
    principal: context.principal,
    object,
    operation,
    selectedFields,
    updatedFields,
  });
}

/**
 * The object's records the principal reaches. Soft-deleted records are left out unless
 * `withDeleted` (a filter naming `deletedAt`, or an operation on deleted records).
 */
export function reachableRecords(
  context: CoreContext,
  object: SandboxObject,
  withDeleted: boolean,
): SandboxRecord[] {
  const rowFilter = context.deps.authorizer.rowFilter(context.principal, object);
  return Object.values(tableOf(context.state, object)).filter(
    (record) =>
      (withDeleted || record.deletedAt === null || record.deletedAt === undefined) &&
      (rowFilter === undefined || rowFilter(record)),
  );
}
