/**
 * The committed snapshot `graphql/schema/core.graphql`: the core schema of the standard objects,
 * printed by the same builder the sandbox serves.
 */
import { buildCoreSchema } from './build-schema.js';
import { printCoreSchema } from './print.js';
import { STANDARD_OBJECTS } from './standard-objects.js';

/** Relative to the repository root, where npm scripts run. */
export const CORE_SCHEMA_SNAPSHOT_PATH = 'graphql/schema/core.graphql';

export function standardCoreSchemaText(): string {
  return printCoreSchema(buildCoreSchema(STANDARD_OBJECTS));
}
