/**
 * The seam between the sandbox's core API and Twenty's native permission semantics: the core
 * resolvers ask before every operation, and narrow every read and write to the rows the
 * principal's role reaches (row-level predicates, when the workspace is entitled to them).
 */
import type { Principal, SandboxObject, SandboxRecord } from './workspace.js';

/** Twenty's ORM operation types (repo `twenty-orm/repository/permissions.utils.ts`). */
export type CoreOperation = 'select' | 'insert' | 'update' | 'soft-delete' | 'delete' | 'restore';

export interface OperationRequest {
  readonly principal: Principal;
  readonly object: SandboxObject;
  readonly operation: CoreOperation;
  /** Field names the operation reads (selected, filtered, ordered or grouped on). */
  readonly selectedFields: readonly string[];
  /** Field names the operation writes. */
  readonly updatedFields: readonly string[];
}

export interface Authorizer {
  /** Throws the GraphQL error Twenty would answer with when the operation is not permitted. */
  check(request: OperationRequest): void;
  /** The rows the principal's role reaches on the object; undefined means every row. */
  rowFilter(
    principal: Principal,
    object: SandboxObject,
  ): ((record: SandboxRecord) => boolean) | undefined;
  /**
   * Throws when a row as it would be inserted or updated falls outside the role's row-level
   * predicates (Twenty: `validate-rls-predicates-for-records.util.ts`); called before storing.
   */
  checkWrittenRecords?(
    principal: Principal,
    object: SandboxObject,
    operation: 'insert' | 'update',
    records: readonly SandboxRecord[],
  ): void;
}

/** Every operation permitted, every row reachable: for tests of the resolvers alone. */
export const permitAll: Authorizer = {
  check: () => undefined,
  rowFilter: () => undefined,
};
