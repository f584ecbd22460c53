import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { QUERY_MAX_RECORDS } from '../../host/twenty-limits.js';
import {
  checkBatchSize,
  checkTokens,
  DEFAULT_LIMITS,
  GraphqlLimitsError,
  limitsFrom,
  type GraphqlLimits,
  type LimitViolation,
} from './limits.js';
import { checkDocument } from './document-limits.js';

/**
 * A query shaped like the ones Twenty's web app sends: a page of a root connection, a fragment,
 * a to-one and a to-many relation, composite fields, and the pagination fields. By hand:
 * depth 9 (opportunities > edges > node > company > people > edges > node > name > firstName),
 * 2 aliases, 2 directives, cost 259.109375 (below), page sizes 60.
 */
const TWENTY_QUERY = `
  query FindManyOpportunities(
    $filter: OpportunityFilterInput
    $first: Int
    $withRelations: Boolean!
  ) {
    opportunities(filter: $filter, first: $first, orderBy: [{ createdAt: DescNullsLast }]) {
      edges {
        node {
          ...OpportunityFields
          leadContact: pointOfContact @include(if: $withRelations) {
            id
            name { firstName lastName }
          }
          company @include(if: $withRelations) {
            id
            name
            decisionMakers: people(first: 60) {
              edges {
                node {
                  id
                  name { firstName lastName }
                }
              }
            }
          }
        }
        cursor
      }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }

  fragment OpportunityFields on Opportunity {
    __typename
    id
    name
    stage
    amount { amountMicros currencyCode }
    closeDate
  }
`;
const TWENTY_VARIABLES = { first: 60, withRelations: true, filter: { stage: { eq: 'NEW' } } };

// Cost by hand, graphql-armor's model (scalar 1, object 2 + 1.5 x what it selects):
//   fragment:               1+1+1+1 + amount (2 + 1.5*2 = 5) + 1           = 10
//   leadContact:            2 + 1.5*(id 1 + name 5)                        = 11
//   people > edges > node:  2 + 1.5*(1 + 5)                                = 11
//   people > edges:         2 + 1.5*11                                     = 18.5
//   people:                 2 + 1.5*18.5                                   = 29.75
//   company:                2 + 1.5*(1 + 1 + 29.75)                        = 49.625
//   node:                   2 + 1.5*(10 + 11 + 49.625)                     = 107.9375
//   edges:                  2 + 1.5*(107.9375 + cursor 1)                  = 165.40625
//   opportunities:          2 + 1.5*(165.40625 + pageInfo 5 + totalCount 1) = 259.109375
const TWENTY_QUERY_COST = 259.109375;

function limits(overrides: Partial<GraphqlLimits> = {}): GraphqlLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

function check(
  source: string,
  overrides: Partial<GraphqlLimits> = {},
  variables?: Record<string, unknown>,
  operationName?: string,
): LimitViolation | undefined {
  return checkDocument(parse(source), variables, operationName, limits(overrides));
}

function messageOf(violation: LimitViolation | undefined): string | undefined {
  return violation?.message;
}

describe('DEFAULT_LIMITS', () => {
  it('accept a realistic Twenty web-app query: tokens, then the document', () => {
    expect(checkTokens(TWENTY_QUERY, DEFAULT_LIMITS)).toBeUndefined();
    expect(
      checkDocument(parse(TWENTY_QUERY), TWENTY_VARIABLES, undefined, DEFAULT_LIMITS),
    ).toBeUndefined();
  });

  it("accept the brief's two-hop query, 8 deep, which graphql-armor's default of 6 refuses", () => {
    const query = `query { opportunities(first: 60) { edges { node { id name company { id name
      people { edges { node { id } } } } } } } }`;
    expect(check(query)).toBeUndefined();
    expect(messageOf(check(query, { maxDepth: 6 }))).toBe(
      'Query depth limit of 6 exceeded, found 8.',
    );
  });

  it('are frozen', () => {
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });
});

describe('each limit, lowered below the realistic query, refuses it with its message', () => {
  const twenty = (overrides: Partial<GraphqlLimits>): LimitViolation | undefined =>
    check(TWENTY_QUERY, overrides, TWENTY_VARIABLES);

  it('maxDepth', () => {
    expect(twenty({ maxDepth: 8 })).toEqual({
      limit: 'maxDepth',
      message: 'Query depth limit of 8 exceeded, found 9.',
      found: 9,
      max: 8,
    });
    expect(twenty({ maxDepth: 9 })).toBeUndefined();
  });

  it('maxAliases', () => {
    expect(twenty({ maxAliases: 1 })).toEqual({
      limit: 'maxAliases',
      message: 'Aliases limit of 1 exceeded, found 2.',
      found: 2,
      max: 1,
    });
    expect(twenty({ maxAliases: 2 })).toBeUndefined();
  });

  it('maxDirectives', () => {
    expect(messageOf(twenty({ maxDirectives: 1 }))).toBe(
      'Directives limit of 1 exceeded, found 2.',
    );
    expect(twenty({ maxDirectives: 2 })).toBeUndefined();
  });

  it('maxCost, with the cost computed by hand', () => {
    expect(twenty({ maxCost: 259 })).toEqual({
      limit: 'maxCost',
      message: `Query Cost limit of 259 exceeded, found ${TWENTY_QUERY_COST}.`,
      found: TWENTY_QUERY_COST,
      max: 259,
    });
    expect(twenty({ maxCost: 260 })).toBeUndefined();
  });

  it('maxPageSize, reading `first` from the variables', () => {
    expect(twenty({ maxPageSize: 59 })).toEqual({
      limit: 'maxPageSize',
      message: 'Page size limit of 59 exceeded: first is 60 at opportunities.',
      found: 60,
      max: 59,
    });
    expect(twenty({ maxPageSize: 60 })).toBeUndefined();
  });

  it('maxTokens (the query is 126 tokens)', () => {
    expect(checkTokens(TWENTY_QUERY, limits({ maxTokens: 126 }))).toBeUndefined();
    expect(messageOf(checkTokens(TWENTY_QUERY, limits({ maxTokens: 125 })))).toBe(
      'Token limit of 125 exceeded.',
    );
    expect(checkTokens(TWENTY_QUERY, limits({ maxTokens: 10 }))).toEqual({
      limit: 'maxTokens',
      message: 'Token limit of 10 exceeded.',
      found: 11,
      max: 10,
    });
  });

  it('maxOperationsPerBatch', () => {
    expect(checkBatchSize(1, DEFAULT_LIMITS)).toBeUndefined();
    expect(checkBatchSize(2, DEFAULT_LIMITS)).toEqual({
      limit: 'maxOperationsPerBatch',
      message: 'Batch limit of 1 exceeded, found 2.',
      found: 2,
      max: 1,
    });
    expect(checkBatchSize(5, limits({ maxOperationsPerBatch: 5 }))).toBeUndefined();
  });
});

describe('checkDocument with fragments', () => {
  const DEEP_INLINE = `query { companies { edges { node { id } } } }`;

  it('counts depth through a named fragment as if it were written inline', () => {
    const viaFragment = `query { companies { ...Page } }
      fragment Page on CompanyConnection { edges { node { id } } }`;
    expect(messageOf(check(DEEP_INLINE, { maxDepth: 3 }))).toBe(
      'Query depth limit of 3 exceeded, found 4.',
    );
    expect(messageOf(check(viaFragment, { maxDepth: 3 }))).toBe(
      'Query depth limit of 3 exceeded, found 4.',
    );
  });

  it('counts depth through an inline fragment', () => {
    const viaInline = `query { companies { ... on CompanyConnection { edges { node { id } } } } }`;
    expect(messageOf(check(viaInline, { maxDepth: 3 }))).toBe(
      'Query depth limit of 3 exceeded, found 4.',
    );
  });

  it('measures a reused fragment where each spread puts it (graphql-armor, cached fragment)', () => {
    const query = `query {
      shallow: people { ...Relations }
      deep: people { company { people { ...Relations } } }
    }
    fragment Relations on Person { company { id } }`;
    expect(messageOf(check(query, { maxDepth: 4 }))).toBe(
      'Query depth limit of 4 exceeded, found 5.',
    );
  });

  it('does not spare a fragment named __schema (graphql-armor bypass)', () => {
    const query = `query { people { company { ...__schema } } }
      fragment __schema on Company { people { id } }`;
    expect(messageOf(check(query, { maxDepth: 3 }))).toBe(
      'Query depth limit of 3 exceeded, found 4.',
    );
  });

  it('counts aliases in a named fragment once per spread', () => {
    const query = `query { a: companies { ...Names } b: people { ...Names } }
      fragment Names on Company { first: name second: name }`;
    expect(messageOf(check(query, { maxAliases: 5 }))).toBe(
      'Aliases limit of 5 exceeded, found 6.',
    );
  });

  it('counts aliases in an inline fragment', () => {
    const query = `query { companies { ... on Company { x: id y: id } } }`;
    expect(messageOf(check(query, { maxAliases: 1 }))).toBe(
      'Aliases limit of 1 exceeded, found 2.',
    );
  });

  it('counts directives on spreads, inline fragments, fragments and the operation', () => {
    const query = `query Q @a { companies { ...F @b ... @c { id } } }
      fragment F on Company @d { name @e }`;
    expect(messageOf(check(query, { maxDirectives: 4 }))).toBe(
      'Directives limit of 4 exceeded, found 5.',
    );
  });

  it('costs a fragment once per spread, as if written inline', () => {
    const inline = `query { companies { id name } people { id name } }`;
    const viaFragment = `query { companies { ...F } people { ...F } }
      fragment F on Company { id name }`;
    // each of the two fields: 2 + 1.5 * (1 + 1) = 5
    expect(messageOf(check(inline, { maxCost: 9 }))).toBe(
      'Query Cost limit of 9 exceeded, found 10.',
    );
    expect(messageOf(check(viaFragment, { maxCost: 9 }))).toBe(
      'Query Cost limit of 9 exceeded, found 10.',
    );
  });

  it('refuses a fragment cycle instead of looping', () => {
    const query = `query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`;
    expect(check(query)).toEqual({
      limit: 'maxDepth',
      message: 'Query depth limit of 10 exceeded: fragment cycle A → B → A.',
      found: Number.POSITIVE_INFINITY,
      max: 10,
    });
  });

  it('refuses a fragment that spreads itself below a relation', () => {
    const query = `query { companies { edges { node { ...C } } } }
      fragment C on Company { people { edges { node { company { ...C } } } } }`;
    expect(messageOf(check(query))).toBe('Query depth limit of 10 exceeded: fragment cycle C → C.');
  });

  it('measures a fragment spread 2^40 times without expanding it, and refuses it', () => {
    const fragments = [`fragment F0 on Query { a: __typename b: __typename }`];
    for (let level = 1; level <= 40; level++) {
      fragments.push(`fragment F${level} on Query { ...F${level - 1} ...F${level - 1} }`);
    }
    const source = `query { ...F40 } ${fragments.join('\n')}`;
    // Within the token limit: only fragment-aware counting stands between it and Twenty.
    expect(checkTokens(source, DEFAULT_LIMITS)).toBeUndefined();
    expect(messageOf(check(source))).toBe(`Aliases limit of 15 exceeded, found ${2 ** 41}.`);
  });

  it('ignores fragments the operation does not spread', () => {
    const query = `query { companies { id } }
      fragment Unused on Company { a: id b: id c: id people { company { people { id } } } }`;
    expect(check(query, { maxAliases: 1, maxDepth: 2 })).toBeUndefined();
  });
});

describe('checkDocument aliases', () => {
  const aliased = (count: number): string =>
    Array.from({ length: count }, (_, index) => `a${index}: id`).join(' ');

  it('accepts 15 aliases by default and refuses 16', () => {
    expect(check(`query { companies { ${aliased(15)} } }`)).toBeUndefined();
    expect(messageOf(check(`query { companies { ${aliased(16)} } }`))).toBe(
      'Aliases limit of 15 exceeded, found 16.',
    );
  });

  it('does not count an alias named __typename', () => {
    expect(check(`query { companies { __typename: __typename ${aliased(15)} } }`)).toBeUndefined();
  });
});

describe('checkDocument page size', () => {
  const COMPANIES = (argument: string): string =>
    `query Companies($n: Int) { companies(${argument}) { edges { node { id } } } }`;

  it('refuses `first` written inline', () => {
    expect(messageOf(check(COMPANIES('first: 5000')))).toBe(
      'Page size limit of 200 exceeded: first is 5000 at companies.',
    );
  });

  it('refuses `first` passed through a variable', () => {
    expect(messageOf(check(COMPANIES('first: $n'), {}, { n: 5000 }))).toBe(
      'Page size limit of 200 exceeded: first is 5000 at companies.',
    );
    expect(check(COMPANIES('first: $n'), {}, { n: 200 })).toBeUndefined();
  });

  it("refuses a variable's default value when the variable is not given", () => {
    const query = `query ($n: Int = 5000) { companies(first: $n) { edges { node { id } } } }`;
    expect(messageOf(check(query))).toBe(
      'Page size limit of 200 exceeded: first is 5000 at companies.',
    );
    expect(check(query, {}, { n: 10 })).toBeUndefined();
  });

  it('accepts a null variable, which asks Twenty for its default page', () => {
    expect(check(COMPANIES('first: $n'), {}, { n: null })).toBeUndefined();
  });

  it('refuses `last` and `limit` too', () => {
    expect(messageOf(check(COMPANIES('last: 201')))).toBe(
      'Page size limit of 200 exceeded: last is 201 at companies.',
    );
    expect(messageOf(check(`query { search(searchInput: "acme", limit: 1000) { id } }`))).toBe(
      'Page size limit of 200 exceeded: limit is 1000 at search.',
    );
  });

  it('finds a page size inside a fragment and names its path by field names, not aliases', () => {
    const query = `query { all: companies(first: 10) { edges { node { ...Staff } } } }
      fragment Staff on Company { staff: people(first: 500) { edges { node { id } } } }`;
    expect(messageOf(check(query))).toBe(
      'Page size limit of 200 exceeded: first is 500 at companies.edges.node.people.',
    );
  });

  it('finds a page size inside an inline fragment', () => {
    const query = `query { companies { ... on CompanyConnection { edges { node {
      people(last: 999) { totalCount } } } } } }`;
    expect(messageOf(check(query))).toBe(
      'Page size limit of 200 exceeded: last is 999 at companies.edges.node.people.',
    );
  });
});

describe('checkDocument operation selection', () => {
  const TWO_OPERATIONS = `
    query Small { companies { id } }
    query Deep { companies { edges { node { people { edges { node { id } } } } } } }
  `;

  it('measures only the operation named', () => {
    expect(check(TWO_OPERATIONS, { maxDepth: 3 }, undefined, 'Small')).toBeUndefined();
    expect(messageOf(check(TWO_OPERATIONS, { maxDepth: 3 }, undefined, 'Deep'))).toBe(
      'Query depth limit of 3 exceeded, found 7.',
    );
  });

  it('measures every operation when none is named, or the name matches none', () => {
    const expected = 'Query depth limit of 3 exceeded, found 7.';
    expect(messageOf(check(TWO_OPERATIONS, { maxDepth: 3 }))).toBe(expected);
    expect(messageOf(check(TWO_OPERATIONS, { maxDepth: 3 }, undefined, 'Other'))).toBe(expected);
  });
});

describe('checkTokens', () => {
  it('refuses the token after the limit, and reports max + 1 as found', () => {
    // `query { a }` is 4 tokens
    expect(checkTokens('query { a }', limits({ maxTokens: 4 }))).toBeUndefined();
    expect(checkTokens('query { a b }', limits({ maxTokens: 4 }))).toEqual({
      limit: 'maxTokens',
      message: 'Token limit of 4 exceeded.',
      found: 5,
      max: 4,
    });
  });

  it('refuses a document of 1001 tokens by default', () => {
    const source = `query { ${Array.from({ length: 998 }, (_, index) => `f${index}`).join(' ')} }`;
    expect(messageOf(checkTokens(source, DEFAULT_LIMITS))).toBe('Token limit of 1000 exceeded.');
  });

  it('stops before a syntax error that lies beyond the limit', () => {
    expect(messageOf(checkTokens('query { a b c "unterminated', limits({ maxTokens: 3 })))).toBe(
      'Token limit of 3 exceeded.',
    );
  });

  it('does not count comments', () => {
    const commented = `# ${'comment '.repeat(500)}\nquery { a } # more`;
    expect(checkTokens(commented, limits({ maxTokens: 4 }))).toBeUndefined();
  });

  it('leaves a document that does not lex to the parser', () => {
    expect(checkTokens('query { a "unterminated', limits({ maxTokens: 10 }))).toBeUndefined();
  });
});

describe('limitsFrom', () => {
  it('gives the defaults when there is nothing to override', () => {
    expect(limitsFrom(undefined, 'gateway.limits')).toBe(DEFAULT_LIMITS);
    expect(limitsFrom(null, 'gateway.limits')).toBe(DEFAULT_LIMITS);
  });

  it('applies overrides over the defaults and freezes the result', () => {
    const tuned = limitsFrom({ maxDepth: 12, maxPageSize: 60 }, 'gateway.limits');
    expect(tuned).toEqual({ ...DEFAULT_LIMITS, maxDepth: 12, maxPageSize: 60 });
    expect(Object.isFrozen(tuned)).toBe(true);
  });

  it.each([
    [0, '0'],
    [-1, '-1'],
    [1.5, '1.5'],
    ['6', '"6"'],
    [Number.NaN, 'NaN'],
    [2 ** 53, String(2 ** 53)],
    [null, 'null'],
  ])('refuses %s, naming the path and the value', (value, shown) => {
    expect(() => limitsFrom({ maxDepth: value }, 'gateway.limits')).toThrow(
      new GraphqlLimitsError(
        'gateway.limits.maxDepth',
        value,
        `must be a positive integer, not ${shown}`,
      ),
    );
  });

  it('refuses an unknown limit, listing the known ones', () => {
    expect(() => limitsFrom({ maxDeph: 6 }, 'gateway.limits')).toThrow(
      'gateway.limits.maxDeph: unknown limit; the limits are maxDepth, maxAliases, maxCost, ' +
        'maxTokens, maxDirectives, maxPageSize, maxOperationsPerBatch',
    );
  });

  it('refuses something other than a mapping', () => {
    expect(() => limitsFrom(6, 'gateway.limits')).toThrow(
      'gateway.limits: must be a mapping of limit names to positive integers, not 6',
    );
    expect(() => limitsFrom([1], 'gateway.limits')).toThrow(
      'gateway.limits: must be a mapping of limit names to positive integers, not a list',
    );
  });

  it('carries the path and the bad value on the error', () => {
    let caught: unknown;
    try {
      limitsFrom({ maxCost: -1 }, 'gateway.limits');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GraphqlLimitsError);
    expect(caught).toMatchObject({
      name: 'GraphqlLimitsError',
      path: 'gateway.limits.maxCost',
      value: -1,
      message: 'gateway.limits.maxCost: must be a positive integer, not -1',
    });
  });
});

describe("the gateway's page ceiling", () => {
  it("is Twenty 2.43's QUERY_MAX_RECORDS, from the one place the sandbox's GraphQL and REST read it", () => {
    expect(QUERY_MAX_RECORDS).toBe(200);
    expect(DEFAULT_LIMITS.maxPageSize).toBe(QUERY_MAX_RECORDS);
  });
});
