/**
 * Twenty 2.43's record limits, in one place for the sandbox's GraphQL and REST APIs and for the
 * gateway's own limits. Values are twenty-shared's `packages/twenty-shared/src/constants/
 * QueryMaxRecords.ts`, `QueryDefaultLimitRecords.ts` and `QueryMaxRecordsFromRelation.ts`, as
 * bundled in the npm package `twenty-sdk@2.43.0` (its `dist` carries twenty-shared's constants
 * chunk: 60, 200, 60 in that alphabetical order). Newer Twenty raises them; 2.43 is the contract.
 */

/** The most records one request may read as a page or write as a batch. */
export const QUERY_MAX_RECORDS = 200;

/** The page size when a find-many names neither `first` nor `last` (nor REST `limit`). */
export const QUERY_DEFAULT_LIMIT_RECORDS = 60;

/** The page size of a one-to-many relation read inside another record. */
export const QUERY_MAX_RECORDS_FROM_RELATION = 60;
