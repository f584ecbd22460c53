/**
 * `<singular>Duplicates(ids | data)`: for each record given (by id, among those the principal
 * reaches, or as data), a connection of the other live records that share one of the object's
 * duplicate criteria (twentyhq/twenty `packages/twenty-server/src/engine/api/common/
 * common-query-runners/common-find-duplicates-query-runner.service.ts`; the argument checks and
 * their words as `packages/twenty-server/src/engine/api/rest/core/handlers/
 * rest-api-find-duplicates.handler.ts` `validate` has them).
 *
 * The criteria are the standard objects' `duplicateCriteria` (company: name, or domain; person:
 * first and last name, or LinkedIn URL, or primary email). UNVERIFIED against 2.43: the exact
 * lists, that an empty value never matches, and the words for an object without criteria.
 */
import type { SandboxObject, SandboxRecord } from '../workspace.js';
import { authorize, reachableRecords } from './access.js';
import { coreError } from './errors.js';
import { toConnection, type Connection } from './find.js';
import type { Resolver } from './query-resolvers.js';
import { connectionReads, dataList } from './resolver-kit.js';

/** Each criterion is a list of paths (`name.firstName`) that must all be equal and non-empty. */
export const DUPLICATE_CRITERIA: Readonly<Record<string, readonly (readonly string[])[]>> = {
  company: [['name'], ['domainName.primaryLinkUrl']],
  person: [
    ['name.firstName', 'name.lastName'],
    ['linkedinLink.primaryLinkUrl'],
    ['emails.primaryEmail'],
  ],
};

function valueAt(record: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

const isEmpty = (value: unknown): boolean => value === undefined || value === null || value === '';

function sameOn(
  source: Readonly<Record<string, unknown>>,
  candidate: SandboxRecord,
  criterion: readonly string[],
): boolean {
  return criterion.every((path) => {
    const wanted = valueAt(source, path);
    return !isEmpty(wanted) && valueAt(candidate, path) === wanted;
  });
}

/** The fields the criteria read, as top-level field names, for the permission check. */
export function duplicateCriteriaFields(object: SandboxObject): string[] {
  const criteria = DUPLICATE_CRITERIA[object.nameSingular] ?? [];
  return [...new Set(criteria.flat().map((path) => path.split('.')[0] ?? path))];
}

export function findDuplicatesResolver(object: SandboxObject): Resolver {
  return (_source, args, context, info) => {
    const ids = Array.isArray(args.ids) ? (args.ids as unknown[]) : undefined;
    const hasData = args.data !== undefined && args.data !== null;
    if (!hasData && ids === undefined) {
      throw coreError('You have to provide either "data" or "ids" argument');
    }
    if (hasData && ids !== undefined) {
      throw coreError('You cannot provide both "data" and "ids" arguments');
    }
    const data = dataList(args);
    if (ids === undefined && data.length === 0) {
      throw coreError('The "data" condition can not be empty when "ids" input not provided');
    }
    const criteria = DUPLICATE_CRITERIA[object.nameSingular];
    if (!criteria) {
      throw coreError(`Object '${object.nameSingular}' does not have duplicate criteria defined.`);
    }
    const reads = connectionReads(object, info, args);
    for (const field of duplicateCriteriaFields(object)) reads.add(field);
    authorize(context, object, 'select', [...reads]);
    const live = reachableRecords(context, object, false);
    const sources: Readonly<Record<string, unknown>>[] =
      ids === undefined ? data : live.filter((record) => ids.includes(record.id));
    return sources.map((source): Connection => {
      const matches = live.filter(
        (candidate) =>
          candidate.id !== source.id &&
          criteria.some((criterion) => sameOn(source, candidate, criterion)),
      );
      return toConnection(object, matches, {});
    });
  };
}
