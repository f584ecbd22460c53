/**
 * Attaches the resolvers to a schema built by `buildCoreSchema`: every Query and Mutation field
 * of every object (names from src/host/core-schema/names.ts `resolverName`), and the relation
 * fields of each object type. Plain and composite fields resolve from the record by default.
 */
import { isObjectType, type GraphQLSchema } from 'graphql';
import { fieldKind } from '../../host/core-schema/field-types.js';
import {
  MUTATION_METHODS,
  objectTypeNames,
  QUERY_METHODS,
  resolverName,
  type ResolverMethod,
} from '../../host/core-schema/names.js';
import type { SandboxObject } from '../workspace.js';
import { searchVectorOf } from './search-vector.js';
import { findDuplicatesResolver } from './duplicates.js';
import { mergeManyResolver } from './merge.js';
import {
  createResolver,
  removeManyResolver,
  removeOneResolver,
  updateManyResolver,
  updateOneResolver,
} from './mutation-resolvers.js';
import {
  findManyResolver,
  findOneResolver,
  groupByResolver,
  manyToOneResolver,
  oneToManyResolver,
  type Resolver,
  searchResolver,
} from './query-resolvers.js';

function resolverFor(object: SandboxObject, method: ResolverMethod): Resolver {
  switch (method) {
    case 'findMany':
      return findManyResolver(object);
    case 'findOne':
      return findOneResolver(object);
    case 'groupBy':
      return groupByResolver(object);
    case 'createOne':
    case 'createMany':
      return createResolver(object, method === 'createMany');
    case 'updateOne':
      return updateOneResolver(object);
    case 'updateMany':
      return updateManyResolver(object);
    case 'deleteOne':
      return removeOneResolver(object, 'soft-delete');
    case 'destroyOne':
      return removeOneResolver(object, 'delete');
    case 'restoreOne':
      return removeOneResolver(object, 'restore');
    case 'deleteMany':
      return removeManyResolver(object, 'soft-delete');
    case 'destroyMany':
      return removeManyResolver(object, 'delete');
    case 'restoreMany':
      return removeManyResolver(object, 'restore');
    case 'findDuplicates':
      return findDuplicatesResolver(object);
    case 'mergeMany':
      return mergeManyResolver(object);
  }
}

function attachRoot(schema: GraphQLSchema, objects: readonly SandboxObject[]): void {
  const query = schema.getQueryType()?.getFields() ?? {};
  const mutation = schema.getMutationType()?.getFields() ?? {};
  if (query.search) query.search.resolve = searchResolver();
  for (const object of objects) {
    for (const method of QUERY_METHODS) {
      const field = query[resolverName(object, method)];
      if (field) field.resolve = resolverFor(object, method);
    }
    for (const method of MUTATION_METHODS) {
      const field = mutation[resolverName(object, method)];
      if (field) field.resolve = resolverFor(object, method);
    }
  }
}

function attachRelations(schema: GraphQLSchema, objects: readonly SandboxObject[]): void {
  for (const object of objects) {
    const type = schema.getType(objectTypeNames(object.nameSingular).plain);
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    for (const field of object.fields) {
      const target = fields[field.name];
      // Twenty's generated column, computed here from the record's search fields.
      if (field.type === 'TS_VECTOR' && target)
        target.resolve = (record: Readonly<Record<string, unknown>>) =>
          searchVectorOf(object, record);
      if (field.type !== 'RELATION' || !target) continue;
      const kind = fieldKind(object, field);
      if (kind.kind === 'manyToOne') {
        target.resolve = manyToOneResolver(objects, kind.target, kind.joinColumn);
      } else if (kind.kind === 'oneToMany') {
        target.resolve = oneToManyResolver(objects, object, field.name);
      }
    }
  }
}

export function attachResolvers(schema: GraphQLSchema, objects: readonly SandboxObject[]): void {
  attachRoot(schema, objects);
  attachRelations(schema, objects);
}
