import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../audit/canonical-json.js';
import {
  fieldHashPrefix,
  journalLabel,
  keyedHash,
  measure,
  OMITTED,
  RECORD_HASH_PREFIX,
} from './record-bounds.js';
import { redactRecord } from './watchdog.js';

const KEY = new Uint8Array(32).fill(9);
const hmacOf = (text: string) => createHmac('sha256', KEY).update(text).digest('hex');

describe('keyedHash', () => {
  it.each([
    ['a string with escapes', 'line\n"quoted"\u0001\ud800 lone'],
    ['a number', -12.5e-7],
    ['an object, keys out of order', { b: [1, { d: null, c: 'x' }], a: true, u: undefined }],
    ['an empty array and object', [[], {}, [{}]]],
  ])('hashes %s over exactly the text canonicalize gives', (_, value) => {
    expect(keyedHash(KEY, 'p\n', value)).toEqual({
      hmacSha256: hmacOf(`p\n${canonicalize(value)}`),
      bytes: Buffer.byteLength(canonicalize(value)),
    });
  });

  it('hashes a value far deeper than canonicalize takes, without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => canonicalize(deep)).toThrow(/nested deeper/);
    expect(keyedHash(KEY, '', deep).bytes).toBe(200_000 + 6);
  });
});

describe('measure', () => {
  it('takes a value of exactly the byte limit and refuses one a byte over', () => {
    expect(measure('é'.repeat(4), 10, 5)).toEqual({ kind: 'ok', bytes: 10 });
    expect(measure('é'.repeat(4) + 'x', 10, 5)).toEqual({ kind: 'too-large' });
  });

  it('takes a value at the depth limit and refuses one a level deeper', () => {
    expect(measure([[[]]], 100, 3)).toEqual({ kind: 'ok', bytes: 6 });
    expect(measure([[[[]]]], 100, 3)).toEqual({ kind: 'too-deep' });
  });

  it('says not-json for NaN, a bigint, undefined in an array and a cycle', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const value of [Number.NaN, 10n, [undefined], cycle])
      expect(measure(value, 100, 5)).toEqual({ kind: 'not-json' });
  });
});

describe('redactRecord within limits', () => {
  const limits = { maxFieldBytes: 300, maxRecordBytes: 500, maxDepth: 4 };

  it('replaces the largest fields first when the record is over its limit', () => {
    const record = { id: 'r', a: 'a'.repeat(260), b: 'b'.repeat(200), c: 'c'.repeat(10) };
    const out = redactRecord(record, new Set(), KEY, limits);
    expect(out.a).toEqual({
      [OMITTED]: 'too-large',
      bytes: 262,
      hmacSha256: hmacOf(`${fieldHashPrefix('a')}"${'a'.repeat(260)}"`),
    });
    expect([out.id, out.b, out.c]).toEqual(['r', record.b, record.c]);
    expect(Buffer.byteLength(canonicalize(out))).toBeLessThanOrEqual(500);
  });

  it('keeps every field of a record under its limit, counted exactly, not by a bound', () => {
    const record = { a: 'a'.repeat(150), b: 'b'.repeat(150), c: 'c'.repeat(150) };
    expect(redactRecord(record, new Set(), KEY, { ...limits, maxFieldBytes: 1000 })).toEqual(
      record,
    );
  });

  it('journals a record whose keys alone are over the limit as one marker', () => {
    const record = { ['k'.repeat(600)]: 1, id: 'r' };
    expect(redactRecord(record, new Set(), KEY, limits)).toEqual({
      [OMITTED]: 'too-large',
      bytes: Buffer.byteLength(canonicalize(record)),
      hmacSha256: hmacOf(`${RECORD_HASH_PREFIX}${canonicalize(record)}`),
    });
  });

  it('hashes a sensitive value that is too deep for canonical JSON like any other', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 2_000; i++) deep = { x: deep };
    const out = redactRecord({ notes: deep }, new Set(['notes']), KEY);
    expect(out.notes).toEqual({
      hmacSha256: keyedHash(KEY, fieldHashPrefix('notes'), deep).hmacSha256,
    });
  });
});

describe('redactRecord and values that look like markers', () => {
  it('journals a value a member shaped like a marker as marker-like, never as it is', () => {
    const forged = { [OMITTED]: 'too-large', bytes: 1, hmacSha256: '0'.repeat(64) };
    const out = redactRecord({ data: forged, hash: { hmacSha256: 'x' } }, new Set(), KEY);
    for (const [field, value] of [
      ['data', forged],
      ['hash', { hmacSha256: 'x' }],
    ] as const)
      expect(out[field]).toEqual({
        [OMITTED]: 'marker-like',
        bytes: Buffer.byteLength(canonicalize(value)),
        hmacSha256: keyedHash(KEY, fieldHashPrefix(field), value).hmacSha256,
      });
  });

  it('keeps an object that merely has an hmacSha256 key among others', () => {
    const value = { hmacSha256: 'x', note: 'y' };
    expect(redactRecord({ data: value }, new Set(), KEY).data).toEqual(value);
  });
});

describe('journalLabel', () => {
  it('replaces control characters and lone surrogates, keeps pairs, and caps the length', () => {
    expect(journalLabel('a\u0000b\u007f\ud800c\udc00 \ud83d\ude00')).toBe(
      'a\ufffdb\ufffd\ufffdc\ufffd \ud83d\ude00',
    );
    expect(journalLabel('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
