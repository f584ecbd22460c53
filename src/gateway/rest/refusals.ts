/**
 * REST refusals in the shape Twenty 2.43 gives them, whether the host or the gateway refuses:
 * `{ statusCode, error, messages: [message] }` (twentyhq/twenty `packages/twenty-server/src/
 * engine/core-modules/exception-handler/http-exception-handler.service.ts`, `handleError`).
 *
 * A permission refusal is 400 named `Error`: the ORM throws a `PermissionsException`, which is
 * no Nest `HttpException` and carries no `statusCode`, so `RestApiExceptionFilter`
 * (`packages/twenty-server/src/engine/api/rest/rest-api-exception.filter.ts`) falls back to 400
 * and `handleError` names it by `exception.name`, which `CustomException` leaves as `Error`
 * (Twenty's `test/integration/rest/suites/field-permissions.integration-spec.ts` expects 400 and
 * the permission message). The gateway answers its own permission refusals the same way, so a
 * client reads one refusal shape whoever refused. The gateway's own codes that have no Twenty
 * counterpart (STEP_UP_REQUIRED, LIMIT_EXCEEDED, GATEWAY_ERROR) keep their status and name the
 * code as `error`, with the detail a client acts on.
 */
import { isJsonObject } from '../core/json.js';
import type { Denial } from '../core/denial.js';
import type { HostAnswer } from '../core/host-answer.js';

/** The status and `error` of a permission refusal on Twenty 2.43's REST API. */
export const REST_PERMISSION_DENIED = { status: 400, error: 'Error' } as const;

/** `getErrorNameFromStatusCode` of http-exception-handler.service.ts, for the codes used here. */
function named(code: string | undefined, status: number): { status: number; error: string } {
  switch (code) {
    case 'FORBIDDEN':
      return REST_PERMISSION_DENIED;
    case 'BAD_USER_INPUT':
    case 'GRAPHQL_VALIDATION_FAILED':
      return { status: 400, error: 'BadRequestException' };
    case 'UNAUTHENTICATED':
      return { status: 401, error: 'UnauthorizedException' };
    case 'NOT_FOUND':
      return { status: 404, error: 'NotFoundException' };
    case 'INTERNAL_SERVER_ERROR':
      return { status: 500, error: 'InternalServerErrorException' };
    case 'STEP_UP_REQUIRED':
    case 'LIMIT_EXCEEDED':
    case 'GATEWAY_ERROR':
      return { status, error: code };
    default:
      return status >= 500
        ? { status, error: 'InternalServerErrorException' }
        : { status: 400, error: 'BadRequestException' };
  }
}

/** The codes whose refusal carries the gateway's detail (Twenty's own shape has none). */
const GATEWAY_CODES = new Set(['STEP_UP_REQUIRED', 'LIMIT_EXCEEDED', 'GATEWAY_ERROR']);

/** A refusal by the gateway itself, in the REST shape. */
export function restDenialBody(denial: Denial): HostAnswer {
  const { status, error } = named(denial.code, denial.status);
  const withDetail = GATEWAY_CODES.has(denial.code) && Object.keys(denial.detail).length > 0;
  return {
    status,
    body: {
      statusCode: status,
      error,
      messages: [denial.message],
      ...(withDetail ? { detail: denial.detail } : {}),
    },
  };
}

/**
 * GraphQL errors (the host's, or the gateway's GraphQL side refusing) as a REST refusal: the
 * first code that decides the status, every message. A permission refusal wins over the rest.
 */
export function restErrorAnswer(status: number, errors: readonly unknown[]): HostAnswer {
  const codes = errors.map((e) =>
    isJsonObject(e) && isJsonObject(e.extensions) && typeof e.extensions.code === 'string'
      ? e.extensions.code
      : undefined,
  );
  const order = [
    'FORBIDDEN',
    'STEP_UP_REQUIRED',
    'LIMIT_EXCEEDED',
    'UNAUTHENTICATED',
    'NOT_FOUND',
    'GATEWAY_ERROR',
    'INTERNAL_SERVER_ERROR',
    'BAD_USER_INPUT',
    'GRAPHQL_VALIDATION_FAILED',
  ];
  const code = order.find((candidate) => codes.includes(candidate));
  const decided = named(code, status >= 400 ? status : 400);
  const messages = errors.map((e) =>
    isJsonObject(e) && typeof e.message === 'string' ? e.message : 'The host refused the request',
  );
  return {
    status: decided.status,
    body: {
      statusCode: decided.status,
      error: decided.error,
      messages: messages.length > 0 ? messages : [`The host answered ${status} without a result`],
    },
  };
}
