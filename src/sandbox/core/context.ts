/**
 * What every resolver of the core API works with: the dependencies the sandbox wires in and,
 * per request, the state, the principal and the reads already authorised.
 */
import type { Authorizer } from '../authorizer.js';
import type { Principal, RecordEventSink, WorkspaceState } from '../workspace.js';

export interface CoreApiDeps {
  /** The workspace to serve; read at every request, so metadata changes show up. */
  readonly getState: () => WorkspaceState;
  readonly authorizer: Authorizer;
  readonly onEvent: RecordEventSink;
  /** The clock for `createdAt`, `updatedAt` and `deletedAt`. */
  readonly now: () => Date;
  /** Ids for created records (UUIDs: the schema's UUID scalar rejects anything else). */
  readonly newId: () => string;
}

export interface CoreContext {
  readonly deps: CoreApiDeps;
  readonly state: WorkspaceState;
  readonly principal: Principal;
  /** Nested relation reads already checked, by response path without list indexes. */
  readonly checkedPaths: Set<string>;
}

/** Twenty 2.43's record limits live in limits.ts, shared with REST and the gateway. */
export { QUERY_MAX_RECORDS } from '../../host/twenty-limits.js';
