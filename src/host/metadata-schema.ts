/**
 * Twenty 2.43's metadata schema as committed at `graphql/schema/metadata.graphql` (written by
 * `npm run host:schema` from twenty-client-sdk 2.43). Found from the package root, so the same
 * code works from `src/` under vitest and from `dist/src/` once compiled.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { SDL_PATH, repositoryRoot } from './schema-gen/paths.js';

let cached: GraphQLSchema | undefined;

/** The metadata schema, built once per process (graphql-js schemas are immutable). */
export function metadataSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(join(repositoryRoot(), SDL_PATH), 'utf8'));
  return cached;
}
