/**
 * Time-based one-time passwords (RFC 6238, on HOTP of RFC 4226) and the base32 of RFC 4648
 * that authenticator apps exchange secrets in, on node:crypto alone.
 *
 * Defaults are what every authenticator app speaks: HMAC-SHA1, a 30-second step counted from the
 * Unix epoch, 6 digits. SHA-256 and SHA-512 and 7 or 8 digits can be chosen; the `otpauth://` URI
 * then says so, so an app that scans it computes the same codes.
 *
 * Neither secrets nor codes ever appear in an error or a result: a base32 error names the
 * position of the offending character, never the character, and a refused code gets a reason
 * code, never an echo.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// ---------------------------------------------------------------------------------------------
// Base32 (RFC 4648 §6)
// ---------------------------------------------------------------------------------------------

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 5-bit value of each alphabet letter, upper and lower case alike; -1 for anything else. */
const BASE32_VALUE: readonly number[] = (() => {
  const table = new Array<number>(128).fill(-1);
  for (let i = 0; i < BASE32_ALPHABET.length; i++) {
    table[BASE32_ALPHABET.charCodeAt(i)] = i;
    table[BASE32_ALPHABET.toLowerCase().charCodeAt(i)] = i;
  }
  return table;
})();

/** The lengths, modulo 8, that a base32 text without padding can have (RFC 4648 §6). */
const VALID_UNPADDED_REMAINDERS = new Set([0, 2, 4, 5, 7]);

export class Base32Error extends Error {
  override readonly name = 'Base32Error';
}

/**
 * Encodes bytes as RFC 4648 base32, upper case. With `padding: true` (the default) the text is
 * padded with `=` to a multiple of 8 characters, as the RFC's test vectors are; authenticator
 * secrets are usually given without it.
 */
export function base32Encode(data: Uint8Array, options: { padding?: boolean } = {}): string {
  const padding = options.padding ?? true;
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET.charAt((buffer >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET.charAt((buffer << (5 - bits)) & 31);
  if (padding) while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * Decodes RFC 4648 base32. Letters may be upper or lower case; `=` padding is optional, but when
 * present it must complete the last group of 8. Anything else is refused with a `Base32Error`:
 * characters outside the alphabet, whitespace, a length no encoding produces, and non-zero bits
 * after the last whole byte (so each byte string has exactly one encoding, RFC 4648 §3.5).
 */
export function base32Decode(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d /* = */) end--;
  const padded = end !== text.length;
  if (padded && text.length % 8 !== 0) {
    throw new Base32Error('invalid base32: padding must complete a group of 8 characters');
  }
  if (!VALID_UNPADDED_REMAINDERS.has(end % 8) || (padded && text.length - end >= 7)) {
    throw new Base32Error(`invalid base32: no encoding has ${end} characters before padding`);
  }
  const out = new Uint8Array(Math.floor((end * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let written = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (BASE32_VALUE[code] ?? -1) : -1;
    if (value < 0) {
      throw new Base32Error(
        `invalid base32: the character at position ${i} is not in the alphabet`,
      );
    }
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[written++] = (buffer >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    throw new Base32Error('invalid base32: the bits after the last byte are not zero');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// HOTP and TOTP (RFC 4226, RFC 6238)
// ---------------------------------------------------------------------------------------------

export type TotpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export interface TotpOptions {
  /** The HMAC hash; `sha1` by default, as every authenticator app expects. */
  algorithm?: TotpAlgorithm;
  /** Code length, 6 (default), 7 or 8. */
  digits?: number;
  /** The time step in seconds (RFC 6238 "X"), 30 by default. */
  period?: number;
}

/** The shortest secret accepted: 128 bits, RFC 4226 R6 (160 recommended, and generated). */
export const MIN_SECRET_BYTES = 16;
/** The length of a generated secret: 160 bits, as RFC 4226 recommends. */
export const DEFAULT_SECRET_BYTES = 20;
/** The furthest a verification may look from the current step, either way. */
export const MAX_WINDOW = 10;

interface ResolvedOptions {
  algorithm: TotpAlgorithm;
  digits: number;
  period: number;
}

function resolve(options: TotpOptions): ResolvedOptions {
  const algorithm = options.algorithm ?? 'sha1';
  const digits = options.digits ?? 6;
  const period = options.period ?? 30;
  if (algorithm !== 'sha1' && algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new RangeError('TOTP algorithm must be sha1, sha256 or sha512');
  }
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) {
    throw new RangeError('TOTP digits must be 6, 7 or 8');
  }
  if (!Number.isInteger(period) || period < 1) {
    throw new RangeError('TOTP period must be a positive whole number of seconds');
  }
  return { algorithm, digits, period };
}

/** HOTP (RFC 4226 §5.3): HMAC over the 8-byte big-endian counter, dynamically truncated. */
export function hotp(
  key: Uint8Array,
  counter: number,
  options: Pick<TotpOptions, 'algorithm' | 'digits'> = {},
): string {
  const { algorithm, digits } = resolve(options);
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new RangeError('HOTP counter must be a non-negative safe integer');
  }
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time step ("T") that the instant `now` (ms since the epoch) falls in. */
export function totpStep(now: number, period = 30): number {
  if (!Number.isFinite(now)) throw new RangeError('TOTP time must be a finite number of ms');
  return Math.floor(now / 1000 / period);
}

function decodeSecret(secret: string): Uint8Array | undefined {
  try {
    const key = base32Decode(secret);
    return key.length >= MIN_SECRET_BYTES ? key : undefined;
  } catch (error) {
    if (error instanceof Base32Error) return undefined;
    throw error;
  }
}

/** Whether `secret` is base32 of at least 128 bits, so usable for TOTP. */
export function isUsableTotpSecret(secret: string): boolean {
  return decodeSecret(secret) !== undefined;
}

/** The code for the instant `now` (ms since the epoch); the secret is base32. */
export function totp(secret: string, now: number, options: TotpOptions = {}): string {
  const resolved = resolve(options);
  const key = decodeSecret(secret);
  if (key === undefined) {
    throw new Base32Error(
      `TOTP secret must be base32 of at least ${MIN_SECRET_BYTES} bytes (${MIN_SECRET_BYTES * 8} bits)`,
    );
  }
  return hotp(key, totpStep(now, resolved.period), resolved);
}

export interface VerifyTotpInput extends TotpOptions {
  /** The member's base32 secret. */
  secret: string;
  /** What the member typed; exactly `digits` ASCII digits, nothing else. */
  code: string;
  /** The instant of verification, ms since the epoch. */
  now: number;
  /** How many steps either side of the current one are accepted (clock drift); 1 by default. */
  window?: number;
  /** The step of the last code accepted for this secret: it and every earlier step are refused. */
  lastUsedStep?: number;
}

/**
 * Why a code was refused.
 * - `malformed-code`: not exactly `digits` ASCII digits.
 * - `malformed-secret`: the stored secret is not base32 or is shorter than 128 bits.
 * - `invalid-code`: well formed, but no step within the window gives it.
 * - `replayed-code`: it is the code of a step at or before the last one accepted.
 */
export type TotpRefusal = 'malformed-code' | 'malformed-secret' | 'invalid-code' | 'replayed-code';

export type VerifyTotpResult = { ok: true; step: number } | { ok: false; reason: TotpRefusal };

/**
 * Checks a code against the steps from `window` before to `window` after the current one.
 *
 * Every candidate step is computed and compared in constant time (`timingSafeEqual`), without
 * stopping at a match, so the time taken says nothing about which step, if any, matched. A code
 * that matches only steps at or before `lastUsedStep` is a replay (RFC 6238 §5.2: a verifier
 * MUST NOT accept the second attempt of the same OTP); when it matches a later step as well (two
 * steps can share a code), the latest is the one accepted. The caller stores the returned `step`
 * as the new `lastUsedStep`.
 */
export function verifyTotp(input: VerifyTotpInput): VerifyTotpResult {
  const { algorithm, digits, period } = resolve(input);
  const window = input.window ?? 1;
  if (!Number.isInteger(window) || window < 0 || window > MAX_WINDOW) {
    throw new RangeError(`TOTP window must be a whole number from 0 to ${MAX_WINDOW}`);
  }
  const code: unknown = input.code;
  if (typeof code !== 'string' || code.length !== digits || !/^[0-9]+$/.test(code)) {
    return { ok: false, reason: 'malformed-code' };
  }
  const key = decodeSecret(input.secret);
  if (key === undefined) return { ok: false, reason: 'malformed-secret' };

  const lastUsed = input.lastUsedStep ?? -1;
  const current = totpStep(input.now, period);
  const given = Buffer.from(code, 'ascii');
  let accepted = -1;
  let replayed = false;
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    const expected = Buffer.from(hotp(key, step, { algorithm, digits }), 'ascii');
    const match = timingSafeEqual(given, expected);
    if (match && step > lastUsed) accepted = step;
    else if (match) replayed = true;
  }
  if (accepted >= 0) return { ok: true, step: accepted };
  return { ok: false, reason: replayed ? 'replayed-code' : 'invalid-code' };
}

// ---------------------------------------------------------------------------------------------
// Enrolment
// ---------------------------------------------------------------------------------------------

/** A new random secret (CSPRNG), base32 without padding: 20 bytes give 32 characters. */
export function generateTotpSecret(byteLength = DEFAULT_SECRET_BYTES): string {
  if (!Number.isInteger(byteLength) || byteLength < MIN_SECRET_BYTES || byteLength > 64) {
    throw new RangeError(`a TOTP secret must have from ${MIN_SECRET_BYTES} to 64 bytes`);
  }
  return base32Encode(randomBytes(byteLength), { padding: false });
}

export interface OtpauthUriInput extends TotpOptions {
  secret: string;
  /** The member's account name as the app shows it, e.g. an e-mail address. */
  account: string;
  /** Who issued the secret; `Tiergate` by default. */
  issuer?: string;
}

/**
 * The `otpauth://totp/…` key URI that authenticator apps scan from a QR code (Google
 * Authenticator's key URI format): label `issuer:account`, both percent-encoded, then `secret`
 * (base32, no padding), `issuer`, `algorithm`, `digits` and `period`. Neither issuer nor account
 * may contain a colon, which separates them in the label.
 */
export function otpauthUri(input: OtpauthUriInput): string {
  const { algorithm, digits, period } = resolve(input);
  const issuer = input.issuer ?? 'Tiergate';
  if (issuer === '' || input.account === '') {
    throw new RangeError('otpauth issuer and account must not be empty');
  }
  if (issuer.includes(':') || input.account.includes(':')) {
    throw new RangeError('otpauth issuer and account must not contain a colon');
  }
  const key = decodeSecret(input.secret);
  if (key === undefined) {
    throw new Base32Error(
      `TOTP secret must be base32 of at least ${MIN_SECRET_BYTES} bytes (${MIN_SECRET_BYTES * 8} bits)`,
    );
  }
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(input.account)}`;
  const query = [
    `secret=${base32Encode(key, { padding: false })}`,
    `issuer=${encodeURIComponent(issuer)}`,
    `algorithm=${algorithm.toUpperCase()}`,
    `digits=${digits}`,
    `period=${period}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}
