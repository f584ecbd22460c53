/**
 * `Query` and `Mutation`: for every object, one field per resolver method.
 *
 * Source: twentyhq/twenty `.../workspace-schema-builder/utils/get-resolver-args.util.ts`
 * (arguments) and `.../graphql-type-generators/root-types/root-type.
 * generator.ts` (result types: findMany and findDuplicates return the connection, groupBy the
 * group-by connection, the *Many mutations, findDuplicates and groupBy a list `[T!]`, the rest
 * the plain object; none is non-null at the top).
 *
 * Not generated: `search<Plural>` and the newer `shareWith` argument of create (PR #25428).
 */
import {
  findManyArgs,
  MUTATION_METHODS,
  objectTypeNames,
  QUERY_METHODS,
  resolverName,
  type ResolverMethod,
} from './names.js';
import type { ObjectMetadata } from './object-metadata.js';
import { SEARCH_QUERY_FIELD } from './search-sdl.js';
import { block, type SdlArg, type SdlField } from './sdl.js';

function argsOf(object: ObjectMetadata, method: ResolverMethod): SdlArg[] {
  const names = objectTypeNames(object.nameSingular);
  const filterRequired = { name: 'filter', type: `${names.filter}!` };
  const id = { name: 'id', type: 'UUID!' };
  switch (method) {
    case 'findMany':
      return findManyArgs(object.nameSingular);
    case 'findOne':
    case 'deleteMany':
    case 'destroyMany':
    case 'restoreMany':
      return [filterRequired];
    case 'findDuplicates':
      return [
        { name: 'ids', type: '[UUID]' },
        { name: 'data', type: `[${names.create}]` },
      ];
    case 'groupBy':
      return [
        { name: 'groupBy', type: `[${names.groupBy}!]!` },
        { name: 'filter', type: names.filter },
        { name: 'orderBy', type: `[${names.orderByWithGroupBy}]` },
        { name: 'orderByForRecords', type: `[${names.orderBy}]` },
        { name: 'viewId', type: 'UUID' },
        { name: 'limit', type: 'Int' },
      ];
    case 'createOne':
      return [
        { name: 'data', type: `${names.create}!` },
        { name: 'upsert', type: 'Boolean' },
      ];
    case 'createMany':
      return [
        { name: 'data', type: `[${names.create}!]!` },
        { name: 'upsert', type: 'Boolean' },
      ];
    case 'updateOne':
      return [id, { name: 'data', type: `${names.update}!` }];
    case 'updateMany':
      return [{ name: 'data', type: `${names.update}!` }, filterRequired];
    case 'deleteOne':
    case 'destroyOne':
    case 'restoreOne':
      return [id];
    case 'mergeMany':
      return [
        { name: 'ids', type: '[UUID!]!' },
        { name: 'conflictPriorityIndex', type: 'Int!' },
        { name: 'dryRun', type: 'Boolean' },
      ];
  }
}

const LIST_RESULT: ReadonlySet<ResolverMethod> = new Set([
  'createMany',
  'updateMany',
  'deleteMany',
  'destroyMany',
  'restoreMany',
  'findDuplicates',
  'groupBy',
]);

function resultOf(object: ObjectMetadata, method: ResolverMethod): string {
  const names = objectTypeNames(object.nameSingular);
  let type = names.plain;
  if (method === 'findMany' || method === 'findDuplicates') type = names.connection;
  if (method === 'groupBy') type = names.groupByConnection;
  return LIST_RESULT.has(method) ? `[${type}!]` : type;
}

function rootFields(
  objects: readonly ObjectMetadata[],
  methods: readonly ResolverMethod[],
): SdlField[] {
  return objects.flatMap((object) =>
    methods.map((method) => ({
      name: resolverName(object, method),
      type: resultOf(object, method),
      args: argsOf(object, method),
    })),
  );
}

/** SDL blocks of `Query` and `Mutation`. */
export function rootTypeBlocks(objects: readonly ObjectMetadata[]): string[] {
  return [
    block('type', 'Query', [...rootFields(objects, QUERY_METHODS), SEARCH_QUERY_FIELD]),
    block('type', 'Mutation', rootFields(objects, MUTATION_METHODS)),
  ];
}
