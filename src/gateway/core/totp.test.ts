import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const { timingSafeEqual } = await import('node:crypto');
const {
  Base32Error,
  base32Decode,
  base32Encode,
  generateTotpSecret,
  hotp,
  isUsableTotpSecret,
  otpauthUri,
  totp,
  totpStep,
  verifyTotp,
} = await import('./totp.js');

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** RFC 6238 Appendix B seeds: the ASCII digits repeated to the hash's length. */
const SEED = {
  sha1: base32Encode(ascii('12345678901234567890')),
  sha256: base32Encode(ascii('12345678901234567890123456789012')),
  sha512: base32Encode(ascii('1234567890123456789012345678901234567890123456789012345678901234')),
} as const;

/** RFC 6238 Appendix B: time in seconds, then the 8-digit TOTP for SHA-1, SHA-256, SHA-512. */
const RFC6238_VECTORS: readonly [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
];

/** RFC 4648 §10. */
const RFC4648_VECTORS: readonly [string, string][] = [
  ['', ''],
  ['f', 'MY======'],
  ['fo', 'MZXQ===='],
  ['foo', 'MZXW6==='],
  ['foob', 'MZXW6YQ='],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI======'],
];

/** A fixed instant in the middle of a 30-second step: step 56 666 666 starts at 1 699 999 980 s. */
const NOW = 1_700_000_000_000;
/** A fixed 160-bit secret, so every run checks the same codes. */
const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const codeAt = (step: number, secret = SECRET): string => totp(secret, step * 30_000);

describe('base32 (RFC 4648)', () => {
  it.each(RFC4648_VECTORS)('encodes %j as %j', (plain, encoded) => {
    expect(base32Encode(ascii(plain))).toBe(encoded);
  });

  it.each(RFC4648_VECTORS)('decodes to %j from %j', (plain, encoded) => {
    expect(text(base32Decode(encoded))).toBe(plain);
  });

  it('decodes the vectors without padding and in lower case too', () => {
    for (const [plain, encoded] of RFC4648_VECTORS) {
      expect(text(base32Decode(encoded.replace(/=+$/, '').toLowerCase()))).toBe(plain);
    }
  });

  it('encodes without padding when asked', () => {
    expect(base32Encode(ascii('foobar'), { padding: false })).toBe('MZXW6YTBOI');
  });

  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base32Decode(base32Encode(all))).toEqual(all);
  });

  it.each([
    ['a character outside the alphabet', 'MZXW1YTB'],
    ['whitespace', 'MZXW 6YTB'],
    ['padding in the middle', 'MY======MZXQ===='],
    ['padding that does not complete a group of 8', 'MY==='],
    ['a whole group of padding', 'MZXW6YTB========'],
    ['a length no encoding has', 'MZX'],
    ['non-zero bits after the last byte', 'MZ'],
    ['a non-ASCII letter', 'MZXW6YTÉ'],
  ])('refuses %s', (_what, encoded) => {
    expect(() => base32Decode(encoded)).toThrow(Base32Error);
  });

  it('names the position of a bad character, never the text', () => {
    const secretish = 'JBSWY3DPEHPK3PX!';
    expect(() => base32Decode(secretish)).toThrow(
      'invalid base32: the character at position 15 is not in the alphabet',
    );
    expect(() => base32Decode(secretish)).not.toThrow(/JBSWY3DP|!/);
  });
});

describe('HOTP (RFC 4226 Appendix D)', () => {
  it('gives the ten published codes for counters 0 to 9', () => {
    const key = ascii('12345678901234567890');
    const codes = Array.from({ length: 10 }, (_, counter) => hotp(key, counter));
    expect(codes).toEqual([
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ]);
  });
});

describe('TOTP (RFC 6238 Appendix B)', () => {
  it.each(RFC6238_VECTORS)('at %i s gives %s (SHA-1, 8 digits)', (seconds, sha1) => {
    expect(totp(SEED.sha1, seconds * 1000, { digits: 8 })).toBe(sha1);
  });

  it.each(RFC6238_VECTORS)('at %i s gives %s (SHA-256, 8 digits)', (seconds, _sha1, sha256) => {
    expect(totp(SEED.sha256, seconds * 1000, { algorithm: 'sha256', digits: 8 })).toBe(sha256);
  });

  it.each(RFC6238_VECTORS)(
    'at %i s gives %s (SHA-512, 8 digits)',
    (seconds, _sha1, _sha256, sha512) => {
      expect(totp(SEED.sha512, seconds * 1000, { algorithm: 'sha512', digits: 8 })).toBe(sha512);
    },
  );

  it('accepts every Appendix B vector through verifyTotp with no drift window', () => {
    for (const [seconds, sha1, sha256] of RFC6238_VECTORS) {
      const now = seconds * 1000;
      const step = Math.floor(seconds / 30);
      expect(verifyTotp({ secret: SEED.sha1, code: sha1, now, digits: 8, window: 0 })).toEqual({
        ok: true,
        step,
      });
      expect(
        verifyTotp({
          secret: SEED.sha256,
          code: sha256,
          now,
          algorithm: 'sha256',
          digits: 8,
          window: 0,
        }),
      ).toEqual({ ok: true, step });
    }
  });

  it('gives 6 digits by default: the last 6 of the 8-digit SHA-1 vector', () => {
    expect(totp(SEED.sha1, 59_000)).toBe('287082');
  });

  it('counts steps of 30 seconds from the epoch, the step changing on the second 30', () => {
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
    expect(totpStep(1_111_111_109_000)).toBe(0x23523ec);
  });

  it('refuses a secret that is not base32 or is shorter than 128 bits', () => {
    expect(() => totp('not base32!', NOW)).toThrow(Base32Error);
    expect(() => totp(base32Encode(new Uint8Array(15)), NOW)).toThrow(Base32Error);
    expect(isUsableTotpSecret(base32Encode(new Uint8Array(15)))).toBe(false);
    expect(isUsableTotpSecret(base32Encode(new Uint8Array(16)))).toBe(true);
  });

  it('refuses options outside RFC 4226 and RFC 6238', () => {
    expect(() => totp(SECRET, NOW, { digits: 5 })).toThrow(RangeError);
    expect(() => totp(SECRET, NOW, { digits: 9 })).toThrow(RangeError);
    expect(() => totp(SECRET, NOW, { period: 0 })).toThrow(RangeError);
    expect(() => verifyTotp({ secret: SECRET, code: '123456', now: NOW, window: -1 })).toThrow(
      RangeError,
    );
  });
});

describe('verifyTotp', () => {
  const step = totpStep(NOW);

  it('has, for the fixed secret, five different codes around NOW (so the cases below mean it)', () => {
    const codes = [-2, -1, 0, 1, 2].map((offset) => codeAt(step + offset));
    expect(new Set(codes).size).toBe(5);
  });

  it('accepts the code of the current step and returns that step', () => {
    expect(verifyTotp({ secret: SECRET, code: codeAt(step), now: NOW })).toEqual({
      ok: true,
      step,
    });
  });

  it('accepts the codes of the steps just before and after with the default window of 1', () => {
    expect(verifyTotp({ secret: SECRET, code: codeAt(step - 1), now: NOW })).toEqual({
      ok: true,
      step: step - 1,
    });
    expect(verifyTotp({ secret: SECRET, code: codeAt(step + 1), now: NOW })).toEqual({
      ok: true,
      step: step + 1,
    });
  });

  it('refuses the codes of steps two away as invalid', () => {
    for (const far of [step - 2, step + 2]) {
      expect(verifyTotp({ secret: SECRET, code: codeAt(far), now: NOW })).toEqual({
        ok: false,
        reason: 'invalid-code',
      });
    }
  });

  it('accepts only the current step with a window of 0 and two steps away with a window of 2', () => {
    const seed = SEED.sha1;
    const s = totpStep(1_111_111_111_000);
    const now = 1_111_111_111_000;
    expect(verifyTotp({ secret: seed, code: codeAt(s - 1, seed), now, window: 0 })).toEqual({
      ok: false,
      reason: 'invalid-code',
    });
    expect(verifyTotp({ secret: seed, code: codeAt(s + 2, seed), now, window: 2 })).toEqual({
      ok: true,
      step: s + 2,
    });
  });

  it('refuses a code whose step is the last one used, as a replay', () => {
    const code = codeAt(step);
    expect(verifyTotp({ secret: SECRET, code, now: NOW, lastUsedStep: step })).toEqual({
      ok: false,
      reason: 'replayed-code',
    });
  });

  it('refuses a code of a step before the last one used, as a replay', () => {
    const code = codeAt(step - 1);
    expect(verifyTotp({ secret: SECRET, code, now: NOW, lastUsedStep: step })).toEqual({
      ok: false,
      reason: 'replayed-code',
    });
  });

  it('accepts a code whose step is after the last one used', () => {
    const code = codeAt(step);
    expect(verifyTotp({ secret: SECRET, code, now: NOW, lastUsedStep: step - 1 })).toEqual({
      ok: true,
      step,
    });
  });

  it('accepts step 0 when no step has been used yet', () => {
    expect(verifyTotp({ secret: SEED.sha1, code: '755224', now: 0 })).toEqual({
      ok: true,
      step: 0,
    });
  });

  it.each([
    ['too short', '12345'],
    ['too long', '1234567'],
    ['a letter', '12345a'],
    ['a space', '123 456'],
    ['a sign', '+12345'],
    ['non-ASCII digits', '١٢٣٤٥٦'],
    ['nothing', ''],
  ])('refuses a code with %s as malformed', (_what, code) => {
    expect(verifyTotp({ secret: SECRET, code, now: NOW })).toEqual({
      ok: false,
      reason: 'malformed-code',
    });
  });

  it('refuses a code that is not a string at run time as malformed', () => {
    const code = 123456 as unknown as string;
    expect(verifyTotp({ secret: SECRET, code, now: NOW })).toEqual({
      ok: false,
      reason: 'malformed-code',
    });
  });

  it('refuses a 6-digit code when 8 digits are configured', () => {
    const code = totp(SECRET, NOW).slice(0, 6);
    expect(verifyTotp({ secret: SECRET, code, now: NOW, digits: 8 })).toEqual({
      ok: false,
      reason: 'malformed-code',
    });
  });

  it('refuses with malformed-secret when the secret is not base32 or too short', () => {
    const code = codeAt(step);
    expect(verifyTotp({ secret: 'not base32!', code, now: NOW })).toEqual({
      ok: false,
      reason: 'malformed-secret',
    });
    expect(verifyTotp({ secret: base32Encode(new Uint8Array(10)), code, now: NOW })).toEqual({
      ok: false,
      reason: 'malformed-secret',
    });
  });

  it('compares every candidate step in constant time, not stopping at the first match', () => {
    const compare = vi.mocked(timingSafeEqual);
    compare.mockClear();
    const result = verifyTotp({ secret: SECRET, code: codeAt(step - 2), now: NOW, window: 2 });
    expect(result).toEqual({ ok: true, step: step - 2 });
    expect(compare).toHaveBeenCalledTimes(5);
  });

  it('puts neither the code nor the secret in its result', () => {
    const code = codeAt(step + 5);
    const result = verifyTotp({ secret: SECRET, code, now: NOW });
    const shown = JSON.stringify(result);
    expect(result.ok).toBe(false);
    expect(shown).not.toContain(code);
    expect(shown).not.toContain(SECRET);
  });
});

describe('enrolment', () => {
  it('generates 160-bit secrets as 32 base32 characters without padding', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
  });

  it('generates a different secret each time', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateTotpSecret()));
    expect(secrets.size).toBe(50);
  });

  it('refuses to generate secrets shorter than 128 bits', () => {
    expect(() => generateTotpSecret(15)).toThrow(RangeError);
  });

  it('writes the otpauth URI that authenticator apps scan, issued by Tiergate', () => {
    expect(otpauthUri({ secret: SEED.sha1, account: 'alice@example.com' })).toBe(
      'otpauth://totp/Tiergate:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' +
        '&issuer=Tiergate&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('writes the chosen algorithm, digits and period, and percent-encodes spaces', () => {
    const uri = otpauthUri({
      secret: SEED.sha256,
      account: 'Bob Smith',
      issuer: 'Acme CRM',
      algorithm: 'sha256',
      digits: 8,
      period: 60,
    });
    expect(uri).toMatch(/^otpauth:\/\/totp\/Acme%20CRM:Bob%20Smith\?/);
    expect(uri).toContain('&issuer=Acme%20CRM&algorithm=SHA256&digits=8&period=60');
  });

  it('refuses an account or issuer with a colon, which would split the label', () => {
    expect(() => otpauthUri({ secret: SECRET, account: 'a:b' })).toThrow(RangeError);
    expect(() => otpauthUri({ secret: SECRET, account: 'a', issuer: 'x:y' })).toThrow(RangeError);
  });

  it('refuses an unusable secret without showing it', () => {
    expect(() => otpauthUri({ secret: 'SHORTSECRET', account: 'a' })).toThrow(Base32Error);
    expect(() => otpauthUri({ secret: 'SHORTSECRET', account: 'a' })).not.toThrow(/SHORTSECRET/);
  });
});
