/**
 * The metadata schema's types whose values are records' values: what the record-derived root
 * fields answer with (derived from the schema, so the two cannot drift apart), and the few
 * types that carry rows of workspace objects wherever they are reached.
 */
import { getNamedType, isLeafType, type GraphQLSchema } from 'graphql';

/**
 * Types that hold workspace records' values under allowed root fields (2.43's
 * graphql/schema/metadata.graphql). `WorkspaceMember` is left out when the policy leaves the
 * workspaceMember object to Twenty (`gateway.nativeObjects`).
 */
export const RECORD_VALUE_TYPES: ReadonlyMap<string, string> = new Map([
  ['WorkspaceMember', "workspace members' records (name, email, avatar)"],
  ['DeletedWorkspaceMember', "former workspace members' records (name, email, avatar)"],
  ['RecordIdentifier', "records' label identifiers (their names)"],
  ['ObjectRecordEvent', 'record events with the fields they changed'],
  ['EventLogRecord', "the event log's record events"],
]);

/** Type name → what its values reveal, given the record-derived root fields and `nativeObjects`. */
export function recordValueTypes(
  schema: GraphQLSchema,
  recordDerived: ReadonlyMap<string, string>,
  nativeObjects: readonly string[] = [],
): Map<string, string> {
  const types = new Map(RECORD_VALUE_TYPES);
  if (nativeObjects.includes('workspaceMember')) types.delete('WorkspaceMember');
  for (const root of [schema.getQueryType(), schema.getMutationType()])
    for (const [name, field] of Object.entries(root?.getFields() ?? {})) {
      const type = getNamedType(field.type);
      const reveals = recordDerived.get(name);
      if (reveals !== undefined && !isLeafType(type) && !types.has(type.name))
        types.set(type.name, reveals);
    }
  return types;
}
