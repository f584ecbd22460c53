/**
 * Twenty's webhook signature, exactly (twentyhq/twenty
 * `core-modules/webhook/jobs/call-webhook.job.ts`; docs/host-fidelity.md §5):
 *
 *   X-Twenty-Webhook-Timestamp: Date.now(), in milliseconds
 *   X-Twenty-Webhook-Signature: lowercase hex HMAC-SHA256(secret, `${timestamp}:${rawBody}`)
 *   X-Twenty-Webhook-Nonce:     16 random bytes as hex, not signed
 *
 * The raw body is what was signed (Twenty's JSON.stringify, sent as is), so verification runs
 * over the bytes received, never over re-serialised JSON.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How far a timestamp may be from now, in either direction (Svix and Standard Webhooks: 5 min). */
export const DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;

export const TIMESTAMP_HEADER = 'x-twenty-webhook-timestamp';
export const SIGNATURE_HEADER = 'x-twenty-webhook-signature';
export const NONCE_HEADER = 'x-twenty-webhook-nonce';

const SIGNATURE_FORMAT = /^[0-9a-f]{64}$/;
const TIMESTAMP_FORMAT = /^\d{1,16}$/;

export type SignatureFailure =
  | 'no-secret'
  | 'missing-timestamp'
  | 'missing-signature'
  | 'repeated-header'
  | 'bad-timestamp'
  | 'timestamp-too-old'
  | 'timestamp-too-new'
  | 'bad-signature-format'
  | 'no-matching-signature';

/** A webhook request that must not be trusted; `code` says why, `message` says it precisely. */
export class SignatureError extends Error {
  override readonly name = 'SignatureError';
  constructor(
    readonly code: SignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

export type RawBody = string | Uint8Array;

function digest(secret: string, timestamp: string, body: RawBody): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}:`).update(body).digest();
}

/** The signature Twenty sends for this body at this timestamp (milliseconds). */
export function sign(secret: string, timestamp: number | string, body: RawBody): string {
  return digest(secret, String(timestamp), body).toString('hex');
}

/** The headers Twenty sends with a signed delivery (for the sandbox and for test fixtures). */
export function signedHeaders(secret: string, body: RawBody, now: number): Record<string, string> {
  return {
    'content-type': 'application/json',
    [TIMESTAMP_HEADER]: String(now),
    [SIGNATURE_HEADER]: sign(secret, now, body),
    [NONCE_HEADER]: randomBytes(16).toString('hex'),
  };
}

export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/** One header, looked up without regard to case; a repeated header is ambiguous and refused. */
function header(headers: Headers, name: string, missing: SignatureFailure): string {
  let found: string | readonly string[] | undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) found = value;
  if (typeof found === 'string' && found !== '') return found;
  if (Array.isArray(found) && found.length > 1) {
    throw new SignatureError('repeated-header', `header ${name} was sent ${found.length} times`);
  }
  const single = Array.isArray(found) ? (found[0] as string | undefined) : undefined;
  if (single) return single;
  throw new SignatureError(missing, `missing header ${name}`);
}

export interface VerifyOptions {
  /** Every secret currently trusted: during a rotation, the new one and the old one. */
  readonly secrets: readonly string[];
  /** The receiver's clock, in milliseconds. */
  readonly now: number;
  readonly toleranceMs?: number;
}

/**
 * Checks a delivery's signature and timestamp; returns the signed timestamp (ms). Throws
 * `SignatureError` on any doubt: no trusted secret (fail closed), a missing or malformed
 * header, a timestamp outside the tolerance either way, or no secret that yields the signature.
 */
export function verifySignature(
  rawBody: RawBody,
  headers: Headers,
  options: VerifyOptions,
): number {
  const secrets = options.secrets.filter((s) => s !== '');
  if (secrets.length === 0)
    throw new SignatureError('no-secret', 'no webhook secret is configured');
  const timestamp = header(headers, TIMESTAMP_HEADER, 'missing-timestamp');
  const signature = header(headers, SIGNATURE_HEADER, 'missing-signature');
  if (!TIMESTAMP_FORMAT.test(timestamp)) {
    throw new SignatureError(
      'bad-timestamp',
      `timestamp "${timestamp.slice(0, 32)}" is not milliseconds since the epoch`,
    );
  }
  const tolerance = options.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  const age = options.now - Number(timestamp);
  if (age > tolerance)
    throw new SignatureError(
      'timestamp-too-old',
      `timestamp is ${age} ms old; the tolerance is ${tolerance} ms`,
    );
  if (-age > tolerance) {
    throw new SignatureError(
      'timestamp-too-new',
      `timestamp is ${-age} ms in the future; the tolerance is ${tolerance} ms`,
    );
  }
  if (!SIGNATURE_FORMAT.test(signature)) {
    throw new SignatureError(
      'bad-signature-format',
      'signature is not 64 lowercase hex characters',
    );
  }
  const expected = Buffer.from(signature, 'hex');
  // Every secret is tried, so the time taken does not tell which one matched.
  let matched = false;
  for (const secret of secrets) {
    if (timingSafeEqual(digest(secret, timestamp, rawBody), expected)) matched = true;
  }
  if (!matched)
    throw new SignatureError('no-matching-signature', 'no trusted secret produces this signature');
  return Number(timestamp);
}
