/**
 * `*Duplicates(data: [...])` finds the existing records that match the values given (Twenty
 * builds a filter from them: twentyhq/twenty `packages/twenty-server/src/engine/api/graphql/
 * graphql-query-runner/resolvers/graphql-query-find-duplicates-resolver.service.ts`, with the
 * object's duplicate criteria), so `data` is a filter in disguise: each field it names, and each
 * sub-field of a composite, is judged as a filter's would be.
 */
import { isJsonObject } from './ast.js';

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
