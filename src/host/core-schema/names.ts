/**
 * Type and resolver names derived from object metadata.
 *
 * Type names: `pascalCase(nameSingular)` + kind — `Person`, `PersonEdge`, `PersonConnection`,
 * `PersonGroupByConnection` (repo `.../workspace-schema-builder/graphql-type-generators/
 * object-types/{edge,connection,group-by-connection}-gql-object-type.generator.ts`), and
 * `PersonFilterInput`, `PersonOrderByInput`, `PersonCreateInput`, `PersonUpdateInput`,
 * `PersonGroupByInput`, `PersonOrderByWithGroupByInput` (`enums/gql-input-type-definition-kind.
 * enum.ts`, `input-types/.../object-metadata-*-gql-input-type.generator.ts`).
 *
 * Resolver names: repo `packages/twenty-server/src/engine/utils/get-resolver-name.util.ts`
 * as 2.43 names them: findMany is `camelCase(namePlural)`, findOne `camelCase(nameSingular)`,
 * the one/many mutations `<verb>` + `pascalCase(nameSingular|namePlural)`, group by
 * `<plural>GroupBy`, duplicates `<singular>Duplicates`, merge `merge<Plural>`.
 */
import { camelCase, pascalCase, type ObjectMetadata } from './object-metadata.js';
import type { SdlArg } from './sdl.js';

export interface ObjectTypeNames {
  readonly plain: string;
  readonly edge: string;
  readonly connection: string;
  readonly groupByConnection: string;
  readonly filter: string;
  readonly orderBy: string;
  readonly create: string;
  readonly update: string;
  readonly groupBy: string;
  readonly orderByWithGroupBy: string;
  readonly orderByWithGroupByAggregate: string;
}

export function objectTypeNames(nameSingular: string): ObjectTypeNames {
  const base = pascalCase(nameSingular);
  return {
    plain: base,
    edge: `${base}Edge`,
    connection: `${base}Connection`,
    groupByConnection: `${base}GroupByConnection`,
    filter: `${base}FilterInput`,
    orderBy: `${base}OrderByInput`,
    create: `${base}CreateInput`,
    update: `${base}UpdateInput`,
    groupBy: `${base}GroupByInput`,
    orderByWithGroupBy: `${base}OrderByWithGroupByInput`,
    orderByWithGroupByAggregate: `${base}OrderByWithGroupByAggregateInput`,
  };
}

/** Resolver methods in the order Twenty registers them. */
export const QUERY_METHODS = ['findMany', 'findOne', 'findDuplicates', 'groupBy'] as const;
export const MUTATION_METHODS = [
  'createMany',
  'createOne',
  'updateOne',
  'deleteOne',
  'destroyOne',
  'restoreOne',
  'updateMany',
  'deleteMany',
  'destroyMany',
  'restoreMany',
  'mergeMany',
] as const;

export type QueryMethod = (typeof QUERY_METHODS)[number];
export type MutationMethod = (typeof MUTATION_METHODS)[number];
export type ResolverMethod = QueryMethod | MutationMethod;

type Names = Pick<ObjectMetadata, 'nameSingular' | 'namePlural'>;

export function resolverName(object: Names, method: ResolverMethod): string {
  const singular = pascalCase(object.nameSingular);
  const plural = pascalCase(object.namePlural);
  switch (method) {
    case 'findMany':
      return camelCase(object.namePlural);
    case 'findOne':
      return camelCase(object.nameSingular);
    case 'findDuplicates':
      return `${camelCase(object.nameSingular)}Duplicates`;
    case 'groupBy':
      return `${camelCase(object.namePlural)}GroupBy`;
    case 'mergeMany':
      return `merge${plural}`;
    case 'createOne':
    case 'updateOne':
    case 'deleteOne':
    case 'destroyOne':
    case 'restoreOne':
      return `${method.slice(0, -'One'.length)}${singular}`;
    case 'createMany':
    case 'updateMany':
    case 'deleteMany':
    case 'destroyMany':
    case 'restoreMany':
      return `${method.slice(0, -'Many'.length)}${plural}`;
  }
}

/**
 * findMany arguments (repo `.../workspace-schema-builder/utils/get-resolver-args.util.ts`), also
 * taken by one-to-many relation fields. 2.43 takes `limit`; the newest stored util has
 * `offset` in its place.
 */
export function findManyArgs(nameSingular: string): SdlArg[] {
  const names = objectTypeNames(nameSingular);
  return [
    { name: 'filter', type: names.filter },
    { name: 'orderBy', type: `[${names.orderBy}]` },
    { name: 'first', type: 'Int' },
    { name: 'last', type: 'Int' },
    { name: 'before', type: 'String' },
    { name: 'after', type: 'String' },
    { name: 'limit', type: 'Int' },
  ];
}
