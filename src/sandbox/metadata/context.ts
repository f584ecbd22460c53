/**
 * What every metadata resolver is given: the workspace store, the injected clock and id
 * sources, and the principal making the request.
 */
import type { Principal, SandboxRole, WorkspaceState } from '../workspace.js';
import { metadataError } from './errors.js';

export interface MetadataDeps {
  /** The current workspace state; resolvers never change what it returns. */
  readonly getState: () => WorkspaceState;
  /** Replaces the state with the mutator's result (the mutator must not change its argument). */
  readonly update: (mutator: (state: WorkspaceState) => WorkspaceState) => void;
  readonly now: () => Date;
  /** A fresh UUID for a new role, object, field, webhook, key, permission or predicate. */
  readonly newId: () => string;
  /** A fresh opaque secret: API-key tokens and generated webhook secrets. */
  readonly newToken: () => string;
}

export interface MetadataContext {
  readonly deps: MetadataDeps;
  readonly principal: Principal;
}

/** GraphQL arguments as graphql-js hands them over, before the resolver parses them. */
export type ResolverArgs = Readonly<Record<string, unknown>>;

/** A root Query or Mutation field. */
export type RootResolver = (args: ResolverArgs, context: MetadataContext) => unknown;

export function stateOf(context: MetadataContext): WorkspaceState {
  return context.deps.getState();
}

/** The principal's role; a principal whose role is gone is refused (FORBIDDEN, NO_ROLE_FOUND_FOR_USER_WORKSPACE). */
export function principalRole(context: MetadataContext): SandboxRole {
  const role = stateOf(context).roles.find(
    (candidate) => candidate.id === context.principal.roleId,
  );
  if (role === undefined) {
    // Twenty's `PermissionsExceptionMessage.NO_ROLE_FOUND_FOR_USER_WORKSPACE`.
    throw metadataError('No role found for userWorkspace', 'FORBIDDEN', {
      subCode: 'NO_ROLE_FOUND_FOR_USER_WORKSPACE',
    });
  }
  return role;
}

export function isoNow(context: MetadataContext): string {
  return context.deps.now().toISOString();
}

/** Applies a state change and hands back what the change computed. */
export function commit<T>(
  context: MetadataContext,
  change: (state: WorkspaceState) => { readonly state: WorkspaceState; readonly result: T },
): T {
  // Typed by assertion so that control flow does not narrow it to `undefined` for good.
  let outcome = undefined as { readonly result: T } | undefined;
  context.deps.update((state) => {
    const next = change(state);
    outcome = next;
    return next.state;
  });
  if (outcome === undefined) throw new Error('the workspace store did not apply the change');
  return outcome.result;
}
