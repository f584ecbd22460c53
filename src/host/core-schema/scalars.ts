/**
 * Scalar behaviour the SDL cannot carry. `buildSchema` gives custom scalars identity parsing;
 * Twenty's `UUID` rejects a variable value that is not a UUID but only checks that a literal in
 * the document is a string (repo `.../workspace-schema-builder/graphql-types/scalars/
 * uuid.scalar.ts`, which uses `uuid`'s `validate` and throws Twenty's `ValidationError`, code
 * GRAPHQL_VALIDATION_FAILED). Twenty pins `uuid` ^9, whose `validate` takes versions 1 to 5 and
 * the nil UUID only: a version 7 (or 8) id is refused. The other custom scalars are left lenient.
 */
import { GraphQLError, isScalarType, Kind, type GraphQLSchema, type ValueNode } from 'graphql';

/** The pattern of `uuid@9`'s `validate`: versions 1 to 5, RFC variant, or the nil UUID. */
const UUID_PATTERN =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000)$/i;

/**
 * twenty-shared's `isValidUuid` (`packages/twenty-shared/src/utils/validation/isValidUuid.ts`):
 * versions 1 to 5 with the RFC variant, without the nil UUID. Twenty checks written UUID values
 * with it (`validate-uuid-field-or-throw.util.ts`).
 */
const VALID_UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}

export function isValidUuid(value: unknown): value is string {
  return typeof value === 'string' && VALID_UUID_PATTERN.test(value);
}

function validationError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
}

function checkUuid(value: unknown): string {
  if (typeof value !== 'string') throw validationError('UUID must be a string');
  if (!isUuid(value)) throw validationError('Invalid UUID');
  return value;
}

function uuidLiteral(ast: ValueNode): string {
  if (ast.kind !== Kind.STRING) throw validationError('UUID must be a string');
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
