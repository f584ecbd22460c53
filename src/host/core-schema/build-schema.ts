/**
 * Twenty's core (workspace) GraphQL schema, generated from object metadata the way Twenty's
 * workspace schema builder does it (twentyhq/twenty `packages/twenty-server/src/engine/api/
 * graphql/workspace-schema-builder/`). The standard objects and custom objects go through the
 * same function; the sandbox serves its result and `graphql/schema/core.graphql` is its print
 * for the standard objects.
 *
 * Behaviour that lives in Twenty's resolvers, not in the schema, is not modelled here: soft
 * deletion (`delete*` sets `deletedAt`, `restore*` clears it, and findMany leaves soft-deleted
 * records out unless the filter names `deletedAt`), upsert matching, cursor encoding.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';
import { compositeTypeBlocks } from './composite-sdl.js';
import type { ObjectMetadata } from './object-metadata.js';
import { objectTypeBlocks } from './object-sdl.js';
import { rootTypeBlocks } from './root-sdl.js';
import { withTwentyScalars } from './scalars.js';
import { searchTypeBlocks } from './search-sdl.js';
import { sharedTypeBlocks } from './shared-sdl.js';
import { assertGraphqlName } from './sdl.js';

function checkObjects(objects: readonly ObjectMetadata[]): void {
  const known = new Set<string>();
  for (const object of objects) {
    assertGraphqlName(object.nameSingular, 'object nameSingular');
    assertGraphqlName(object.namePlural, 'object namePlural');
    if (object.nameSingular === object.namePlural) {
      throw new Error(`${object.nameSingular}: nameSingular and namePlural must differ`);
    }
    if (known.has(object.nameSingular)) throw new Error(`${object.nameSingular} is defined twice`);
    known.add(object.nameSingular);
  }
  for (const object of objects) {
    for (const field of object.fields) {
      assertGraphqlName(field.name, `${object.nameSingular} field`);
      const target = field.relation?.targetObject;
      if (target !== undefined && !known.has(target)) {
        throw new Error(`${object.nameSingular}.${field.name} points at unknown object ${target}`);
      }
    }
  }
}

/** The schema's SDL, before graphql-js normalises it. */
export function coreSchemaSdl(objects: readonly ObjectMetadata[]): string {
  checkObjects(objects);
  const blocks = [
    ...rootTypeBlocks(objects),
    ...objects.flatMap(objectTypeBlocks),
    ...compositeTypeBlocks(),
    ...sharedTypeBlocks(),
    ...searchTypeBlocks(),
  ];
  return `${blocks.join('\n\n')}\n`;
}

/** The core schema for these objects (throws on metadata it cannot turn into a valid schema). */
export function buildCoreSchema(objects: readonly ObjectMetadata[]): GraphQLSchema {
  return withTwentyScalars(buildSchema(coreSchemaSdl(objects)));
}
