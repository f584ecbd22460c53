/**
 * Twenty's REST error body: `{ statusCode, error, messages: [message] }` (twentyhq/twenty
 * `packages/twenty-server/src/engine/core-modules/exception-handler/http-exception-handler.service.ts`,
 * `handleError`), with `error` the exception's name, e.g. `BadRequestException`
 * (`getErrorNameFromStatusCode` there names the status when the exception has no name).
 */
import type { GraphQLFormattedError } from 'graphql';

export interface RestErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly messages: readonly string[];
}

/** `getErrorNameFromStatusCode` of http-exception-handler.service.ts. */
export function errorName(statusCode: number): string {
  switch (statusCode) {
    case 400:
      return 'BadRequestException';
    case 401:
      return 'UnauthorizedException';
    case 403:
      return 'ForbiddenException';
    case 404:
      return 'NotFoundException';
    case 405:
      return 'MethodNotAllowedException';
    case 409:
      return 'ConflictException';
    case 413:
      return 'PayloadTooLargeException';
    case 422:
      return 'UnprocessableEntityException';
    default:
      return statusCode >= 500 ? 'InternalServerErrorException' : 'BadRequestException';
  }
}

export class RestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly messages: readonly string[],
    name: string = errorName(statusCode),
  ) {
    super(messages.join('; '));
    this.name = name;
  }

  static badRequest(message: string): RestError {
    return new RestError(400, [message]);
  }

  static notFound(message: string): RestError {
    return new RestError(404, [message]);
  }

  get body(): RestErrorBody {
    return { statusCode: this.statusCode, error: this.name, messages: this.messages };
  }
}

/**
 * A permission refusal as Twenty 2.43's REST API answers it: the ORM's `PermissionsException`
 * (`packages/twenty-server/src/engine/metadata-modules/permissions/permissions.exception.ts`)
 * is no Nest `HttpException` and has no `statusCode`, so `RestApiExceptionFilter`
 * (`packages/twenty-server/src/engine/api/rest/rest-api-exception.filter.ts`) answers it with
 * 400, and `handleError` names it by the exception's `name`, which `CustomException` never sets:
 * `Error`. Twenty's own tests pin the 400 and the message
 * (`packages/twenty-server/test/integration/rest/suites/field-permissions.integration-spec.ts`).
 */
export const REST_PERMISSION_DENIED_STATUS = 400;
export const REST_PERMISSION_DENIED_ERROR = 'Error';

export function permissionRefusal(messages: readonly string[]): RestError {
  return new RestError(REST_PERMISSION_DENIED_STATUS, messages, REST_PERMISSION_DENIED_ERROR);
}

/**
 * The HTTP status of a core GraphQL error, by its `extensions.code`, as Twenty's REST layer
 * answers the same query-runner exceptions: FORBIDDEN (a permission refusal) 400 named `Error`
 * (above), NOT_FOUND 404 (`CommonQueryRunnerException` RECORD_NOT_FOUND), UNAUTHENTICATED 401,
 * INTERNAL_SERVER_ERROR 500; BAD_USER_INPUT and graphql-js's own input errors (no code: a value
 * of the wrong type, an unknown field) 400.
 */
export function statusOfGraphqlErrors(errors: readonly GraphQLFormattedError[]): number {
  const codes = errors.map((error) => error.extensions?.code);
  if (codes.includes('FORBIDDEN')) return REST_PERMISSION_DENIED_STATUS;
  if (codes.includes('UNAUTHENTICATED')) return 401;
  if (codes.includes('NOT_FOUND')) return 404;
  if (codes.includes('INTERNAL_SERVER_ERROR')) return 500;
  return 400;
}

export function fromGraphqlErrors(errors: readonly GraphQLFormattedError[]): RestError {
  const messages = errors.map((error) => error.message);
  if (errors.some((error) => error.extensions?.code === 'FORBIDDEN')) {
    return permissionRefusal(messages);
  }
  return new RestError(statusOfGraphqlErrors(errors), messages);
}
