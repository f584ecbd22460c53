/**
 * The GraphQL errors the sandbox's metadata API answers with, shaped as Twenty's are: the
 * message of the domain exception, `extensions.code` from the error class the exception filter
 * maps it to, and, where Twenty adds them, `subCode` (the exception's own code) and
 * `userFriendlyMessage` (repo `packages/twenty-server/src/engine/core-modules/graphql/utils/
 * graphql-errors.util.ts`: `BaseGraphQLError` built from a `CustomException`).
 */
import { GraphQLError } from 'graphql';

/** Twenty's `ErrorCode` values used here, plus the sandbox's own NOT_IMPLEMENTED. */
export type MetadataErrorCode =
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'METADATA_VALIDATION_FAILED'
  | 'INTERNAL_SERVER_ERROR'
  | 'NOT_IMPLEMENTED';

export interface MetadataErrorDetails {
  /** The domain exception's code (`PermissionsExceptionCode.PERMISSION_DENIED`, …). */
  readonly subCode?: string;
  readonly userFriendlyMessage?: string;
  /** Further extensions, e.g. the per-entity `errors` of a failed metadata validation. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export function metadataError(
  message: string,
  code: MetadataErrorCode,
  details: MetadataErrorDetails = {},
): GraphQLError {
  const extensions: Record<string, unknown> = { ...details.extra, code };
  if (details.subCode !== undefined) extensions.subCode = details.subCode;
  if (details.userFriendlyMessage !== undefined) {
    extensions.userFriendlyMessage = details.userFriendlyMessage;
  }
  return new GraphQLError(message, { extensions });
}

/**
 * The settings-permission refusal (repo `engine/guards/settings-permission.guard.ts` throws
 * `PermissionsExceptionMessage.PERMISSION_DENIED`; `permission-graphql-api-exception-handler
 * .util.ts` maps it to `ForbiddenError` with subCode PERMISSION_DENIED).
 */
export function permissionDenied(): GraphQLError {
  return metadataError('Entity performing the request does not have permission', 'FORBIDDEN', {
    subCode: 'PERMISSION_DENIED',
    userFriendlyMessage: 'User does not have permission.',
  });
}

/** A root field the sandbox does not serve: answered loudly, never silently. */
export function notImplemented(fieldName: string): GraphQLError {
  return metadataError(`${fieldName} is not served by the Tiergate sandbox`, 'NOT_IMPLEMENTED');
}

/** A `PermissionsException` (repo `metadata-modules/permissions/permissions.exception.ts`). */
export function permissionsError(
  code: MetadataErrorCode,
  subCode: string,
  message: string,
  userFriendlyMessage?: string,
): GraphQLError {
  return metadataError(message, code, {
    subCode,
    ...(userFriendlyMessage === undefined ? {} : { userFriendlyMessage }),
  });
}

export function roleNotFound(): GraphQLError {
  return permissionsError(
    'NOT_FOUND',
    'ROLE_NOT_FOUND',
    'Role not found',
    'The role you are trying to modify could not be found. It may have been deleted or you may not have access to it.',
  );
}

export function roleNotEditable(): GraphQLError {
  return permissionsError(
    'FORBIDDEN',
    'ROLE_NOT_EDITABLE',
    'Role is not editable',
    'This role cannot be modified because it is a system role. Only custom roles can be edited.',
  );
}

export function objectMetadataNotFound(): GraphQLError {
  return permissionsError(
    'NOT_FOUND',
    'OBJECT_METADATA_NOT_FOUND_PERMISSIONS',
    'Object metadata not found',
    'The object you are trying to set permissions for could not be found. It may have been deleted.',
  );
}

/**
 * A failed flat-entity validation, as Twenty's workspace-migration builder reports it: a
 * generic message, code METADATA_VALIDATION_FAILED, and the per-entity errors underneath
 * (repo `workspace-manager/workspace-migration/exceptions/workspace-migration-builder-exception`).
 */
export function metadataValidationFailed(
  action: string,
  metadataName: string,
  errors: readonly { readonly code: string; readonly message: string }[],
): GraphQLError {
  return metadataError(
    `Multiple validation errors occurred while ${action}`,
    'METADATA_VALIDATION_FAILED',
    { extra: { errors: { [metadataName]: [{ errors }] } } },
  );
}

/** The input failed the sandbox's own parsing of a JSON argument. */
export function badInput(message: string): GraphQLError {
  return metadataError(message, 'BAD_USER_INPUT');
}
