/**
 * Twenty 2.43's metadata schema as committed at `graphql/schema/metadata.graphql` (generated from
 * twenty-client-sdk 2.43). The file is found from the package root, so the same code works from
 * `src/` under vitest and from `dist/src/` once compiled.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type GraphQLSchema } from 'graphql';

const SCHEMA_PATH = join('graphql', 'schema', 'metadata.graphql');

/** The nearest directory above `start` holding a package.json. */
export function packageRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let directory = start;
  for (;;) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${start}`);
    directory = parent;
  }
}

let cached: GraphQLSchema | undefined;

/** The metadata schema, built once per process (graphql-js schemas are immutable). */
export function metadataSchema(): GraphQLSchema {
  cached ??= buildSchema(readFileSync(join(packageRoot(), SCHEMA_PATH), 'utf8'));
  return cached;
}
