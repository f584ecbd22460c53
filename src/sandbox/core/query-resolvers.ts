/**
 * Resolvers of the read side: findMany, findOne, groupBy, and the relation fields of records
 * (a MANY_TO_ONE field is the record its join column points at; a ONE_TO_MANY field is a
 * connection over the records pointing back, with findMany's arguments). Every read is checked
 * as 'select' on its object, nested relation reads on the related object, and narrowed to the
 * rows the principal reaches (twentyhq/twenty `.../graphql-query-runner/helpers/process-nested-
 * relations.helper.ts` reads relations with the same role).
 */
import type { GraphQLFieldResolver, GraphQLResolveInfo } from 'graphql';
import type { SandboxObject, SandboxRecord } from '../workspace.js';
import { authorize } from './access.js';
import type { CoreContext } from './context.js';
import { coreError } from './errors.js';
import { findMany, findOne, matchingRecords, toConnection } from './find.js';
import { groupBy, groupByFieldNames, type GroupByArgs } from './group-by.js';
import { inverseJoinColumn, objectNamed, tableOf } from './object-model.js';
import { orderByFieldNames } from './order.js';
import {
  connectionReads,
  filterArg,
  orderByArg,
  pathKey,
  recordReads,
  type Args,
} from './resolver-kit.js';
import { search } from './search-query.js';
import { recordFieldNames } from './selection.js';

export type Resolver = GraphQLFieldResolver<unknown, CoreContext, Args>;

function pageArgs(args: Args) {
  const number = (name: string) => (typeof args[name] === 'number' ? args[name] : null);
  const text = (name: string) => (typeof args[name] === 'string' ? args[name] : null);
  return {
    filter: filterArg(args) ?? null,
    orderBy: orderByArg(args) ?? null,
    first: number('first'),
    last: number('last'),
    before: text('before'),
    after: text('after'),
  };
}

export function findManyResolver(object: SandboxObject): Resolver {
  return (_source, args, context, info) => {
    authorize(context, object, 'select', [...connectionReads(object, info, args)]);
    return findMany(context, object, pageArgs(args));
  };
}

export function findOneResolver(object: SandboxObject): Resolver {
  return (_source, args, context, info) => {
    authorize(context, object, 'select', recordReads(object, info, args));
    return findOne(context, object, filterArg(args));
  };
}

export function groupByResolver(object: SandboxObject): Resolver {
  return (_source, args, context, info) => {
    const groupArgs: GroupByArgs = {
      groupBy: Array.isArray(args.groupBy) ? (args.groupBy as GroupByArgs['groupBy']) : [],
      orderBy: orderByArg(args) ?? null,
      orderByForRecords: orderByArg(args, 'orderByForRecords') ?? null,
      limit: typeof args.limit === 'number' ? args.limit : null,
    };
    const reads = connectionReads(object, info, args);
    groupByFieldNames(object, groupArgs, reads);
    orderByFieldNames(object, groupArgs.orderByForRecords ?? undefined, reads);
    reads.delete('aggregate');
    authorize(context, object, 'select', [...reads]);
    return groupBy(object, matchingRecords(context, object, filterArg(args)), groupArgs);
  };
}

/** The workspace-wide `search` (search-query.ts). */
export function searchResolver(): Resolver {
  return (_source, args, context) => search(context, args);
}

export function unsupportedResolver(name: string): Resolver {
  return () => {
    throw coreError(`${name} is not supported by the sandbox`);
  };
}

/** Checks a nested read once per response path (not once per parent record). */
function authorizeNested(
  context: CoreContext,
  info: GraphQLResolveInfo,
  target: SandboxObject,
  reads: () => string[],
): void {
  const key = pathKey(info);
  if (context.checkedPaths.has(key)) return;
  authorize(context, target, 'select', reads());
  context.checkedPaths.add(key);
}

function asRecord(source: unknown): SandboxRecord {
  return source as SandboxRecord;
}

export function manyToOneResolver(
  objects: readonly SandboxObject[],
  targetName: string,
  joinColumn: string,
): Resolver {
  return (source, _args, context, info) => {
    const target = objectNamed(objects, targetName);
    authorizeNested(context, info, target, () =>
      recordFieldNames(target, info.fieldNodes, info.fragments),
    );
    const id = asRecord(source)[joinColumn];
    if (typeof id !== 'string') return null;
    const record = tableOf(context.state, target)[id];
    if (!record || record.deletedAt) return null;
    const rowFilter = context.deps.authorizer.rowFilter(context.principal, target);
    return rowFilter === undefined || rowFilter(record) ? record : null;
  };
}

export function oneToManyResolver(
  objects: readonly SandboxObject[],
  owner: SandboxObject,
  fieldName: string,
): Resolver {
  return (source, args, context, info) => {
    const field = owner.fields.find((candidate) => candidate.name === fieldName);
    if (!field?.relation) throw coreError(`${owner.nameSingular}.${fieldName} is not a relation`);
    const target = objectNamed(objects, field.relation.targetObject);
    const joinColumn = inverseJoinColumn(objects, owner, field);
    authorizeNested(context, info, target, () => [...connectionReads(target, info, args)]);
    const parentId = asRecord(source).id;
    const related = matchingRecords(context, target, filterArg(args)).filter(
      (record) => record[joinColumn] === parentId,
    );
    return toConnection(target, related, pageArgs(args));
  };
}
