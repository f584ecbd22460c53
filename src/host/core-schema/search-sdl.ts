/**
 * The workspace-wide `search` query, which Twenty's core API serves beside the per-object
 * resolvers (twentyhq/twenty `packages/twenty-server/src/engine/core-modules/search/
 * search.resolver.ts`, `@CoreResolver`; arguments `dtos/search-args.ts`; result
 * `dtos/search-result-connection.dto.ts`, `search-result-edge.dto.ts`,
 * `search-result-page-info.dto.ts`, `search-record.dto.ts`; filter
 * `dtos/object-record-filter-input.ts`, whose `UUIDFilter` and `DateFilter` share their names
 * with the workspace schema's).
 */
import { block, type SdlField } from './sdl.js';

/** The `search` field of `Query`. */
export const SEARCH_QUERY_FIELD: SdlField = {
  name: 'search',
  type: 'SearchResultConnection!',
  args: [
    { name: 'searchInput', type: 'String!' },
    { name: 'limit', type: 'Int!' },
    { name: 'after', type: 'String' },
    { name: 'filter', type: 'ObjectRecordFilterInput' },
    { name: 'includedObjectNameSingulars', type: '[String!]' },
    { name: 'excludedObjectNameSingulars', type: '[String!]' },
  ],
};

/** The types the `search` query answers with and takes. */
export function searchTypeBlocks(): string[] {
  return [
    block('type', 'SearchRecord', [
      { name: 'recordId', type: 'UUID!' },
      { name: 'objectNameSingular', type: 'String!' },
      { name: 'objectLabelSingular', type: 'String!' },
      { name: 'label', type: 'String!' },
      { name: 'imageUrl', type: 'String' },
      { name: 'tsRankCD', type: 'Float!' },
      { name: 'tsRank', type: 'Float!' },
    ]),
    block('type', 'SearchResultEdge', [
      { name: 'node', type: 'SearchRecord!' },
      { name: 'cursor', type: 'String!' },
    ]),
    block('type', 'SearchResultPageInfo', [
      { name: 'endCursor', type: 'String' },
      { name: 'hasNextPage', type: 'Boolean!' },
    ]),
    block('type', 'SearchResultConnection', [
      { name: 'edges', type: '[SearchResultEdge!]!' },
      { name: 'pageInfo', type: 'SearchResultPageInfo!' },
    ]),
    block('input', 'ObjectRecordFilterInput', [
      { name: 'and', type: '[ObjectRecordFilterInput!]' },
      { name: 'not', type: 'ObjectRecordFilterInput' },
      { name: 'or', type: '[ObjectRecordFilterInput!]' },
      { name: 'id', type: 'UUIDFilter' },
      { name: 'createdAt', type: 'DateFilter' },
      { name: 'updatedAt', type: 'DateFilter' },
      { name: 'deletedAt', type: 'DateFilter' },
    ]),
  ];
}
