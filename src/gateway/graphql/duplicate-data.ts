/**
 * `*Duplicates(data: [...])` finds the existing records that match the values given (Twenty
 * builds a filter from them: twentyhq/twenty `packages/twenty-server/src/engine/api/graphql/
 * graphql-query-runner/resolvers/graphql-query-find-duplicates-resolver.service.ts`, with the
 * object's duplicate criteria), so `data` is a filter in disguise: each field it names, and each
 * sub-field of a composite, is judged as a filter's would be.
 */
import { isJsonObject } from '../core/json.js';

/** The field paths (`name`, `emails.primaryEmail`) the items of `data` give values for. */
export function duplicateDataPaths(data: unknown): string[] {
  const items: unknown[] = Array.isArray(data)
    ? data
    : data === undefined || data === null
      ? []
      : [data];
  const paths = new Set<string>();
  for (const item of items) {
    if (!isJsonObject(item)) continue;
    for (const [key, value] of Object.entries(item)) {
      paths.add(key);
      if (isJsonObject(value)) for (const sub of Object.keys(value)) paths.add(`${key}.${sub}`);
    }
  }
  return [...paths];
}

/**
 * The fields Twenty matches duplicates on, per standard object: a record is a duplicate of
 * another when it has the same values on every path of one criterion (the standard objects'
 * `duplicateCriteria`, the lists src/sandbox/core/duplicates.ts reproduces). Twenty has none
 * for other objects and refuses to look.
 */
const DUPLICATE_CRITERIA_PATHS: Readonly<Record<string, readonly string[]>> = {
  company: ['name', 'domainName.primaryLinkUrl'],
  person: ['name.firstName', 'name.lastName', 'linkedinLink.primaryLinkUrl', 'emails.primaryEmail'],
};

/**
 * The paths duplicates of `object` are matched on, when the gateway knows them. Duplicates of
 * a record named by id are the records equal to it on these, so the answer tells their values:
 * an object the gateway knows none for is refused rather than guessed.
 */
export function duplicateCriteriaPaths(object: string): readonly string[] | undefined {
  return Object.hasOwn(DUPLICATE_CRITERIA_PATHS, object)
    ? DUPLICATE_CRITERIA_PATHS[object]
    : undefined;
}
