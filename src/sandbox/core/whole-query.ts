/**
 * Twenty reads a query's relations inside the root field's resolver
 * (`process-nested-relations-v2.helper.ts`: each related object is read through a repository
 * under the caller's role, whose query builder refuses an object the role cannot read), so an
 * error anywhere below a root field fails that root field as a whole: no partial records, the
 * error placed at the root field. The sandbox resolves relations field by field, as GraphQL
 * does by default; this turns its answer into Twenty's.
 */
import {
  GraphQLError,
  isNonNullType,
  Kind,
  OperationTypeNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';

type Data = Record<string, unknown>;

/** Whether the root field answered under `key` (its alias or name) has a non-null type. */
function isNonNullRoot(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode | undefined,
  key: string,
): boolean {
  const type =
    operation?.operation === OperationTypeNode.MUTATION
      ? schema.getMutationType()
      : schema.getQueryType();
  for (const selection of operation?.selectionSet.selections ?? []) {
    if (selection.kind !== Kind.FIELD || (selection.alias?.value ?? selection.name.value) !== key)
      continue;
    const field = type?.getFields()[selection.name.value];
    return field !== undefined && isNonNullType(field.type);
  }
  return false;
}

/**
 * The result with every root field that has an error below it set to null, and that error moved
 * to the root field (one per root field, the first). A root field of a non-null type makes the
 * whole `data` null, as GraphQL's null propagation would.
 */
export function failRootFieldsWhole(
  result: ExecutionResult,
  schema: GraphQLSchema,
  operation: () => OperationDefinitionNode | undefined,
): ExecutionResult {
  const errors = result.errors ?? [];
  if (errors.every((error) => (error.path?.length ?? 0) <= 1)) return result;
  const failed = new Map<string, GraphQLError>();
  const kept: GraphQLError[] = [];
  for (const error of errors) {
    const root = error.path?.[0];
    if (typeof root !== 'string') {
      kept.push(error);
      continue;
    }
    if (!failed.has(root)) {
      failed.set(
        root,
        new GraphQLError(error.message, {
          path: [root],
          ...(error.originalError ? { originalError: error.originalError } : {}),
          extensions: error.extensions,
        }),
      );
    }
  }
  const definition = operation();
  let data: Data | null = result.data ? { ...(result.data as Data) } : null;
  for (const root of failed.keys()) {
    if (data === null) break;
    if (isNonNullRoot(schema, definition, root)) data = null;
    else data[root] = null;
  }
  return { ...result, data, errors: [...kept, ...failed.values()] };
}
