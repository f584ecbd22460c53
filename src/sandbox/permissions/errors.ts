/**
 * The GraphQL errors Twenty answers with when a permission check fails, built as graphql-js
 * errors with the same message and `extensions`.
 */
import { GraphQLError } from 'graphql';

/**
 * `PermissionsExceptionMessage.PERMISSION_DENIED` (repo
 * `metadata-modules/permissions/permissions.exception.ts`; the older 'User does not have
 * permission' was renamed). Live 2.4x answers carry it too.
 */
export const PERMISSION_DENIED_MESSAGE = 'Entity performing the request does not have permission';

/**
 * `permissionGraphqlApiExceptionHandler` (repo
 * `metadata-modules/permissions/utils/permission-graphql-api-exception-handler.util.ts`):
 * PERMISSION_DENIED becomes `ForbiddenError(error.message, { userFriendlyMessage, subCode })`,
 * and `BaseGraphQLError` adds `code: 'FORBIDDEN'` (`core-modules/graphql/utils/graphql-errors.util.ts`).
 */
export function permissionDenied(message: string = PERMISSION_DENIED_MESSAGE): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      userFriendlyMessage: 'User does not have permission.',
      subCode: 'PERMISSION_DENIED',
      code: 'FORBIDDEN',
    },
  });
}

/**
 * `buildFieldPermissionDeniedMessage` (repo `twenty-orm/repository/permissions.utils.ts`):
 * `${PERMISSION_DENIED}: no permission to ${action} field "${fieldName}" on "${entityName}"`.
 */
export function fieldPermissionDenied(
  action: 'read' | 'write',
  fieldName: string,
  entityName: string,
): GraphQLError {
  return permissionDenied(
    `${PERMISSION_DENIED_MESSAGE}: no permission to ${action} field "${fieldName}" on "${entityName}"`,
  );
}

/**
 * A selected or written column with no field behind it, when the object has field restrictions
 * (repo `permissions.utils.ts`: `InternalServerError('Field metadata id not found for column
 * name ...')`).
 */
export function unknownColumn(column: string): GraphQLError {
  return new GraphQLError(`Field metadata id not found for column name ${column}`, {
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

/**
 * A written record outside the role's row-level predicates: `validateRLSPredicatesForRecords`
 * throws `TwentyORMException(RLS_VALIDATION_FAILED)` with this default message (repo
 * `twenty-orm/utils/validate-rls-predicates-for-records.util.ts`), which
 * `twentyORMGraphqlApiExceptionHandler` turns into `UserInputError(message, {userFriendlyMessage})`.
 */
export function rowLevelPermissionViolated(): GraphQLError {
  return new GraphQLError(
    'Record does not satisfy row-level security constraints of your current role',
    {
      extensions: {
        userFriendlyMessage: 'Record does not satisfy security constraints.',
        code: 'BAD_USER_INPUT',
      },
    },
  );
}
