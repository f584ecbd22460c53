import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize } from './canonical-json.js';
import {
  chainEntries,
  entryFieldProblem,
  GENESIS_PREV_HASH,
  hashEntry,
  hashInput,
  isIsoUtc,
  JOURNAL_DOMAIN,
  JournalError,
  type EntryFields,
} from './journal.js';

const NOON = new Date(Date.UTC(2026, 0, 31, 12));

const DRAFT = {
  actor: 'm-alice',
  action: 'opportunity.update',
  target: 'opportunity:42',
  before: { stage: 'LEAD', amount: 5 },
  after: { stage: 'WON', amount: 5 },
  reason: 'closed "early"',
};

describe('hashEntry', () => {
  it('pins the hash of a known entry (a known-answer vector)', () => {
    const [entry] = chainEntries(undefined, [DRAFT], NOON);
    expect(hashInput(entry as EntryFields, GENESIS_PREV_HASH)).toBe(
      'tiergate.journal.v1\n{"action":"opportunity.update","actor":"m-alice",' +
        '"after":{"amount":5,"stage":"WON"},"at":"2026-01-31T12:00:00.000Z",' +
        '"before":{"amount":5,"stage":"LEAD"},' +
        `"prevHash":"${'0'.repeat(64)}","reason":"closed \\"early\\"","seq":1,` +
        '"target":"opportunity:42"}',
    );
    expect(entry?.hash).toBe('f38408843ce3240b93f7d03a749b738bd24625a4b41a9b30bcd4f69218076c01');
  });

  it('hashes the domain prefix and the canonical JSON of the entry with before/after as values', () => {
    const text = fc.string({ maxLength: 12 });
    const document = fc.option(fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean())), {
      nil: undefined,
    });
    fc.assert(
      fc.property(text, text, text, document, document, fc.option(text), (a, b, c, x, y, r) => {
        const [entry] = chainEntries(
          { seq: 6, hash: 'ab'.repeat(32) },
          [{ actor: a, action: b, target: c, before: x, after: y, reason: r }],
          NOON,
        );
        if (entry === undefined) throw new Error('no entry');
        const envelope = canonicalize({
          seq: 7,
          at: entry.at,
          actor: a,
          action: b,
          target: c,
          before: x ?? null,
          after: y ?? null,
          reason: r,
          prevHash: 'ab'.repeat(32),
        });
        expect(hashInput(entry, entry.prevHash)).toBe(JOURNAL_DOMAIN + envelope);
        const expected = createHash('sha256')
          .update(JOURNAL_DOMAIN + envelope, 'utf8')
          .digest('hex');
        expect(entry.hash).toBe(expected);
        expect(hashEntry(entry, entry.prevHash)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses fields that are malformed, naming the entry', () => {
    const [entry] = chainEntries(undefined, [DRAFT], NOON);
    const fields = entry as EntryFields;
    expect(() => hashEntry({ ...fields, at: '2026-01-31 12:00' }, GENESIS_PREV_HASH)).toThrow(
      /^entry 1: at must be an ISO-8601 UTC time/,
    );
    expect(() => hashEntry({ ...fields, before: '{"b":1,"a":2}' }, GENESIS_PREV_HASH)).toThrow(
      'entry 1: before is not canonical JSON',
    );
    expect(() => hashEntry(fields, 'ABC')).toThrow('prevHash must be 64 lowercase hex digits');
  });
});

describe('chainEntries', () => {
  it('numbers a new journal from 1 and links the first entry to the genesis hash', () => {
    const entries = chainEntries(undefined, [DRAFT, DRAFT, DRAFT], NOON);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]?.prevHash).toBe(GENESIS_PREV_HASH);
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
    expect(entries[2]?.prevHash).toBe(entries[1]?.hash);
    expect(new Set(entries.map((e) => e.hash)).size).toBe(3);
    expect(entries.every((e) => e.at === '2026-01-31T12:00:00.000Z')).toBe(true);
  });

  it('continues from the head it is given', () => {
    const first = chainEntries(undefined, [DRAFT, DRAFT], NOON);
    const head = first[1] as EntryFields & { hash: string };
    const next = chainEntries(head, [DRAFT], NOON);
    expect(next[0]?.seq).toBe(3);
    expect(next[0]?.prevHash).toBe(head.hash);
    expect(chainEntries([...first, ...next].at(-1), [], NOON)).toEqual([]);
  });

  it('stores before/after as canonical text, and null or absent as null', () => {
    const [a, b] = chainEntries(
      undefined,
      [
        { actor: 'x', action: 'y', target: 'z', before: { b: [1, 2], a: 'é' }, after: null },
        { actor: 'x', action: 'y', target: 'z' },
      ],
      NOON,
    );
    expect(a?.before).toBe('{"a":"é","b":[1,2]}');
    expect(a?.after).toBeNull();
    expect(b?.before).toBeNull();
    expect(b?.reason).toBeNull();
  });

  it('refuses a before/after that JSON cannot carry, naming the entry and the path', () => {
    expect(() =>
      chainEntries(
        { seq: 4, hash: GENESIS_PREV_HASH },
        [{ actor: 'x', action: 'y', target: 'z', after: { amount: Number.NaN } }],
        NOON,
      ),
    ).toThrow(new JournalError('entry 5: after at $.amount: NaN is not JSON'));
  });

  it('refuses a head that is not a chain head', () => {
    expect(() => chainEntries({ seq: 1, hash: 'nope' }, [DRAFT], NOON)).toThrow("the head's hash");
    expect(() => chainEntries({ seq: -1, hash: GENESIS_PREV_HASH }, [DRAFT], NOON)).toThrow(
      "the head's seq",
    );
  });
});

describe('entryFieldProblem', () => {
  const [entry] = chainEntries(undefined, [DRAFT], NOON);
  const fields = entry as EntryFields;

  it('accepts a well-formed entry', () => {
    expect(entryFieldProblem(fields)).toBeUndefined();
  });

  it('refuses the JSON text null, which would hash like no value', () => {
    expect(entryFieldProblem({ ...fields, after: 'null' })).toEqual({
      kind: 'not-canonical',
      message: 'after must be null, not the JSON text null',
    });
  });

  it('refuses fields of the wrong type, as a store might return them', () => {
    const wrong = (patch: Record<string, unknown>): string | undefined =>
      entryFieldProblem({ ...fields, ...patch })?.message;
    expect(wrong({ seq: '1' })).toBe('seq must be a positive integer, not "1"');
    expect(wrong({ actor: 7 })).toBe('actor must be a string, not 7');
    expect(wrong({ reason: undefined })).toBe('reason must be a string or null, not a undefined');
    expect(wrong({ before: {} })).toBe('before must be JSON text or null, not a object');
  });
});

describe('isIsoUtc', () => {
  it.each([
    ['2026-01-31T12:00:00.000Z', true],
    ['2024-02-29T23:59:59.999Z', true],
    ['2023-02-29T00:00:00.000Z', false],
    ['2000-02-29T00:00:00.000Z', true],
    ['1900-02-29T00:00:00.000Z', false],
    ['2026-04-31T00:00:00.000Z', false],
    ['2026-13-01T00:00:00.000Z', false],
    ['2026-01-01T24:00:00.000Z', false],
    ['2026-01-01T00:60:00.000Z', false],
    ['2026-01-01T00:00:00Z', false],
    ['2026-01-01T00:00:00.000+00:00', false],
    ['2026-01-01t00:00:00.000Z', false],
  ])('judges %s: %s', (at, valid) => {
    expect(isIsoUtc(at)).toBe(valid);
  });

  it('accepts exactly what Date.prototype.toISOString prints', () => {
    const digit = fc.constantFrom('0', '1', '2', '3', '5', '9');
    const candidate = fc.tuple(fc.array(digit, { minLength: 17, maxLength: 17 })).map(([d]) => {
      const s = d.join('');
      return `20${s.slice(0, 2)}-${s.slice(2, 4)}-${s.slice(4, 6)}T${s.slice(6, 8)}:${s.slice(8, 10)}:${s.slice(10, 12)}.${s.slice(12, 15)}Z`;
    });
    fc.assert(
      fc.property(candidate, (at) => {
        const time = new Date(at);
        const roundTrip = !Number.isNaN(time.getTime()) && time.toISOString() === at;
        expect(isIsoUtc(at)).toBe(roundTrip);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
        (d) => {
          expect(isIsoUtc(d.toISOString())).toBe(true);
        },
      ),
    );
  });
});
