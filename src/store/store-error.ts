/** The store's one error type: a bad URL, a server out of reach, a failed migration, a refused write. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** Node's codes for a connection that could not be made or was cut. */
const CONNECTION_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/**
 * Whether `error` says the database went away rather than refused the statement: PostgreSQL's
 * connection exceptions (class 08), an administrator's or a crash's shutdown (57P01-57P03,
 * what `pg_terminate_backend` sends), a socket error, or `pg`'s own words for a cut connection.
 * Retrying such a failure may succeed; retrying a refused statement will not.
 */
export function isConnectionFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code.startsWith('08') || /^57P0[123]$/.test(code) || CONNECTION_ERRNOS.has(code))
        return true;
    }
    if (
      /Connection terminated|connection error|Client was closed|timeout exceeded when trying to connect/i.test(
        e.message,
      )
    )
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
