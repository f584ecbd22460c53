/**
 * The sandbox's stand-in for Twenty 2.43's metadata API (`POST /metadata`): Twenty's own schema
 * (graphql/schema/metadata.graphql) with resolvers for the part Tiergate uses: objects and
 * fields, roles and their permissions, row-level predicates, webhooks, API keys, the current
 * user and workspace. Every other root field answers a GraphQL error with code NOT_IMPLEMENTED,
 * so nothing the sandbox does not model fails silently.
 *
 * Resolvers read and change the workspace through the injected store; nested fields are
 * resolved by graphql-js's default resolver from the plain views the root resolvers return.
 */
import {
  defaultFieldResolver,
  type ExecutionResult,
  getOperationAST,
  graphql,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  Kind,
  parse,
} from 'graphql';
import type { Principal } from '../workspace.js';
import { apiKeyResolvers } from './api-key-resolvers.js';
import { publicResolvers } from './auth-resolvers.js';
import type { MetadataContext, MetadataDeps, ResolverArgs, RootResolver } from './context.js';
import { notImplemented } from './errors.js';
import { fieldResolvers } from './field-resolvers.js';
import { objectResolvers } from './object-resolvers.js';
import { permissionResolvers } from './permission-resolvers.js';
import { roleResolvers } from './role-resolvers.js';
import { rowLevelResolvers } from './row-level-resolvers.js';
import { metadataSchema } from './schema.js';
import { sessionResolvers } from './session-resolvers.js';
import { webhookResolvers } from './webhook-resolvers.js';

export type { MetadataDeps } from './context.js';

export interface MetadataRequest {
  readonly source: string;
  readonly variables?: Readonly<Record<string, unknown>> | null;
  readonly operationName?: string | null;
  /** The authenticated caller; the HTTP layer answers unauthenticated requests itself. */
  readonly principal: Principal;
}

export interface MetadataApi {
  readonly schema: GraphQLSchema;
  execute(request: MetadataRequest): Promise<ExecutionResult>;
  /**
   * A request with no Authorization header: answered when every root field it selects is one
   * of Twenty's public sign-in endpoints (auth-resolvers.ts), else undefined (the caller
   * answers 401 as for any missing token).
   */
  executePublic(request: Omit<MetadataRequest, 'principal'>): Promise<ExecutionResult | undefined>;
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Every root field the sandbox serves, by name. */
export const ROOT_RESOLVERS: Readonly<Record<string, RootResolver>> = {
  ...objectResolvers,
  ...fieldResolvers,
  ...roleResolvers,
  ...permissionResolvers,
  ...rowLevelResolvers,
  ...webhookResolvers,
  ...apiKeyResolvers,
  ...sessionResolvers,
};

const fieldResolver: GraphQLFieldResolver<unknown, MetadataContext, ResolverArgs> = (
  source,
  args,
  context,
  info,
) => {
  if (!ROOT_TYPES.has(info.parentType.name)) {
    return defaultFieldResolver(source, args, context, info);
  }
  const resolver = ROOT_RESOLVERS[info.fieldName];
  if (resolver === undefined) throw notImplemented(info.fieldName);
  return resolver(args, context);
};

const publicFieldResolver: GraphQLFieldResolver<unknown, MetadataDeps, ResolverArgs> = (
  source,
  args,
  deps,
  info,
) => {
  if (!ROOT_TYPES.has(info.parentType.name)) {
    return defaultFieldResolver(source, args, deps, info);
  }
  const resolver = publicResolvers[info.fieldName];
  if (resolver === undefined) throw notImplemented(info.fieldName);
  return resolver(args, deps);
};

/** Whether the operation run selects only public root fields (false when it cannot be read). */
function onlyPublicFields(source: string, operationName: string | null | undefined): boolean {
  try {
    const operation = getOperationAST(parse(source), operationName ?? undefined);
    if (operation == null) return false;
    return operation.selectionSet.selections.every(
      (selection) =>
        selection.kind === Kind.FIELD && Object.hasOwn(publicResolvers, selection.name.value),
    );
  } catch {
    return false;
  }
}

export function createMetadataApi(deps: MetadataDeps): MetadataApi {
  const schema = metadataSchema();
  return {
    schema,
    execute: ({ source, variables, operationName, principal }) => {
      const contextValue: MetadataContext = { deps, principal };
      return graphql({
        schema,
        source,
        variableValues: variables ?? null,
        operationName: operationName ?? null,
        contextValue,
        fieldResolver,
      });
    },
    executePublic: async ({ source, variables, operationName }) => {
      if (!onlyPublicFields(source, operationName)) return undefined;
      return graphql({
        schema,
        source,
        variableValues: variables ?? null,
        operationName: operationName ?? null,
        contextValue: deps,
        fieldResolver: publicFieldResolver,
      });
    },
  };
}
