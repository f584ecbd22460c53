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
