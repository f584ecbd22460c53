/**
 * What every resolver needs: typed access to its arguments, the fields its selection reads
 * (for the permission check) and the key under which a nested read was already checked.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { SandboxObject } from '../workspace.js';
import { filterFieldNames, type RecordFilter } from './filter.js';
import { orderByFieldNames, type OrderByArg } from './order.js';
import { connectionFieldNames, recordFieldNames } from './selection.js';

export type Args = Readonly<Record<string, unknown>>;

export function filterArg(args: Args, name = 'filter'): RecordFilter | undefined {
  const value = args[name];
  return typeof value === 'object' && value !== null ? (value as RecordFilter) : undefined;
}

export function orderByArg(args: Args, name = 'orderBy'): OrderByArg | undefined {
  const value = args[name];
  if (Array.isArray(value)) return value as OrderByArg;
  return typeof value === 'object' && value !== null ? [value as OrderByArg[number]] : undefined;
}

export function stringArg(args: Args, name: string): string {
  const value = args[name];
  return typeof value === 'string' ? value : '';
}

export function dataList(args: Args): Readonly<Record<string, unknown>>[] {
  const value = args.data;
  const list: unknown[] = Array.isArray(value) ? (value as unknown[]) : [value];
  return list.filter(
    (item): item is Record<string, unknown> => typeof item === 'object' && item !== null,
  );
}

/** Fields read by a resolver returning records (a record or a list of records). */
export function recordReads(object: SandboxObject, info: GraphQLResolveInfo, args: Args): string[] {
  const names = new Set(recordFieldNames(object, info.fieldNodes, info.fragments));
  filterFieldNames(object, args.filter, names);
  return [...names];
}

/** Fields read by a resolver returning a connection: nodes, aggregates, filter and order. */
export function connectionReads(
  object: SandboxObject,
  info: GraphQLResolveInfo,
  args: Args,
): Set<string> {
  const names = new Set(connectionFieldNames(object, info.fieldNodes, info.fragments));
  filterFieldNames(object, args.filter, names);
  orderByFieldNames(object, orderByArg(args), names);
  return names;
}

/** The response path without list indexes: `people.edges.node.company`. */
export function pathKey(info: GraphQLResolveInfo): string {
  const keys: string[] = [];
  for (let path: GraphQLResolveInfo['path'] | undefined = info.path; path; path = path.prev) {
    if (typeof path.key === 'string') keys.unshift(path.key);
  }
  return keys.join('.');
}
