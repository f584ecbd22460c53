import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CanonicalJsonError,
  canonicalize,
  isCanonicalJson,
  MAX_DEPTH,
  parseCanonical,
} from './canonical-json.js';

/** The definition the scanner must match: the text is what canonicalize makes of its value. */
function reference(text: string): boolean {
  try {
    return canonicalize(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

function errorOf(run: () => unknown): CanonicalJsonError {
  try {
    run();
  } catch (error) {
    if (error instanceof CanonicalJsonError) return error;
    throw error;
  }
  throw new Error('expected a CanonicalJsonError');
}

/** Strings rich in what canonical escaping cares about: quotes, controls, surrogates. */
const trickyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', '\\', '/', '\b', '\f', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f'),
    fc.constantFrom('\ud83d', '\ude00', '\ud800', '\udfff', 'é', '\uffff', 'a', 'Z'),
  ),
  maxLength: 8,
});

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    trickyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('canonicalize', () => {
  it('sorts keys by UTF-16 code units, not by code points', () => {
    // U+1F600 is stored as \ud83d\ude00, which sorts before U+FFFF by code units.
    expect(canonicalize({ '\uffff': 1, '\u{1f600}': 2, b: 3, a: 4, B: 5 })).toBe(
      '{"B":5,"a":4,"b":3,"😀":2,"\uffff":1}',
    );
  });

  it('prints no whitespace and numbers as JSON.stringify does', () => {
    expect(canonicalize({ list: [1, 0.1, -0, 1e21, 1e-7, 2 ** 53], flag: true, none: null })).toBe(
      '{"flag":true,"list":[1,0.1,0,1e+21,1e-7,9007199254740992],"none":null}',
    );
  });

  it('escapes strings as JSON.stringify does, lone surrogates included', () => {
    expect(canonicalize('a"\\\n\u0001/\ud800😀')).toBe('"a\\"\\\\\\n\\u0001/\\ud800😀"');
  });

  it('leaves out object properties that are undefined', () => {
    expect(canonicalize({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.z = 1;
    bare.a = [];
    expect(canonicalize(bare)).toBe('{"a":[],"z":1}');
  });

  it.each([
    ['NaN', { a: { b: [0, Number.NaN] } }, '$.a.b[1]', 'NaN is not JSON'],
    ['Infinity', { x: -Infinity }, '$.x', '-Infinity is not JSON'],
    ['undefined in an array', { list: [1, undefined] }, '$.list[1]', 'undefined is not JSON'],
    ['a function', { 'odd key': () => 1 }, '$["odd key"]', 'a function is not JSON'],
    ['a bigint', [10n], '$[0]', 'a bigint is not JSON'],
    ['a symbol', { s: Symbol('s') }, '$.s', 'a symbol is not JSON'],
    ['a Date', { when: new Date(0) }, '$.when', 'a Date instance is not a plain JSON object'],
    ['a Map', [new Map()], '$[0]', 'a Map instance is not a plain JSON object'],
  ])('rejects %s with an error naming its path', (_name, value, path, reason) => {
    const error = errorOf(() => canonicalize(value));
    expect(error.path).toBe(path);
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`${path}: ${reason}`);
  });

  it('rejects a cycle', () => {
    const node: Record<string, unknown> = { a: 1 };
    node.self = { back: node };
    expect(errorOf(() => canonicalize(node)).path).toBe('$.self.back');
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it(`refuses nesting deeper than ${MAX_DEPTH} levels`, () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DEPTH + 1; i++) deep = [deep];
    expect(errorOf(() => canonicalize(deep)).reason).toContain('nested deeper');
    expect(isCanonicalJson(JSON.stringify(deep))).toBe(false);
    for (const innermost of [[], {}]) {
      let inside: unknown = innermost;
      for (let i = 0; i < MAX_DEPTH; i++) inside = [inside];
      expect(isCanonicalJson(JSON.stringify(inside))).toBe(false);
      expect(isCanonicalJson(JSON.stringify((inside as unknown[])[0]))).toBe(true);
      expect(canonicalize((inside as unknown[])[0])).toBe(JSON.stringify((inside as unknown[])[0]));
    }
  });

  it('gives the stored text back when the text is parsed and canonicalized again', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const stored = canonicalize(value);
        expect(canonicalize(JSON.parse(stored))).toBe(stored);
        expect(isCanonicalJson(stored)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('isCanonicalJson', () => {
  it.each([
    ['{}', true],
    ['[]', true],
    ['{"a":1,"b":[true,false,null,"x"]}', true],
    ['{"b":1,"a":2}', false],
    ['{"a":1,"a":2}', false],
    ['{"a": 1}', false],
    [' 1', false],
    ['1 ', false],
    ['', false],
    ['-0', false],
    ['0', true],
    ['-1', true],
    ['01', false],
    ['1.0', false],
    ['1.5', true],
    ['1e21', false],
    ['1e+21', true],
    ['1E+21', false],
    ['1e400', false],
    ['123456789012345678', false],
    ['"\\u00e9"', false],
    ['"é"', true],
    ['"\\/"', false],
    ['"/"', true],
    ['"\\n"', true],
    ['"\\u000a"', false],
    ['"\\u001f"', true],
    ['"\\u001F"', false],
    ['"\\ud800"', true],
    ['"\ud800"', false],
    ['"\\udc00x"', true],
    ['"😀"', true],
    ['"\\ud83d\\ude00"', false],
    ['"\\ud83d\ude00"', false],
    ['"\ud83d\\ude00"', false],
    ['"\\ud800\\ud800\ude00"', false],
    ['"\\ud800\ud800\ude00"', true],
    ['"\ud800\ud800\ude00"', false],
    ['"a\u0001"', false],
    ['"unterminated', false],
    ['tru', false],
    ['nul', false],
    ['[1,]', false],
    ['{"a":1,}', false],
    ['{"a"}', false],
    ['[1]]', false],
    ['{"é":1,"😀":2,"\uffff":3}', true],
    ['{"\\u0001":1,"a":2}', true],
    ['{"a":2,"\\u0001":1}', false],
  ])('judges %j canonical: %s', (text, canonical) => {
    expect(isCanonicalJson(text)).toBe(canonical);
    expect(reference(text)).toBe(canonical);
  });

  it('agrees with parse-then-canonicalize on JSON printed in other ways', () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom(0, 1, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(isCanonicalJson(text)).toBe(reference(text));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with parse-then-canonicalize on arbitrary JSON-like text', () => {
    const piece = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ',',
      ':',
      '"',
      '\\',
      'u',
      'd800',
      'dc00',
      '00',
      '1f',
      'n',
      'true',
      'null',
      '0',
      '1',
      '-',
      '.',
      'e',
      '+',
      'a',
      ' ',
      '\ud83d',
      '\ude00',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const text = pieces.join('');
        expect(isCanonicalJson(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with parse-then-canonicalize after one character of a canonical text changes', () => {
    fc.assert(
      fc.property(jsonValue, fc.nat(), fc.integer({ min: 0, max: 0xffff }), (value, at, unit) => {
        const text = canonicalize(value);
        const i = at % (text.length + 1);
        const changed = text.slice(0, i) + String.fromCharCode(unit) + text.slice(i + 1);
        expect(isCanonicalJson(changed)).toBe(reference(changed));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseCanonical', () => {
  it('returns the value of a canonical text', () => {
    expect(parseCanonical('{"a":[1]}')).toEqual({ a: [1] });
  });

  it('names the canonical form of a text that is JSON but not canonical', () => {
    expect(() => parseCanonical('{"b":1, "a":2}')).toThrow('expected {"a":2,"b":1}');
  });

  it('says when a text is not JSON at all', () => {
    expect(() => parseCanonical('{')).toThrow(/not JSON/);
  });
});
