/**
 * The metadata API fails closed: a root field passes only when Twenty 2.43's metadata schema
 * (graphql/schema/metadata.graphql) has it, and no selection inside an allowed answer may reach a
 * type that carries records' values (metadata-record-types.ts), however fragments nest it. A newer
 * Twenty's fields are unknown here, so they are refused rather than passed unjudged.
 */
import {
  getNamedType,
  isCompositeType,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { Denial } from '../core/denial.js';

/** What a metadata document asks for beyond what the gateway may pass. */
export interface MetadataVerdict {
  /** Fields (root ones, or paths below them) Twenty 2.43's metadata schema does not have. */
  readonly unknown: string[];
  /** Selection paths (`currentUser.workspaceMembers`) whose answer holds records' values. */
  readonly recordPaths: string[];
}

// Introspection describes the schema, never records.
const INTROSPECTION = new Set(['__typename', '__schema', '__type']);

interface Walk {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly recordTypes: ReadonlyMap<string, string>;
  readonly unknown: Set<string>;
  readonly recordPaths: Set<string>;
}

function walk(
  w: Walk,
  selections: SelectionSetNode,
  parent: GraphQLCompositeType | undefined,
  path: readonly string[],
  spreads: readonly string[],
): void {
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (INTROSPECTION.has(name)) continue;
      const field = parent && 'getFields' in parent ? parent.getFields()[name] : undefined;
      const at = [...path, name];
      if (field === undefined) {
        // Not in 2.43's schema: a newer Twenty's field, whose answer the gateway cannot judge.
        w.unknown.add(at.join('.'));
        continue;
      }
      const type = getNamedType(field.type);
      if (w.recordTypes.has(type.name)) w.recordPaths.add(at.join('.'));
      else if (selection.selectionSet && isCompositeType(type))
        walk(w, selection.selectionSet, type, at, spreads);
      continue;
    }
    const fragment =
      selection.kind === Kind.INLINE_FRAGMENT ? selection : w.fragments.get(selection.name.value);
    if (fragment === undefined) continue;
    if (selection.kind === Kind.FRAGMENT_SPREAD && spreads.includes(selection.name.value)) continue;
    const condition = fragment.typeCondition?.name.value;
    const type = condition === undefined ? parent : w.schema.getType(condition);
    walk(
      w,
      fragment.selectionSet,
      type && isCompositeType(type) ? type : undefined,
      path,
      selection.kind === Kind.FRAGMENT_SPREAD ? [...spreads, selection.name.value] : spreads,
    );
  }
}

/** Judges every operation of the document (the host's choice of operation is not ours). */
export function judgeMetadataDocument(
  document: DocumentNode,
  schema: GraphQLSchema,
  recordTypes: ReadonlyMap<string, string>,
  recordDerived: ReadonlySet<string>,
): MetadataVerdict {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  const w: Walk = { schema, fragments, recordTypes, unknown: new Set(), recordPaths: new Set() };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    // Subscriptions are refused before this; judged against no type, their fields are unknown.
    const root =
      definition.operation === OperationTypeNode.QUERY
        ? schema.getQueryType()
        : definition.operation === OperationTypeNode.MUTATION
          ? schema.getMutationType()
          : null;
    walk(w, definition.selectionSet, root ?? undefined, [], []);
  }
  return {
    unknown: [...w.unknown].filter((name) => !recordDerived.has(name)),
    recordPaths: [...w.recordPaths].filter((path) => !recordDerived.has(path.split('.')[0] ?? '')),
  };
}

/** Throws the refusal a verdict calls for, if any. */
export function refuseVerdict(verdict: MetadataVerdict): void {
  const [unknown] = verdict.unknown;
  if (unknown !== undefined)
    throw new Denial(
      'FORBIDDEN',
      `The gateway does not know the metadata ${unknown.includes('.') ? 'field' : 'operation'} "${unknown}" (it knows those of Twenty 2.43), so it refuses it rather than pass it on unchecked. An admin can upgrade Tiergate to a release that knows it, or call Twenty directly with an admin's own access`,
    );
  if (verdict.recordPaths.length > 0)
    throw new Denial(
      'FORBIDDEN',
      `${verdict.recordPaths.join(', ')} ${verdict.recordPaths.length > 1 ? 'are' : 'is'} not available through the gateway: the answer holds records' values, past your permissions. Leave ${verdict.recordPaths.length > 1 ? 'them' : 'it'} out, and read the records themselves through /graphql or /rest`,
    );
}
