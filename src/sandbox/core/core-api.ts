/**
 * The sandbox's core GraphQL API: Twenty 2.43's workspace data API (HOST-CONTRACT §C) executed
 * in memory over a WorkspaceState. The schema is Twenty's, generated from the active objects by
 * `buildCoreSchema`, and rebuilt whenever the objects change (custom objects created through
 * the metadata API appear at the next request).
 */
import {
  defaultFieldResolver,
  getOperationAST,
  graphql,
  parse,
  type ExecutionResult,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { buildCoreSchema } from '../../host/core-schema/build-schema.js';
import type { Principal, SandboxObject, WorkspaceState } from '../workspace.js';
import type { CoreApiDeps, CoreContext } from './context.js';
import { coreError } from './errors.js';
import { connectionAggregate } from './find.js';
import { activeObjects } from './object-model.js';
import { attachResolvers } from './resolvers.js';
import { failRootFieldsWhole } from './whole-query.js';

export type { CoreApiDeps } from './context.js';

export interface CoreExecuteArgs {
  readonly source: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
  readonly principal: Principal;
}

export interface CoreApi {
  /** The schema of the current objects. */
  readonly schema: GraphQLSchema;
  execute(args: CoreExecuteArgs): Promise<ExecutionResult>;
}

/** Connection aggregates (`countEmptyName`…) are computed on demand; the rest is default. */
const fieldResolver: GraphQLFieldResolver<unknown, CoreContext> = (source, args, context, info) => {
  if (typeof source === 'object' && source !== null && !(info.fieldName in source)) {
    const aggregate = connectionAggregate(source, info.fieldName);
    if (aggregate !== undefined) return aggregate;
  }
  return defaultFieldResolver(source, args, context, info);
};

interface Built {
  readonly key: string;
  readonly schema: GraphQLSchema;
}

export function createCoreApi(deps: CoreApiDeps): CoreApi {
  let built: Built | undefined;
  const current = (state: WorkspaceState): GraphQLSchema => {
    const objects: SandboxObject[] = activeObjects(state);
    const key = JSON.stringify(objects);
    if (built?.key !== key) {
      const schema = buildCoreSchema(objects);
      attachResolvers(schema, objects);
      built = { key, schema };
    }
    return built.schema;
  };
  return {
    get schema() {
      return current(deps.getState());
    },
    async execute({ source, variables, operationName, principal }) {
      const state = deps.getState();
      let schema: GraphQLSchema;
      try {
        schema = current(state);
      } catch (error) {
        // Metadata the schema generator refuses (an invalid name, an unsupported field type).
        const message = error instanceof Error ? error.message : String(error);
        return { errors: [coreError(`Invalid workspace schema: ${message}`)] };
      }
      const contextValue: CoreContext = { deps, state, principal, checkedPaths: new Set() };
      const result = await graphql({
        schema,
        source,
        variableValues: variables,
        operationName,
        contextValue,
        fieldResolver,
      });
      // Called only when a resolver failed, so the document parsed already.
      return failRootFieldsWhole(
        result,
        schema,
        () => getOperationAST(parse(source), operationName) ?? undefined,
      );
    },
  };
}
