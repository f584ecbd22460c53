import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ExportMeter } from './export-meter.js';
import {
  InMemoryTotpSecrets,
  NOT_ENROLLED_REASON,
  StepUp,
  type StepUpOptions,
  type StepUpResult,
  type TotpSecrets,
} from './step-up.js';
import { totp, totpStep } from './totp.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const OTHER_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
/** 20 seconds into a 30-second step. */
const NOW = 1_700_000_000_000;
const MINUTE = 60_000;
const FIFTEEN_MINUTES = 15 * MINUTE;

/** A code that is right for no step near NOW (checked by the first test). */
const WRONG = '000000';

function setup(options: Partial<StepUpOptions> = {}) {
  const secrets = new InMemoryTotpSecrets([
    ['alice', SECRET],
    ['bob', OTHER_SECRET],
  ]);
  const meter = new ExportMeter({ maxRowsWithoutStepUp: 1000, windowMs: 3_600_000 });
  const stepUp = new StepUp({ secrets, meter, ...options });
  return { secrets, meter, stepUp };
}

function failure(status: number, reason: string | RegExp) {
  const expected: unknown = typeof reason === 'string' ? reason : expect.stringMatching(reason);
  return { ok: false, status, reason: expected };
}

describe('StepUp: verifying a code', () => {
  it('uses a wrong code that no step near NOW gives (so the refusals below mean it)', () => {
    for (let offset = -2; offset <= 2; offset++) {
      expect(totp(SECRET, NOW + offset * 30_000)).not.toBe(WRONG);
      expect(totp(OTHER_SECRET, NOW + offset * 30_000)).not.toBe(WRONG);
    }
  });

  it('elevates a member with a right code for 10 minutes, so reads over the limit pass', async () => {
    const { meter, stepUp } = setup();
    meter.record('alice', 1000, NOW);
    expect(meter.check('alice', NOW).allowed).toBe(false);
    const result = await stepUp.verify('alice', totp(SECRET, NOW), NOW);
    expect(result).toEqual({ ok: true, elevatedUntil: new Date(NOW + 600_000) });
    expect(meter.check('alice', NOW + 599_999)).toEqual({ allowed: true });
    expect(meter.check('alice', NOW + 600_000).allowed).toBe(false);
  });

  it('records the step of the accepted code as used', async () => {
    const { secrets, stepUp } = setup();
    await stepUp.verify('alice', totp(SECRET, NOW), NOW);
    expect(await secrets.lastUsedStep('alice')).toBe(totpStep(NOW));
  });

  it('accepts the code of the previous step (clock drift of one step)', async () => {
    const { stepUp } = setup();
    const result = await stepUp.verify('alice', totp(SECRET, NOW - 30_000), NOW);
    expect(result.ok).toBe(true);
  });

  it('refuses the same code a second time with 401, as already used', async () => {
    const { stepUp } = setup();
    const code = totp(SECRET, NOW);
    expect((await stepUp.verify('alice', code, NOW)).ok).toBe(true);
    expect(await stepUp.verify('alice', code, NOW + 5_000)).toEqual(
      failure(401, 'the code has already been used; wait for the next one'),
    );
  });

  it('accepts the code of the next step after one has been used', async () => {
    const { stepUp } = setup();
    await stepUp.verify('alice', totp(SECRET, NOW), NOW);
    const later = NOW + 30_000;
    expect(await stepUp.verify('alice', totp(SECRET, later), later)).toEqual({
      ok: true,
      elevatedUntil: new Date(later + 600_000),
    });
  });

  it('refuses a wrong code with 401 and elevates nobody', async () => {
    const { meter, stepUp } = setup();
    expect(await stepUp.verify('alice', WRONG, NOW)).toEqual(failure(401, 'the code is not valid'));
    expect(meter.elevatedUntil('alice', NOW)).toBeUndefined();
  });

  it("refuses another member's code with 401", async () => {
    const { stepUp } = setup();
    expect(await stepUp.verify('alice', totp(OTHER_SECRET, NOW), NOW)).toEqual(
      failure(401, 'the code is not valid'),
    );
  });

  it('refuses a malformed code with 400 without spending an attempt', async () => {
    const { stepUp } = setup();
    expect(await stepUp.verify('alice', '12345', NOW)).toEqual(
      failure(400, 'the code must be exactly 6 digits'),
    );
    expect(await stepUp.verify('alice', 'abcdef', NOW)).toEqual(
      failure(400, 'the code must be exactly 6 digits'),
    );
    expect(stepUp.attemptsLeft('alice', NOW)).toBe(5);
  });

  it('refuses a member with no TOTP enrolled with 403, pointing to the admin panel', async () => {
    const { stepUp } = setup();
    const result = await stepUp.verify('carol', '123456', NOW);
    expect(result).toEqual(failure(403, NOT_ENROLLED_REASON));
    expect(NOT_ENROLLED_REASON).toBe(
      'no TOTP enrolled for this member; enrolment is in the admin panel',
    );
    expect(stepUp.attemptsLeft('carol', NOW)).toBe(5);
  });

  it('refuses with 403 when the stored secret is unusable, without showing it', async () => {
    const broken: TotpSecrets = {
      secretOf: () => Promise.resolve('NOT-BASE32-SECRET'),
      lastUsedStep: () => Promise.resolve(undefined),
      markUsed: () => Promise.resolve(),
    };
    const meter = new ExportMeter({ maxRowsWithoutStepUp: 1000, windowMs: 3_600_000 });
    const result = await new StepUp({ secrets: broken, meter }).verify('alice', '123456', NOW);
    expect(result).toEqual(failure(403, /enrol again in the admin panel/));
    expect(JSON.stringify(result)).not.toContain('NOT-BASE32');
  });

  it('verifies 8-digit SHA-256 codes when so configured', async () => {
    const { stepUp } = setup({ totp: { algorithm: 'sha256', digits: 8 } });
    const code = totp(SECRET, NOW, { algorithm: 'sha256', digits: 8 });
    expect((await stepUp.verify('alice', code, NOW)).ok).toBe(true);
    expect(await stepUp.verify('alice', totp(SECRET, NOW), NOW)).toEqual(
      failure(400, 'the code must be exactly 8 digits'),
    );
  });
});

describe('StepUp: brute-force protection', () => {
  async function failFiveTimes(stepUp: StepUp, memberId = 'alice'): Promise<void> {
    for (let i = 0; i < 5; i++) {
      expect(await stepUp.verify(memberId, WRONG, NOW + i * 1000)).toEqual(
        failure(401, 'the code is not valid'),
      );
    }
  }

  it('refuses the attempt after 5 failed codes with 429, even with the right code', async () => {
    const { meter, stepUp } = setup();
    await failFiveTimes(stepUp);
    const at = NOW + 5000;
    expect(await stepUp.verify('alice', totp(SECRET, at), at)).toEqual({
      ok: false,
      status: 429,
      reason: 'too many failed codes; try again in 15 minutes',
      retryAfterMs: FIFTEEN_MINUTES - 5000,
    });
    expect(meter.elevatedUntil('alice', at)).toBeUndefined();
  });

  it('keeps refusing until 15 minutes after the oldest failure, then accepts a right code', async () => {
    const { stepUp } = setup();
    await failFiveTimes(stepUp);
    const justBefore = NOW + FIFTEEN_MINUTES - 1;
    expect(await stepUp.verify('alice', totp(SECRET, justBefore), justBefore)).toMatchObject({
      ok: false,
      status: 429,
      retryAfterMs: 1,
    });
    const after = NOW + FIFTEEN_MINUTES;
    expect(await stepUp.verify('alice', totp(SECRET, after), after)).toEqual({
      ok: true,
      elevatedUntil: new Date(after + 600_000),
    });
  });

  it('lets one more attempt through each time the oldest failure leaves the window', async () => {
    const { stepUp } = setup();
    await failFiveTimes(stepUp);
    const after = NOW + FIFTEEN_MINUTES;
    expect(await stepUp.verify('alice', WRONG, after)).toEqual(
      failure(401, 'the code is not valid'),
    );
    expect(await stepUp.verify('alice', WRONG, after + 1)).toMatchObject({ status: 429 });
  });

  it('counts a replayed code as a failed one', async () => {
    const { stepUp } = setup();
    const code = totp(SECRET, NOW);
    await stepUp.verify('alice', code, NOW);
    for (let i = 0; i < 5; i++) {
      expect(await stepUp.verify('alice', code, NOW + i)).toMatchObject({ status: 401 });
    }
    expect(await stepUp.verify('alice', code, NOW + 5)).toMatchObject({ status: 429 });
  });

  it('does not forgive failures after a success: the bound is 5 per 15 minutes', async () => {
    const { stepUp } = setup();
    for (let i = 0; i < 4; i++) await stepUp.verify('alice', WRONG, NOW + i);
    expect((await stepUp.verify('alice', totp(SECRET, NOW), NOW + 4)).ok).toBe(true);
    expect(await stepUp.verify('alice', WRONG, NOW + 5)).toMatchObject({ status: 401 });
    expect(await stepUp.verify('alice', WRONG, NOW + 6)).toMatchObject({ status: 429 });
  });

  it("does not lock out a member for another member's failures", async () => {
    const { stepUp } = setup();
    await failFiveTimes(stepUp, 'alice');
    expect((await stepUp.verify('bob', totp(OTHER_SECRET, NOW), NOW + 5000)).ok).toBe(true);
  });

  it('never forgets a locked-out member, and refuses new members when only those are left', async () => {
    const { stepUp } = setup({ maxTrackedMembers: 2 });
    await failFiveTimes(stepUp, 'alice');
    await failFiveTimes(stepUp, 'bob');
    expect(await stepUp.verify('carol', '123456', NOW + 6000)).toMatchObject({
      ok: false,
      status: 429,
      retryAfterMs: FIFTEEN_MINUTES - 6000,
    });
    expect(await stepUp.verify('alice', totp(SECRET, NOW + 6000), NOW + 6000)).toMatchObject({
      status: 429,
    });
  });

  it('forgets a member not locked out to make room, keeping the locked-out one', async () => {
    const { secrets, stepUp } = setup({ maxTrackedMembers: 2 });
    secrets.enrol('carol', SECRET);
    await failFiveTimes(stepUp, 'alice');
    await stepUp.verify('bob', WRONG, NOW);
    expect(stepUp.attemptsLeft('bob', NOW)).toBe(4);
    expect(await stepUp.verify('carol', WRONG, NOW + 10)).toEqual(
      failure(401, 'the code is not valid'),
    );
    expect(stepUp.attemptsLeft('carol', NOW + 10)).toBe(4);
    expect(stepUp.attemptsLeft('bob', NOW + 10)).toBe(5);
    expect(stepUp.attemptsLeft('alice', NOW + 10)).toBe(0);
    expect(await stepUp.verify('alice', totp(SECRET, NOW + 10), NOW + 10)).toMatchObject({
      status: 429,
    });
  });
});

describe('StepUp: concurrency and failures of the store', () => {
  it('accepts a code once when two requests carry it at the same time', async () => {
    const { stepUp } = setup();
    const code = totp(SECRET, NOW);
    const results = await Promise.all([
      stepUp.verify('alice', code, NOW),
      stepUp.verify('alice', code, NOW),
      stepUp.verify('alice', code, NOW),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toHaveLength(2);
  });

  it('propagates an error of the store and elevates nobody, then works again', async () => {
    const { secrets, meter } = setup();
    let failing = true;
    const flaky: TotpSecrets = {
      secretOf: (id) => secrets.secretOf(id),
      lastUsedStep: (id) => secrets.lastUsedStep(id),
      markUsed: (id, step) =>
        failing ? Promise.reject(new Error('store down')) : secrets.markUsed(id, step),
    };
    const stepUp = new StepUp({ secrets: flaky, meter });
    await expect(stepUp.verify('alice', totp(SECRET, NOW), NOW)).rejects.toThrow('store down');
    expect(meter.elevatedUntil('alice', NOW)).toBeUndefined();
    failing = false;
    expect((await stepUp.verify('alice', totp(SECRET, NOW), NOW)).ok).toBe(true);
  });

  it('refuses with 429 when the meter is too full to record the elevation', async () => {
    const secrets = new InMemoryTotpSecrets([['alice', SECRET]]);
    const meter = new ExportMeter({ maxRowsWithoutStepUp: 10, windowMs: 60_000, maxMembers: 1 });
    meter.record('hoarder', 10, NOW);
    const result = await new StepUp({ secrets, meter }).verify('alice', totp(SECRET, NOW), NOW);
    expect(result).toMatchObject({ ok: false, status: 429 });
    expect(meter.check('hoarder', NOW).allowed).toBe(false);
  });
});

describe('StepUp: what it shows', () => {
  it('never puts the code or the secret in a reason', async () => {
    const { stepUp } = setup();
    const results: StepUpResult[] = [];
    const right = totp(SECRET, NOW);
    results.push(await stepUp.verify('alice', '1234567', NOW));
    results.push(await stepUp.verify('alice', WRONG, NOW));
    results.push(await stepUp.verify('alice', right, NOW));
    results.push(await stepUp.verify('alice', right, NOW));
    for (let i = 0; i < 5; i++) results.push(await stepUp.verify('alice', WRONG, NOW));
    const shown = JSON.stringify(results);
    expect(shown).toContain('"status":429');
    for (const secretThing of [SECRET, right, WRONG, '1234567']) {
      expect(shown).not.toContain(secretThing);
    }
  });

  it('shows enrolled member ids but no secret when the store is logged', () => {
    const secrets = new InMemoryTotpSecrets([['alice', SECRET]]);
    expect(inspect(secrets)).not.toContain(SECRET);
    expect(JSON.stringify(secrets)).toBe('{"enrolled":["alice"]}');
  });

  it('refuses to enrol an unusable secret, without showing it', () => {
    const secrets = new InMemoryTotpSecrets();
    expect(() => secrets.enrol('alice', 'TOOSHORT')).toThrow(RangeError);
    expect(() => secrets.enrol('alice', 'TOOSHORT')).not.toThrow(/TOOSHORT/);
  });

  it('never lowers the last used step', async () => {
    const secrets = new InMemoryTotpSecrets([['alice', SECRET]]);
    await secrets.markUsed('alice', 10);
    await secrets.markUsed('alice', 7);
    expect(await secrets.lastUsedStep('alice')).toBe(10);
  });
});
