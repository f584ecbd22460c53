/**
 * Twenty 2.43's record limits, in one place for the sandbox's GraphQL and REST APIs and for the
 * gateway's own limits. Values are twenty-shared's `packages/twenty-shared/src/constants/
 * QueryMaxRecords.ts`, `QueryDefaultLimitRecords.ts` and `QueryMaxRecordsFromRelation.ts`, as
 * bundled in the npm package `twenty-sdk@2.43.0` (its `dist` carries twenty-shared's constants
 * chunk: 60, 200, 60 in that alphabetical order). Newer Twenty raises them; 2.43 is the contract.
 */

/**
 * Where 2.43 applies it: the GraphQL find-many page when neither `first` nor `last` is given
 * (`limit = first ?? last ?? QUERY_MAX_RECORDS`, `common-find-many-query-runner.service.ts`; a
 * larger `first` is served as asked, nothing caps it), the most inputs of one create/upsert
 * ("Maximum number of records to upsert is 200.", `common-create-many-query-runner.service.ts`)
 * and targets of one update ("Cannot update more than 200 records at once", the ORM's update
 * builder), and the ceiling of REST `limit` (`parse-limit-rest-request.util.ts`,
 * `Math.min(limit, QUERY_MAX_RECORDS)`).
 */
export const QUERY_MAX_RECORDS = 200;

/** The REST page size when `limit` is absent or empty (`parse-limit-rest-request.util.ts`). */
export const QUERY_DEFAULT_LIMIT_RECORDS = 60;

/** The page size of a one-to-many relation read inside another record. */
export const QUERY_MAX_RECORDS_FROM_RELATION = 60;

/**
 * How many groups a group-by answers when its `limit` is not a positive integer
 * (`DefaultNumberOfGroupsLimit.ts`, 50 in the same bundle; `get-group-limit.util.ts`).
 */
export const DEFAULT_NUMBER_OF_GROUPS_LIMIT = 50;
