/**
 * `tiergate apply`: runs the ordered operations of a plan (plan-operations.ts) against Twenty,
 * one mutation each, in order. Stops at the first failure: later operations may depend on it
 * (a field restriction on a role whose object permissions did not land). Nothing is rolled
 * back; every operation sets a state rather than a delta, so reading the host again, planning
 * again and applying again picks up where it stopped and converges.
 */
import type { HostClient } from '../host/client.js';
import { HostError } from '../host/host-error.js';
import { AdminSessionError, type AdminClientSource } from './admin-session.js';
import { MissingRoleIdError, sendOperation } from './apply-requests.js';
import type { HostOperation } from './plan-types.js';

export interface ApplyOptions {
  /** Called after each operation that succeeded (`done` of `total`). */
  readonly onProgress?: (done: number, total: number, op: HostOperation) => void;
  /**
   * The metadata client of a signed-in admin, for `updateWorkspaceMemberRole`: Twenty refuses
   * it to every API key (`UserAuthGuard`). Everything else goes with the key. A source is asked
   * right before each move, so a session that ran short while the rest was applied is renewed
   * (admin-session.ts `adminClientSource`).
   */
  readonly members?: HostClient | AdminClientSource;
}

/** A member move with no admin session to send it with: the plan should have held it back. */
export class NoAdminSessionError extends Error {
  override readonly name = 'NoAdminSessionError';
}

export interface ApplyResult {
  /** Host mutations made (one per operation). */
  readonly mutations: number;
  /** Role key → host id, including the roles this apply created. */
  readonly roleIds: ReadonlyMap<string, string>;
}

/** The object an operation is about, for messages (`undefined` when it spans objects). */
function objectOf(op: HostOperation): string | undefined {
  if (op.kind === 'upsertRowLevelPermissionPredicates') return op.objectMetadataId;
  if (op.kind === 'upsertObjectPermissions' && op.objectPermissions.length === 1) {
    return op.objectPermissions[0]?.objectMetadataId;
  }
  if (op.kind === 'upsertFieldPermissions' && op.fieldPermissions.length === 1) {
    return op.fieldPermissions[0]?.objectMetadataId;
  }
  return undefined;
}

function describeOperation(op: HostOperation): string {
  const object = objectOf(op);
  const member = op.kind === 'updateWorkspaceMemberRole' ? ` member ${op.workspaceMemberId}` : '';
  return `${op.kind} of role ${op.roleKey}${object === undefined ? '' : ` on object ${object}`}${member}`;
}

/** An apply that stopped: which operation failed, why, and how far it got. */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  readonly operation: HostOperation;
  /** Operations (and so host mutations) that succeeded before the failure. */
  readonly succeeded: number;
  readonly total: number;
  /** The host's error codes (`extensions.code` and `subCode`); empty when the host was not reached. */
  readonly codes: readonly string[];
  readonly status: number | undefined;

  constructor(operation: HostOperation, succeeded: number, total: number, cause: Error) {
    const host = cause instanceof HostError ? cause : undefined;
    super(
      `apply stopped at operation ${succeeded + 1} of ${total} (${describeOperation(operation)}), ` +
        `${succeeded} succeeded: ${cause.message}. Read, plan and apply again to finish.`,
      { cause },
    );
    this.operation = operation;
    this.succeeded = succeeded;
    this.total = total;
    this.codes = host?.codes ?? [];
    this.status = host?.status;
  }
}

/** The admin's client for the move about to be sent; a source is asked now, not earlier. */
async function membersClient(options: ApplyOptions): Promise<HostClient | undefined> {
  const members = options.members;
  return typeof members === 'function' ? members() : members;
}

/** Runs `operations` in order; see the module comment. Rejects with an `ApplyError`. */
export async function applyOperations(
  metadata: HostClient,
  operations: readonly HostOperation[],
  roleIds: ReadonlyMap<string, string>,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const ids = new Map(roleIds);
  let done = 0;
  for (const op of operations) {
    let created: string | undefined;
    let client: HostClient | undefined;
    try {
      client = op.kind === 'updateWorkspaceMemberRole' ? await membersClient(options) : metadata;
    } catch (error) {
      if (error instanceof AdminSessionError || error instanceof HostError)
        throw new ApplyError(op, done, operations.length, error);
      throw error;
    }
    if (client === undefined) {
      throw new ApplyError(
        op,
        done,
        operations.length,
        new NoAdminSessionError(
          'moving a member needs an admin session (Twenty refuses it to API keys): run tiergate login',
        ),
      );
    }
    try {
      created = await sendOperation(client, op, ids);
    } catch (error) {
      if (error instanceof HostError || error instanceof MissingRoleIdError) {
        throw new ApplyError(op, done, operations.length, error);
      }
      throw error;
    }
    // Recorded before anything else runs: later operations name the new role by key.
    if (op.kind === 'createRole' && created !== undefined) ids.set(op.roleKey, created);
    done += 1;
    options.onProgress?.(done, operations.length, op);
  }
  return { mutations: done, roleIds: ids };
}
