/**
 * The request side of GraphQL enforcement: a client's operation, validated against the host's
 * core schema, judged for one member by the fields it names (never by response keys, fragments
 * expanded) and rewritten into what the gateway forwards: the member's scope ANDed into every
 * filter, fields hidden everywhere replaced by `__typename`, the fields decisions read added
 * under `_tg_` aliases, and writes that need the record as it is turned into `WriteCheck`s.
 * Filtering, ordering or grouping on a field not readable on every record is refused.
 * Anything the gateway does not understand is refused: fail closed.
 */
import {
  getVariableValues,
  isObjectType,
  Kind,
  OperationTypeNode,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayModel } from '../core/model.js';
import { Denial } from '../core/denial.js';
import { Rewriter } from './rewriter.js';
import { RESERVED_PREFIX, type PreparedOperation } from './types.js';
import type { Caller } from '../core/caller.js';
import { checkWriteSequence } from './write-sequence.js';

/** The operation a request selects, as graphql-js picks it. */
export function selectOperation(
  document: DocumentNode,
  operationName: string | undefined,
): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName !== undefined) {
    const found = operations.find((o) => o.name?.value === operationName);
    if (!found) throw new Denial('BAD_USER_INPUT', `Unknown operation named "${operationName}"`);
    return found;
  }
  if (operations.length !== 1)
    throw new Denial(
      'BAD_USER_INPUT',
      'Must provide operation name if query contains multiple operations',
    );
  return operations[0] as OperationDefinitionNode;
}

/** The root type an operation starts from; subscriptions are refused. */
function rootTypeOf(operation: OperationDefinitionNode, model: GatewayModel): GraphQLObjectType {
  if (operation.operation === OperationTypeNode.SUBSCRIPTION)
    throw new Denial('FORBIDDEN', 'Subscriptions are not available through the gateway');
  const rootType =
    operation.operation === OperationTypeNode.QUERY
      ? model.schema.getQueryType()
      : model.schema.getMutationType();
  if (!rootType)
    throw new Denial('BAD_USER_INPUT', `The schema has no ${operation.operation} type`);
  return rootType;
}

/**
 * The variables must be what their types say, as the host would coerce them: a value the
 * host's schema would refuse is refused here, before any check reads it as something else.
 */
function checkVariables(
  operation: OperationDefinitionNode,
  rawVariables: Readonly<Record<string, unknown>>,
  model: GatewayModel,
): void {
  const coerced = getVariableValues(
    model.schema,
    operation.variableDefinitions ?? [],
    rawVariables,
    { maxErrors: 5 },
  );
  if (coerced.errors)
    throw new Denial('BAD_USER_INPUT', coerced.errors.map((error) => error.message).join('; '));
  for (const definition of operation.variableDefinitions ?? [])
    if (definition.variable.name.value.startsWith(RESERVED_PREFIX))
      throw new Denial(
        'BAD_USER_INPUT',
        `The variable prefix ${RESERVED_PREFIX} is reserved by the gateway (at $${definition.variable.name.value})`,
      );
}

/** Every fragment definition, rewritten on its type condition. */
function rewrittenFragments(
  document: DocumentNode,
  rewriter: Rewriter,
  model: GatewayModel,
): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue;
    const type = model.schema.getType(definition.typeCondition.name.value);
    if (!isObjectType(type))
      throw new Denial('BAD_USER_INPUT', `Fragment ${definition.name.value} is on an unknown type`);
    fragments.set(definition.name.value, {
      ...definition,
      selectionSet: rewriter.selectionSet(definition.selectionSet, type),
    });
  }
  return fragments;
}

/** The fragments a selection set uses (transitively) and the variables it reads. */
function usedBy(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): { readonly fragments: Set<string>; readonly variables: Set<string> } {
  const used = new Set<string>();
  const usedVariables = new Set<string>();
  const pending: SelectionSetNode[] = [selectionSet];
  const seen = new Set<string>();
  while (pending.length > 0) {
    const set = pending.pop() as SelectionSetNode;
    visit(set, {
      FragmentSpread(spread) {
        used.add(spread.name.value);
        const fragment = fragments.get(spread.name.value);
        if (fragment && !seen.has(spread.name.value)) {
          seen.add(spread.name.value);
          pending.push(fragment.selectionSet);
        }
      },
      Variable(variable) {
        usedVariables.add(variable.name.value);
      },
    });
  }
  return { fragments: used, variables: usedVariables };
}

/**
 * Checks and rewrites one validated operation for `caller`. Throws a Denial naming what is
 * refused. Fragments the operation does not use are dropped, as are variables it no longer uses.
 */
export function prepareOperation(
  document: DocumentNode,
  operationName: string | undefined,
  rawVariables: Readonly<Record<string, unknown>>,
  caller: Caller,
  model: GatewayModel,
): PreparedOperation {
  const operation = selectOperation(document, operationName);
  const rootType = rootTypeOf(operation, model);
  checkVariables(operation, rawVariables, model);
  const clientFragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d] as const),
  );
  const rewriter = new Rewriter(caller, model, rawVariables, clientFragments);
  const fragments = rewrittenFragments(document, rewriter, model);
  // The selection first: rewriting it adds the variables.
  const selectionSet = rewriter.selectionSet(operation.selectionSet, rootType);
  const used = usedBy(selectionSet, fragments);
  const variableDefinitions = [
    ...(operation.variableDefinitions ?? []),
    ...rewriter.addedVariables,
  ].filter((d) => used.variables.has(d.variable.name.value));
  const variables: Record<string, unknown> = {};
  for (const definition of variableDefinitions) {
    const name = definition.variable.name.value;
    if (Object.hasOwn(rewriter.variables, name)) variables[name] = rewriter.variables[name];
  }
  checkWriteSequence(rewriter.touches);
  const finalOperation: OperationDefinitionNode = {
    ...operation,
    variableDefinitions,
    selectionSet,
  };
  const keptFragments = [...fragments.values()].filter((f) => used.fragments.has(f.name.value));
  return {
    document: { kind: Kind.DOCUMENT, definitions: [finalOperation, ...keptFragments] },
    operation: finalOperation,
    fragments: new Map(keptFragments.map((f) => [f.name.value, f])),
    variables,
    stripped: rewriter.stripped,
    checks: rewriter.checks,
    singles: rewriter.singles,
    kind: operation.operation === OperationTypeNode.QUERY ? 'query' : 'mutation',
  };
}
