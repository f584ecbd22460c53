/**
 * Scalar behaviour the SDL cannot carry. `buildSchema` gives custom scalars identity parsing;
 * Twenty's `UUID` rejects a variable value that is not a UUID but only checks that a literal in
 * the document is a string (repo `.../workspace-schema-builder/graphql-types/scalars/
 * uuid.scalar.ts`, which uses `uuid`'s `validate`). The other custom scalars are left lenient.
 */
import { GraphQLError, isScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';

/** The `uuid` package's validation pattern (any version, plus the nil and max UUIDs). */
const UUID_PATTERN =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

function checkUuid(value: unknown): string {
  if (typeof value !== 'string') throw new GraphQLError('UUID must be a string');
  if (!isUuid(value)) throw new GraphQLError('Invalid UUID');
  return value;
}

function uuidLiteral(ast: ValueNode): string {
  if (ast.kind !== Kind.STRING) throw new GraphQLError('UUID must be a string');
  return ast.value;
}

/** Gives the built schema's `UUID` scalar Twenty's parsing. Returns the same schema. */
export function withTwentyScalars(schema: GraphQLSchema): GraphQLSchema {
  const uuid = schema.getType('UUID');
  if (isScalarType(uuid)) {
    uuid.serialize = checkUuid;
    uuid.parseValue = checkUuid;
    uuid.parseLiteral = uuidLiteral;
  }
  return schema;
}
