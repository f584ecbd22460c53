/**
 * The GraphQL errors the core API answers with. Twenty turns its query-runner exceptions into
 * GraphQL errors in `common-query-runner-to-graphql-api-exception-handler.util.ts` (twentyhq/
 * twenty `packages/twenty-server/src/engine/api/common/common-query-runners/`): RECORD_NOT_FOUND
 * becomes a `NotFoundError` (code NOT_FOUND); ARGS_CONFLICT, INVALID_QUERY_INPUT,
 * INVALID_CURSOR, TOO_MANY_RECORDS_TO_UPDATE and BAD_REQUEST become a `UserInputError`
 * (code BAD_USER_INPUT).
 */
import { GraphQLError } from 'graphql';

export type CoreErrorCode = 'NOT_FOUND' | 'BAD_USER_INPUT';

export function coreError(message: string, code: CoreErrorCode = 'BAD_USER_INPUT'): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

/** `common-find-one-query-runner.service.ts`, `common-update-one-query-runner.service.ts`. */
export function recordNotFound(): GraphQLError {
  return coreError('Record not found', 'NOT_FOUND');
}

/**
 * A create whose id is taken, whoever can see the record holding it: Twenty's unique index
 * refuses it for every caller, and its handler adds the conflicting record's id and object to
 * the error (twentyhq/twenty `packages/twenty-server/src/engine/twenty-orm/utils/`
 * `twenty-orm-graphql-api-exception-handler.util.ts`, DUPLICATE_ENTRY_DETECTED →
 * UserInputError with `userFriendlyMessage`, `conflictingRecordId`,
 * `conflictingObjectNameSingular`). The friendly words are those of the duplicate-key handler
 * when it cannot name the columns.
 */
export function duplicateEntry(
  objectNameSingular: string,
  conflictingRecordId: string,
): GraphQLError {
  return new GraphQLError('A duplicate entry was detected', {
    extensions: {
      code: 'BAD_USER_INPUT',
      userFriendlyMessage: 'This record already exists. Please check your data and try again.',
      conflictingRecordId,
      conflictingObjectNameSingular: objectNameSingular,
    },
  });
}
