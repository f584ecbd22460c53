import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CursorSeal, cursorSealFrom, openRestCursors, sealPageInfo } from './cursor-seal.js';
import { Denial } from './denial.js';

const HOST_CURSOR = Buffer.from(
  JSON.stringify({ phones: { primaryPhoneNumber: '5550101' }, id: 'p1' }),
).toString('base64');

describe('a sealed cursor', () => {
  const seal = new CursorSeal();
  const sealed = seal.seal(HOST_CURSOR, 'm-1', 'person');

  it('opens to the host cursor for the member and object it was sealed for', () => {
    expect(seal.open(sealed, 'm-1', 'person', 'after')).toBe(HOST_CURSOR);
  });

  it('holds nothing of the host cursor in the clear', () => {
    expect(sealed).not.toContain(HOST_CURSOR);
    expect(Buffer.from(sealed, 'base64').toString()).not.toContain('5550101');
    expect(seal.seal(HOST_CURSOR, 'm-1', 'person')).not.toBe(sealed);
  });

  it.each([
    ['another member', sealed, 'm-2', 'person'],
    ['another object', sealed, 'm-1', 'company'],
    [
      'one character changed',
      `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`,
      'm-1',
      'person',
    ],
    ['cut short', sealed.slice(0, 20), 'm-1', 'person'],
    ['the host cursor itself', HOST_CURSOR, 'm-1', 'person'],
    ['far too long', `${sealed}${'A'.repeat(20_000)}`, 'm-1', 'person'],
  ])('is refused with BAD_USER_INPUT when %s', (_case, cursor, member, object) => {
    expect(() => seal.open(cursor, member, object, 'after')).toThrow(Denial);
    try {
      seal.open(cursor, member, object, 'after');
    } catch (error) {
      expect((error as Denial).code).toBe('BAD_USER_INPUT');
      expect((error as Denial).message).toContain('after');
      expect((error as Denial).message).not.toContain(member);
    }
  });

  it('is refused by another gateway process (another key)', () => {
    expect(() => new CursorSeal(randomBytes(32)).open(sealed, 'm-1', 'person', 'after')).toThrow(
      Denial,
    );
  });
});

describe('REST cursors', () => {
  const seal = new CursorSeal();

  it('seals pageInfo start and end cursors and keeps its flags', () => {
    const info = sealPageInfo(
      { hasNextPage: true, startCursor: HOST_CURSOR, endCursor: null },
      'm-1',
      'person',
      seal,
    );
    expect(info?.hasNextPage).toBe(true);
    expect(info?.endCursor).toBeNull();
    expect(seal.open(String(info?.startCursor), 'm-1', 'person', 'x')).toBe(HOST_CURSOR);
  });

  it('opens starting_after and ending_before for the host', () => {
    const sealed = seal.seal(HOST_CURSOR, 'm-1', 'person');
    for (const name of ['starting_after', 'ending_before']) {
      const params = new URLSearchParams({ limit: '5', [name]: sealed });
      openRestCursors(params, 'm-1', 'person', seal);
      expect(params.get(name)).toBe(HOST_CURSOR);
      expect(() =>
        openRestCursors(new URLSearchParams({ [name]: HOST_CURSOR }), 'm-1', 'person', seal),
      ).toThrow(/not one this gateway gave you/);
    }
  });
});

describe('a seal derived from the secret key', () => {
  const secret = randomBytes(32);

  it('opens what another seal from the same key sealed, and nothing sealed under another key', () => {
    const sealed = cursorSealFrom(secret).seal(HOST_CURSOR, 'm-1', 'person');
    expect(cursorSealFrom(Buffer.from(secret)).open(sealed, 'm-1', 'person', 'after')).toBe(
      HOST_CURSOR,
    );
    expect(() => cursorSealFrom(randomBytes(32)).open(sealed, 'm-1', 'person', 'after')).toThrow(
      Denial,
    );
  });

  it('does not seal with the secret key itself', () => {
    const sealed = cursorSealFrom(secret).seal(HOST_CURSOR, 'm-1', 'person');
    expect(() => new CursorSeal(secret).open(sealed, 'm-1', 'person', 'after')).toThrow(Denial);
  });
});
