import { describe, expect, it } from 'vitest';
import { Prng } from '../sandbox/seed/prng.js';
import {
  parseRestFilter,
  parseRestFilterOrThrow,
  printRestFilter,
  REST_FILTER_COMPARATORS,
  RestFilterPrintError,
  RestFilterSyntaxError,
  type RestFilter,
  type RestFilterScalar,
} from './rest-filter.js';

function refusal(text: string): RestFilterSyntaxError {
  const result = parseRestFilter(text);
  if (result.ok) throw new Error(`${text} was read as ${JSON.stringify(result.filter)}`);
  return result.error;
}

function printRefusal(filter: unknown): RestFilterPrintError {
  try {
    const text = printRestFilter(filter);
    throw new Error(`printed as ${text}`);
  } catch (error) {
    if (error instanceof RestFilterPrintError) return error;
    throw error;
  }
}

describe('parseRestFilter reads what Twenty reads', () => {
  it('reads one predicate as that predicate, and top-level commas as and', () => {
    expect(parseRestFilterOrThrow('name[eq]:"Acme"')).toEqual({ name: { eq: 'Acme' } });
    expect(parseRestFilterOrThrow('name[eq]:"Acme",employees[gte]:10')).toEqual({
      and: [{ name: { eq: 'Acme' } }, { employees: { gte: 10 } }],
    });
  });

  it('reads nested and, or and not', () => {
    expect(
      parseRestFilterOrThrow('and(name[like]:"%a%",or(city[eq]:"Paris",city[eq]:"Lyon"))'),
    ).toEqual({
      and: [
        { name: { like: '%a%' } },
        { or: [{ city: { eq: 'Paris' } }, { city: { eq: 'Lyon' } }] },
      ],
    });
    expect(parseRestFilterOrThrow('not(city[eq]:"Paris")')).toEqual({
      not: { city: { eq: 'Paris' } },
    });
  });

  it('reads composite sub-fields as nested objects', () => {
    expect(parseRestFilterOrThrow('amount.amountMicros[gt]:1000')).toEqual({
      amount: { amountMicros: { gt: 1000 } },
    });
    expect(parseRestFilterOrThrow('emails.primaryEmail[ilike]:"%@x.com"')).toEqual({
      emails: { primaryEmail: { ilike: '%@x.com' } },
    });
  });

  it('reads in lists of bare and quoted values, and is NULL / NOT_NULL', () => {
    expect(parseRestFilterOrThrow('city[in]:[Paris,Lyon]')).toEqual({
      city: { in: ['Paris', 'Lyon'] },
    });
    expect(parseRestFilterOrThrow(`city[in]:["Paris",'Lyon',3]`)).toEqual({
      city: { in: ['Paris', 'Lyon', 3] },
    });
    expect(parseRestFilterOrThrow('city[is]:NULL,name[is]:NOT_NULL')).toEqual({
      and: [{ city: { is: 'NULL' } }, { name: { is: 'NOT_NULL' } }],
    });
  });

  it('types values by how they are written: numbers, booleans, and everything else a string', () => {
    expect(
      parseRestFilterOrThrow(
        'and(a[eq]:-1500,b[eq]:true,c[eq]:"10",d[eq]:2023-12-01T14:23:23.914Z,e[eq]:007)',
      ),
    ).toEqual({
      and: [
        { a: { eq: -1500 } },
        { b: { eq: true } },
        { c: { eq: '10' } },
        { d: { eq: '2023-12-01T14:23:23.914Z' } },
        { e: { eq: '007' } },
      ],
    });
  });

  it('keeps a numeral that is not canonical as the string written, so no digit is lost', () => {
    expect(
      parseRestFilterOrThrow('and(a[eq]:1.50,b[eq]:1e3,c[eq]:12345678901234567891,d[eq]:1e999)'),
    ).toEqual({
      and: [
        { a: { eq: '1.50' } },
        { b: { eq: '1e3' } },
        { c: { eq: '12345678901234567891' } },
        { d: { eq: '1e999' } },
      ],
    });
    expect(parseRestFilterOrThrow('a[in]:[1e21,0.1,-0]')).toEqual({ a: { in: [1e21, 0.1, -0] } });
  });

  // The cases of Twenty's own specs (parse-filter.util.spec.ts, parse-filter-content.util.spec.ts,
  // parse-base-filter.util.spec.ts), with this reader's value typing (Twenty keeps '1').
  it("reads the examples of Twenty's parse-filter spec the way Twenty does", () => {
    expect(
      parseRestFilterOrThrow(
        'and(fieldNumber[eq]:1,or(fieldNumber[eq]:2,fieldNumber[eq]:3,and(fieldNumber[eq]:6,fieldNumber[eq]:7)),or(fieldNumber[eq]:4,fieldNumber[eq]:5))',
      ),
    ).toEqual({
      and: [
        { fieldNumber: { eq: 1 } },
        {
          or: [
            { fieldNumber: { eq: 2 } },
            { fieldNumber: { eq: 3 } },
            { and: [{ fieldNumber: { eq: 6 } }, { fieldNumber: { eq: 7 } }] },
          ],
        },
        { or: [{ fieldNumber: { eq: 4 } }, { fieldNumber: { eq: 5 } }] },
      ],
    });
    expect(
      parseRestFilterOrThrow(
        'and(fieldText[gt]:"val,ue",or(fieldNumber[is]:NOT_NULL,not(fieldText[startsWith]:"val"),and(fieldNumber[eq]:6,fieldText[ilike]:"%val%")),or(fieldNumber[eq]:4,fieldText[is]:NULL))',
      ),
    ).toEqual({
      and: [
        { fieldText: { gt: 'val,ue' } },
        {
          or: [
            { fieldNumber: { is: 'NOT_NULL' } },
            { not: { fieldText: { startsWith: 'val' } } },
            { and: [{ fieldNumber: { eq: 6 } }, { fieldText: { ilike: '%val%' } }] },
          ],
        },
        { or: [{ fieldNumber: { eq: 4 } }, { fieldText: { is: 'NULL' } }] },
      ],
    });
    expect(parseRestFilterOrThrow(`and(fieldText[eq]:'val,ue')`)).toEqual({
      and: [{ fieldText: { eq: 'val,ue' } }],
    });
    expect(
      parseRestFilterOrThrow(
        'person.createdAt[in]:["2023-12-01T14:23:23.914Z","2024-12-01T14:23:23.914Z"]',
      ),
    ).toEqual({
      person: { createdAt: { in: ['2023-12-01T14:23:23.914Z', '2024-12-01T14:23:23.914Z'] } },
    });
  });

  it('keeps balanced parentheses, paired brackets and paired other quotes inside strings', () => {
    expect(parseRestFilterOrThrow(`name[eq]:"a (b) [c] 'd'",x[eq]:1`)).toEqual({
      and: [{ name: { eq: "a (b) [c] 'd'" } }, { x: { eq: 1 } }],
    });
  });
});

describe('parseRestFilter refuses, naming the position and what is wrong', () => {
  it('a filter with a dangling comma is refused, naming position 16', () => {
    const error = refusal('name[eq]:"Acme",');
    expect(error.position).toBe(16);
    expect(error.message).toBe(
      '\'filter\' invalid at position 16: expected a condition after ",", found the end of the filter',
    );
  });

  it('an unknown comparator is refused at the comparator', () => {
    const error = refusal('name[equals]:"Acme"');
    expect(error.position).toBe(5);
    expect(error.reason).toMatch(/unknown comparator "equals"/);
  });

  it('an unclosed conjunction and an extra ")" are refused where they are', () => {
    expect(refusal('and(a[eq]:1').position).toBe(11);
    expect(refusal('a[eq]:1)').position).toBe(7);
    expect(refusal('a[eq]:1)').reason).toBe('this ")" closes nothing');
  });

  it('an empty filter, an empty conjunction and a not of two conditions are refused', () => {
    expect(refusal('').position).toBe(0);
    expect(refusal('or()').position).toBe(3);
    const not = refusal('not(a[eq]:1,b[eq]:2)');
    expect(not.position).toBe(11);
    expect(not.reason).toMatch(/exactly one condition/);
  });

  it('whitespace outside quotes is refused at the whitespace, since Twenty keeps it', () => {
    expect(refusal('and(a[eq]:1, b[eq]:2)').position).toBe(12);
    expect(refusal('a[eq]:1 ').position).toBe(7);
  });

  it('an in without a list, an empty list or item, and a list for eq are refused', () => {
    expect(refusal('a[in]:1').reason).toMatch(/in takes a list/);
    expect(refusal('a[in]:[]').position).toBe(7);
    expect(refusal('a[in]:[1,,2]').position).toBe(9);
    expect(refusal('a[eq]:[1,2]').reason).toMatch(/only taken by in and containsAny/);
  });

  it('is with anything but bare NULL or NOT_NULL is refused', () => {
    expect(refusal('a[is]:"NULL"').reason).toMatch(/is takes NULL or NOT_NULL/);
    expect(refusal('a[is]:null').position).toBe(6);
  });

  it('strings Twenty would misread are refused at the offending character', () => {
    // Twenty counts parentheses inside quotes.
    expect(refusal('and(a[eq]:"x)",b[eq]:1)').position).toBe(12);
    // An odd number of the other quote flips Twenty's quote state for the rest of the text.
    expect(refusal(`a[eq]:"it's"`).reason).toMatch(/odd number of '/);
    // An odd bracket flips Twenty's bracket state.
    expect(refusal('a[eq]:"x]"').position).toBe(8);
    // Twenty splits in lists on every comma.
    expect(refusal('a[in]:["x,y"]').position).toBe(9);
    expect(refusal('a[eq]:"x\ny"').position).toBe(8);
    expect(refusal('a[eq]:"open').position).toBe(6);
  });

  it('a list that Twenty would read as one conjunction is refused at its first comma', () => {
    const error = refusal('and(a[eq]:1),or(b[eq]:2)');
    expect(error.position).toBe(12);
    expect(error.reason).toMatch(/wrap it in and/);
    // Ending with something else, Twenty wraps it, so it is read.
    expect(parseRestFilterOrThrow('and(a[eq]:1),b[eq]:2')).toEqual({
      and: [{ and: [{ a: { eq: 1 } }] }, { b: { eq: 2 } }],
    });
  });

  it('fields named like a conjunction or a comparator are refused', () => {
    expect(refusal('and[eq]:1').reason).toMatch(/names a conjunction/);
    expect(refusal('a.eq[eq]:1').position).toBe(2);
    expect(refusal('a.[eq]:1').position).toBe(2);
  });

  it('text after a value is refused', () => {
    expect(refusal('a[eq]:"x"y').position).toBe(9);
  });
});

describe('printRestFilter', () => {
  it('prints filters that read back the same', () => {
    const filter = {
      and: [
        { name: { like: '%a%' } },
        { or: [{ city: { eq: 'Paris' } }, { amount: { amountMicros: { gt: 1000 } } }] },
        { not: { emails: { primaryEmail: { in: ['a@x.com', 'b@x.com'] } } } },
        { deletedAt: { is: 'NULL' } },
      ],
    };
    const text = printRestFilter(filter);
    expect(text).toBe(
      'and(name[like]:"%a%",or(city[eq]:"Paris",amount.amountMicros[gt]:1000),not(emails.primaryEmail[in]:["a@x.com","b@x.com"]),deletedAt[is]:NULL)',
    );
    expect(parseRestFilterOrThrow(text)).toEqual(filter);
  });

  it('prints an object of several keys as the equivalent and(...)', () => {
    expect(printRestFilter({ name: { eq: 'A', neq: 'B' }, city: { eq: 'P' } })).toBe(
      'and(name[eq]:"A",name[neq]:"B",city[eq]:"P")',
    );
  });

  it('prints numbers without "+" and keeps -0', () => {
    expect(printRestFilter({ a: { gt: 1e21 } })).toBe('a[gt]:1e21');
    expect(parseRestFilterOrThrow(printRestFilter({ a: { gt: -0 } }))).toEqual({ a: { gt: -0 } });
  });

  it('refuses what cannot be printed, naming the path', () => {
    expect(printRefusal({ and: [{ a: { eq: null } }] }).path).toBe('and[0].a.eq');
    expect(printRefusal({ and: [] }).path).toBe('and');
    expect(printRefusal({ a: { in: [] } }).path).toBe('a.in');
    expect(printRefusal({ a: { is: 'EMPTY' } }).path).toBe('a.is');
    expect(printRefusal({ a: { eq: Number.NaN } }).path).toBe('a.eq');
    expect(printRefusal({ a: { in: ['x,y'] } }).path).toBe('a.in[0]');
    expect(printRefusal({ a: { eq: `"it's"` } }).message).toMatch(/cannot be quoted/);
    expect(printRefusal({}).path).toBe('');
    expect(printRefusal({ 'a b': { eq: 1 } }).path).toBe('a b');
    expect(printRefusal({ a: { eq: 'x)' } }).path).toBe('a.eq');
    expect(printRefusal([]).path).toBe('');
  });
});

const FIELDS: readonly (readonly string[])[] = [
  ['name'],
  ['city'],
  ['employees'],
  ['createdAt'],
  ['amount', 'amountMicros'],
  ['emails', 'primaryEmail'],
  ['name', 'firstName'],
];
const SCALAR_COMPARATORS = REST_FILTER_COMPARATORS.filter(
  (comparator) => comparator !== 'in' && comparator !== 'containsAny' && comparator !== 'is',
);
const PIECES = ['a', 'Zoé', ' ', '%', '_', ':', '.', '-', '@', '10', 'true', 'NULL', '(x)', '[]'];
const PAIRED = ["''", '""'];

function pick<T>(prng: Prng, items: readonly T[]): T {
  const item = items[prng.int(0, items.length - 1)];
  if (item === undefined) throw new Error('empty choice');
  return item;
}

function randomString(prng: Prng, inList: boolean): string {
  let text = '';
  const length = prng.int(0, 5);
  for (let i = 0; i < length; i++) text += pick(prng, PIECES);
  // One kind of paired quote at most, so one of the two quotings fits.
  if (prng.float() < 0.2) text += pick(prng, PAIRED);
  if (!inList && prng.float() < 0.2) text += ',';
  return text;
}

function randomScalar(prng: Prng, inList: boolean): RestFilterScalar {
  const kind = prng.int(0, 5);
  if (kind === 0) return prng.int(-1000, 1000);
  if (kind === 1) return (prng.float() - 0.5) * 10 ** prng.int(-9, 25);
  if (kind === 2) return prng.float() < 0.5;
  return randomString(prng, inList);
}

function randomPredicate(prng: Prng): RestFilter {
  const path = pick(prng, FIELDS);
  const kind = prng.int(0, 9);
  let leaf: RestFilter;
  if (kind === 0) leaf = { is: pick(prng, ['NULL', 'NOT_NULL']) };
  else if (kind === 1) {
    const items = Array.from({ length: prng.int(1, 4) }, () => randomScalar(prng, true));
    leaf = { [pick(prng, ['in', 'containsAny'])]: items };
  } else leaf = { [pick(prng, SCALAR_COMPARATORS)]: randomScalar(prng, false) };
  return [...path].reverse().reduce<RestFilter>((node, segment) => ({ [segment]: node }), leaf);
}

function randomFilter(prng: Prng, depth: number): RestFilter {
  const kind = depth === 0 ? 0 : prng.int(0, 3);
  if (kind === 0) return randomPredicate(prng);
  if (kind === 3) return { not: randomFilter(prng, depth - 1) };
  const children = Array.from({ length: prng.int(1, 3) }, () => randomFilter(prng, depth - 1));
  return { [kind === 1 ? 'and' : 'or']: children };
}

describe('printRestFilter and parseRestFilter round-trip', () => {
  it('reads back 2,000 random filters exactly as they were printed', () => {
    const prng = new Prng(20260630);
    for (let i = 0; i < 2000; i++) {
      const filter = randomFilter(prng, 4);
      const text = printRestFilter(filter);
      const result = parseRestFilter(text);
      expect(result, text).toEqual({ ok: true, filter });
    }
  });

  it('either refuses a string of any characters or prints it so that it reads back', () => {
    const prng = new Prng(7);
    const alphabet = ['a', '"', "'", '(', ')', '[', ']', ',', ' ', '\n', ':', '%', '\\'];
    let printed = 0;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      let value = '';
      for (let j = prng.int(0, 6); j > 0; j--) value += pick(prng, alphabet);
      const filter = prng.float() < 0.5 ? { name: { eq: value } } : { name: { in: [value, 'b'] } };
      let text: string;
      try {
        text = printRestFilter(filter);
      } catch (error) {
        expect(error).toBeInstanceOf(RestFilterPrintError);
        refused++;
        continue;
      }
      expect(parseRestFilter(text), text).toEqual({ ok: true, filter });
      printed++;
    }
    // Both outcomes occur, so the property above tested both branches.
    expect(printed).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});

const TOKENS = [
  'a',
  'b.c',
  'and',
  '(',
  ')',
  '[eq]',
  '[in]',
  '[is]',
  '[gt]',
  ':',
  ',',
  '1',
  '-2.5',
  'x',
  '"q,r"',
  "'s'",
  '"',
  '[',
  ']',
  'NULL',
  ' ',
  'not(',
  'or(',
];

describe('parseRestFilter and printRestFilter agree on any text', () => {
  it('a text that is read prints to a text read the same; one that is refused names a position in it', () => {
    const prng = new Prng(42);
    let read = 0;
    let refused = 0;
    for (let i = 0; i < 20000; i++) {
      // A printed filter with up to three random edits: a character dropped or a token added.
      let text = printRestFilter(randomFilter(prng, 2));
      for (let j = prng.int(0, 3); j > 0; j--) {
        const at = prng.int(0, text.length);
        text =
          prng.float() < 0.5
            ? text.slice(0, at) + text.slice(at + 1)
            : text.slice(0, at) + pick(prng, TOKENS) + text.slice(at);
      }
      const result = parseRestFilter(text);
      if (!result.ok) {
        expect(result.error.position).toBeGreaterThanOrEqual(0);
        expect(result.error.position).toBeLessThanOrEqual(text.length);
        refused++;
        continue;
      }
      read++;
      const printed = printRestFilter(result.filter);
      expect(parseRestFilter(printed), `${text} printed as ${printed}`).toEqual(result);
    }
    // Both outcomes occur, so both branches were tested.
    expect(read).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
  });
});
