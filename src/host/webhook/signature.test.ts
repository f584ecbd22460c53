/**
 * One valid signed delivery, then one thing changed per test (as Svix tests its verifier), plus
 * the cases peculiar to Twenty's headers.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOLERANCE_MS,
  NONCE_HEADER,
  sign,
  SIGNATURE_HEADER,
  SignatureError,
  signedHeaders,
  TIMESTAMP_HEADER,
  verifySignature,
  type Headers,
  type SignatureFailure,
} from './signature.js';

const SECRET = 'whsec-test-secret-0123456789abcdef';
const NOW = 1_767_225_600_000;
const BODY =
  '{"targetUrl":"https://addon.test/webhooks","eventName":"person.created","record":{"id":"p1"}}';
/** Computed outside Node: printf '%s' "$NOW:$BODY" | openssl dgst -sha256 -hmac "$SECRET". */
const KNOWN_SIGNATURE = 'a80c791f402187f4cee7dd18b76c77ccc65906488fe1c6c1fa5d9b7314b52187';

const valid = (): Record<string, string> => ({
  [TIMESTAMP_HEADER]: String(NOW),
  [SIGNATURE_HEADER]: KNOWN_SIGNATURE,
  [NONCE_HEADER]: '00112233445566778899aabbccddeeff',
});

function failure(body: string, headers: Headers, secrets = [SECRET], now = NOW): SignatureFailure {
  try {
    verifySignature(body, headers, { secrets, now });
  } catch (error) {
    if (error instanceof SignatureError) return error.code;
    throw error;
  }
  throw new Error('the delivery was accepted');
}

describe('sign', () => {
  it('matches an HMAC computed by openssl over "<timestamp>:<raw body>"', () => {
    expect(sign(SECRET, NOW, BODY)).toBe(KNOWN_SIGNATURE);
  });

  it('signs the bytes of a body given as a buffer the same as its text', () => {
    expect(sign(SECRET, NOW, Buffer.from(BODY, 'utf8'))).toBe(KNOWN_SIGNATURE);
  });
});

describe('verifySignature', () => {
  it('accepts a valid delivery and returns its timestamp', () => {
    expect(verifySignature(BODY, valid(), { secrets: [SECRET], now: NOW })).toBe(NOW);
  });

  it('accepts the headers that signedHeaders produces, whatever their case', () => {
    const headers = signedHeaders(SECRET, BODY, NOW);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifySignature(BODY, upper, { secrets: [SECRET], now: NOW })).toBe(NOW);
  });

  it('does not sign the nonce: another nonce still verifies', () => {
    const headers = { ...valid(), [NONCE_HEADER]: 'ffffffffffffffffffffffffffffffff' };
    expect(verifySignature(BODY, headers, { secrets: [SECRET], now: NOW })).toBe(NOW);
  });

  it('fails closed when no secret is configured', () => {
    expect(failure(BODY, valid(), [])).toBe('no-secret');
    expect(failure(BODY, valid(), [''])).toBe('no-secret');
  });

  it('rejects a delivery without a timestamp or without a signature', () => {
    const { [TIMESTAMP_HEADER]: _t, ...noTimestamp } = valid();
    const { [SIGNATURE_HEADER]: _s, ...noSignature } = valid();
    expect(failure(BODY, noTimestamp)).toBe('missing-timestamp');
    expect(failure(BODY, noSignature)).toBe('missing-signature');
    expect(failure(BODY, { ...valid(), [SIGNATURE_HEADER]: '' })).toBe('missing-signature');
  });

  it('rejects a timestamp that is not milliseconds', () => {
    expect(failure(BODY, { ...valid(), [TIMESTAMP_HEADER]: 'yesterday' })).toBe('bad-timestamp');
    expect(failure(BODY, { ...valid(), [TIMESTAMP_HEADER]: '-5' })).toBe('bad-timestamp');
    expect(failure(BODY, { ...valid(), [TIMESTAMP_HEADER]: '1.5' })).toBe('bad-timestamp');
  });

  it('accepts a timestamp exactly 300,000 ms away in either direction, and not one more', () => {
    for (const offset of [-DEFAULT_TOLERANCE_MS, DEFAULT_TOLERANCE_MS]) {
      const at = NOW + offset;
      const headers = {
        [TIMESTAMP_HEADER]: String(at),
        [SIGNATURE_HEADER]: sign(SECRET, at, BODY),
      };
      expect(verifySignature(BODY, headers, { secrets: [SECRET], now: NOW })).toBe(at);
    }
    const old = NOW - DEFAULT_TOLERANCE_MS - 1;
    const future = NOW + DEFAULT_TOLERANCE_MS + 1;
    expect(
      failure(BODY, {
        [TIMESTAMP_HEADER]: String(old),
        [SIGNATURE_HEADER]: sign(SECRET, old, BODY),
      }),
    ).toBe('timestamp-too-old');
    expect(
      failure(BODY, {
        [TIMESTAMP_HEADER]: String(future),
        [SIGNATURE_HEADER]: sign(SECRET, future, BODY),
      }),
    ).toBe('timestamp-too-new');
  });

  it('reads the timestamp as milliseconds, so one in seconds is decades old', () => {
    const seconds = String(Math.floor(NOW / 1000));
    expect(
      failure(BODY, {
        [TIMESTAMP_HEADER]: seconds,
        [SIGNATURE_HEADER]: sign(SECRET, seconds, BODY),
      }),
    ).toBe('timestamp-too-old');
  });

  it('takes a tolerance of its own', () => {
    const at = NOW - 10_000;
    const headers = { [TIMESTAMP_HEADER]: String(at), [SIGNATURE_HEADER]: sign(SECRET, at, BODY) };
    expect(() =>
      verifySignature(BODY, headers, { secrets: [SECRET], now: NOW, toleranceMs: 5_000 }),
    ).toThrow('timestamp is 10000 ms old; the tolerance is 5000 ms');
  });

  it('rejects a signature of the wrong length or case without throwing anything else', () => {
    expect(failure(BODY, { ...valid(), [SIGNATURE_HEADER]: KNOWN_SIGNATURE.slice(2) })).toBe(
      'bad-signature-format',
    );
    expect(failure(BODY, { ...valid(), [SIGNATURE_HEADER]: `${KNOWN_SIGNATURE}00` })).toBe(
      'bad-signature-format',
    );
    expect(failure(BODY, { ...valid(), [SIGNATURE_HEADER]: KNOWN_SIGNATURE.toUpperCase() })).toBe(
      'bad-signature-format',
    );
    expect(failure(BODY, { ...valid(), [SIGNATURE_HEADER]: `v1,${KNOWN_SIGNATURE}` })).toBe(
      'bad-signature-format',
    );
  });

  it('rejects a changed body, a re-serialised body and a wrong secret', () => {
    expect(failure(BODY.replace('p1', 'p2'), valid())).toBe('no-matching-signature');
    const reserialised = JSON.stringify(JSON.parse(BODY) as unknown, null, 1);
    expect(failure(reserialised, valid())).toBe('no-matching-signature');
    expect(failure(BODY, valid(), ['another-secret'])).toBe('no-matching-signature');
  });

  it('rejects a signature for another timestamp', () => {
    expect(failure(BODY, { ...valid(), [TIMESTAMP_HEADER]: String(NOW + 1) })).toBe(
      'no-matching-signature',
    );
  });

  it('accepts any of several secrets during a rotation, the old one included', () => {
    expect(verifySignature(BODY, valid(), { secrets: ['new-secret', SECRET], now: NOW })).toBe(NOW);
    expect(verifySignature(BODY, valid(), { secrets: [SECRET, 'new-secret'], now: NOW })).toBe(NOW);
  });

  it('refuses a header sent twice rather than pick one', () => {
    const headers = { ...valid(), [SIGNATURE_HEADER]: [KNOWN_SIGNATURE, KNOWN_SIGNATURE] };
    expect(failure(BODY, headers)).toBe('repeated-header');
  });

  it('names what is wrong in its message', () => {
    expect(() => verifySignature(BODY, {}, { secrets: [SECRET], now: NOW })).toThrow(
      'missing header x-twenty-webhook-timestamp',
    );
    expect(() => verifySignature(BODY, valid(), { secrets: ['x'], now: NOW })).toThrow(
      'no trusted secret produces this signature',
    );
  });
});
