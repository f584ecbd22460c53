/**
 * The one error of the host layer: which operation failed, with what HTTP status and which
 * GraphQL error codes (Twenty's `errors[].extensions.code` and `.subCode`, e.g. `FORBIDDEN`
 * with `ROW_LEVEL_PERMISSION_FEATURE_DISABLED`, or `UNAUTHENTICATED`). Never carries the token.
 */
export class HostError extends Error {
  override readonly name = 'HostError';
  readonly operation: string;
  /** The HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** GraphQL error codes, in the order the host listed them. */
  readonly codes: readonly string[];
  /** Whether retrying the same request may succeed (network, 429, 5xx). */
  readonly retryable: boolean;

  constructor(
    details: {
      readonly operation: string;
      readonly status?: number | undefined;
      readonly codes?: readonly string[];
      readonly retryable?: boolean;
      readonly message: string;
    },
    options?: { readonly cause?: unknown },
  ) {
    const status = details.status === undefined ? '' : ` (HTTP ${details.status})`;
    const codes = details.codes && details.codes.length > 0 ? ` [${details.codes.join(', ')}]` : '';
    super(`${details.operation}${status}${codes}: ${details.message}`, options);
    this.operation = details.operation;
    this.status = details.status;
    this.codes = details.codes ?? [];
    this.retryable = details.retryable ?? false;
  }

  /** Whether the host answered with this GraphQL error code. */
  has(code: string): boolean {
    return this.codes.includes(code);
  }
}

/**
 * Whose a failure the host answered with is. `transient`: the host is down, slow, busy or
 * failing (no answer, a timeout, 408, 429, 5xx, or Twenty's `TIMEOUT` and
 * `INTERNAL_SERVER_ERROR` codes, see twenty-server's
 * engine/core-modules/graphql/utils/graphql-errors.util.ts): retrying may succeed. `blocked`:
 * the caller cannot do this at all (401, 403, 404, `UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`,
 * or `GRAPHQL_VALIDATION_FAILED`: the request does not fit the host's schema) until an operator
 * fixes it. `refused`: the host refuses this request (`BAD_USER_INPUT`, another 4xx): the same
 * bytes get the same answer.
 */
export type HostFailureKind = 'transient' | 'blocked' | 'refused';

const TRANSIENT_CODES = ['TIMEOUT', 'INTERNAL_SERVER_ERROR'];
const BLOCKED_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'GRAPHQL_VALIDATION_FAILED'];
const BLOCKED_STATUSES = [401, 403, 404];

export function hostFailureKind(error: HostError): HostFailureKind {
  if (error.retryable || error.status === 408 || TRANSIENT_CODES.some((c) => error.has(c)))
    return 'transient';
  if (
    (error.status !== undefined && BLOCKED_STATUSES.includes(error.status)) ||
    BLOCKED_CODES.some((c) => error.has(c))
  )
    return 'blocked';
  return 'refused';
}
