/**
 * The fields a GraphQL request selects, fragments expanded, in the shape Twenty's selected-field
 * parser reads them (twentyhq/twenty `.../graphql-query-runner/graphql-query-parsers/
 * graphql-query-selected-fields/graphql-selected-fields.parser.ts`): on a connection, the
 * record fields are those under `edges { node { … } }` and the aggregates sit beside `edges`.
 */
import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import type { SandboxObject } from '../workspace.js';
import { metadataFieldName } from './object-model.js';
import { aggregateField } from './aggregates.js';

type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

/** The field nodes directly under these selection sets, by response name's field name. */
export function childFields(
  sets: readonly (SelectionSetNode | undefined)[],
  fragments: Fragments,
): FieldNode[] {
  const fields: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const set of sets) visit(set);
  return fields;
}

/** The selection sets under the named child fields (`edges`, then `node`). */
export function descend(
  nodes: readonly FieldNode[],
  names: readonly string[],
  fragments: Fragments,
): FieldNode[] {
  let current = nodes;
  for (const name of names) {
    current = childFields(
      current.map((node) => node.selectionSet),
      fragments,
    ).filter((field) => field.name.value === name);
  }
  return [...current];
}

/** Metadata field names selected on a record (`company { … }` and `companyId` name `company`). */
export function recordFieldNames(
  object: SandboxObject,
  recordNodes: readonly FieldNode[],
  fragments: Fragments,
): string[] {
  const names = new Set<string>();
  for (const field of childFields(
    recordNodes.map((node) => node.selectionSet),
    fragments,
  )) {
    const name = metadataFieldName(object, field.name.value);
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/** Metadata fields a connection reads: its nodes' fields and the fields its aggregates read. */
export function connectionFieldNames(
  object: SandboxObject,
  connectionNodes: readonly FieldNode[],
  fragments: Fragments,
): string[] {
  const names = new Set(
    recordFieldNames(object, descend(connectionNodes, ['edges', 'node'], fragments), fragments),
  );
  for (const field of childFields(
    connectionNodes.map((node) => node.selectionSet),
    fragments,
  )) {
    const aggregate = aggregateField(object, field.name.value);
    if (aggregate?.field) names.add(aggregate.field.name);
  }
  return [...names];
}
