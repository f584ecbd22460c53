/**
 * Page cursors through the gateway. Twenty's cursor is base64 JSON of the record's whole value
 * of every orderBy field, so ordering people by `phones.primaryPhoneCountryCode` puts each
 * person's whole `phones`, number included, in the cursor. Here the support role reads `phones`
 * but not its number in clear: an intern sees it masked, a junior sees it except on C-level
 * contacts (a `when` rule hides it there). Every cursor the gateway answers is decoded and
 * searched for those numbers, while the host's own cursors (asked directly) show them; paging
 * with the gateway's cursors still walks every record in scope once; a cursor the gateway did
 * not seal for this member and object is refused.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../policy/load.js';
import type { Policy } from '../../policy/schema.js';
import {
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import { idOf, leaked, phoneNumbers, split, type Row } from './bypass.test-support.js';

const CHIEF_REST = encodeURIComponent('jobTitle[like]:"Chief%"');

/** The demo policy, with the support role's phone numbers readable only in part. */
function cursorPolicy(): Policy {
  const demo = readFileSync(
    new URL('../../../examples/demo/tiergate.policy.yaml', import.meta.url),
    'utf8',
  );
  const before = '          phones: { intern: { mask: last4 }, junior: read, senior: edit }\n';
  expect(demo).toContain(before);
  return loadPolicy(
    demo.replace(
      before,
      [
        '          phones: { intern: read, senior: edit }',
        '          phones.primaryPhoneNumber:',
        '            intern: { mask: last4 }',
        '            junior: read',
        '            senior: edit',
        "            when: [{ if: { jobTitle: { like: 'Chief%' } }, below: senior, state: hidden }]",
        '',
      ].join('\n'),
    ),
  );
}

let fx: GatewayFixture;

beforeAll(async () => {
  fx = await gatewayFixture({ policy: cursorPolicy() });
}, 60_000);
afterAll(async () => fx.close());

function who(tier: string) {
  const member = fx.member('support', tier);
  return { id: member.id, token: fx.tokenOf(member.id) };
}

const live = (rows: readonly Row[]) => rows.filter((r) => (r.deletedAt ?? null) === null);

/** The numbers each member may not read in clear: every one for an intern, C-level for a junior. */
function restrictedFor(tier: string): string[] {
  const people = live(fx.records('person'));
  const chiefs = people.filter((p) => String(p.jobTitle).startsWith('Chief'));
  return phoneNumbers(tier === 'intern' ? people : chiefs);
}

/** Every string of an answer, base64-decoded: its cursors among them, whatever their keys. */
function decodedCursors(answer: Answer): string[] {
  const strings: string[] = [];
  JSON.parse(answer.text, (_key, value: unknown) => {
    if (typeof value === 'string') strings.push(Buffer.from(value, 'base64').toString());
    return value;
  });
  return strings;
}

function expectCursorsHide(through: Answer, direct: Answer, restricted: readonly string[]) {
  expect(through.status).toBe(200);
  expect(restricted.length).toBeGreaterThan(0);
  const served = decodedCursors(through);
  expect(served.length).toBeGreaterThan(0);
  expect(leaked(served.join('\n'), restricted)).toEqual([]);
  expect(leaked(through.text, restricted)).toEqual([]);
  // The control: the host's own cursors for the same request carry the numbers.
  expect(leaked(decodedCursors(direct).join('\n'), restricted).length).toBeGreaterThan(0);
}

const BY_COUNTRY = '[{ phones: { primaryPhoneCountryCode: AscNullsFirst } }]';

const GRAPHQL_VARIANTS = {
  'root edges and pageInfo': `{ people(first: 200, orderBy: ${BY_COUNTRY}) { edges { cursor node { id } } pageInfo { startCursor endCursor } } }`,
  'edges asked without their node': `{ people(first: 200, orderBy: ${BY_COUNTRY}) { edges { cursor } } }`,
  'aliased cursors in a fragment': `{ p: people(first: 200, orderBy: ${BY_COUNTRY}) { ...Page } } fragment Page on PersonConnection { e: edges { c: cursor } i: pageInfo { s: startCursor } }`,
  'a nested relation connection': `{ companies(first: 200) { edges { node { id people(orderBy: ${BY_COUNTRY}) { edges { cursor } pageInfo { endCursor } } } } } }`,
  'groupBy groups ordering their records': `{ peopleGroupBy(groupBy: [{ city: true }], orderByForRecords: ${BY_COUNTRY}) { edges { cursor } pageInfo { startCursor } } }`,
};

describe('§14.1 the cursors the gateway answers', () => {
  it('are what the policy says: the numbers are masked for an intern and hidden on C-level for a junior', () => {
    const chief = live(fx.records('person')).find((p) => String(p.jobTitle).startsWith('Chief'));
    const field = 'phones.primaryPhoneNumber';
    const state = (tier: string) =>
      fx.engine.fieldState({
        member: who(tier).id,
        object: 'person',
        action: 'read',
        field,
        record: chief,
      });
    expect(state('intern')).not.toBe('read');
    expect(state('junior')).toBe('hidden');
  });

  for (const tier of ['intern', 'junior'])
    for (const [variant, query] of Object.entries(GRAPHQL_VARIANTS))
      it(`carry no number a support ${tier} may not read in clear: ${variant}`, async () => {
        const { token } = who(tier);
        const through = await fx.graphql(token, { query });
        expect(through.body.errors).toBeUndefined();
        expectCursorsHide(through, await fx.graphql(token, { query }, true), restrictedFor(tier));
      });

  for (const tier of ['intern', 'junior'])
    it(`carry no such number in a REST page's pageInfo, for a support ${tier}`, async () => {
      const { token } = who(tier);
      // C-level contacts only, so the page's first and last records are ones the rules restrict.
      const path = `/rest/people?order_by=phones.primaryPhoneCountryCode&limit=200&filter=${CHIEF_REST}`;
      const through = await fx.rest(token, 'GET', path);
      expectCursorsHide(
        through,
        await fx.rest(token, 'GET', path, undefined, true),
        restrictedFor(tier),
      );
    });

  it('still refuse an ordering on a value not readable in clear on every record', async () => {
    for (const [tier, order] of [
      ['intern', '{ phones: { primaryPhoneNumber: AscNullsFirst } }'],
      ['junior', '{ phones: { primaryPhoneNumber: AscNullsFirst } }'],
    ] as const) {
      const through = await fx.graphql(who(tier).token, {
        query: `{ people(first: 5, orderBy: [${order}]) { edges { cursor } } }`,
      });
      expect(through.body.data ?? null).toBeNull();
      expect(through.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});

const PAGE = `query Page($after: String, $order: [PersonOrderByInput]) {
  people(first: 7, after: $after, orderBy: $order) {
    edges { node { id } }
    pageInfo { endCursor hasNextPage }
  }
}`;

interface Page {
  readonly ids: string[];
  readonly endCursor: string | null;
  readonly hasNextPage: boolean;
}

function pageOf(answer: Answer): Page {
  expect(answer.body.errors).toBeUndefined();
  const people = answer.body.data?.people as {
    edges: { node: { id: string } }[];
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
  };
  return { ids: people.edges.map((e) => e.node.id), ...people.pageInfo };
}

/** Every id a member reads by paging through the gateway with its cursors, in order. */
async function walkGraphql(token: string, order: unknown): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = pageOf(await fx.graphql(token, { query: PAGE, variables: { after, order } }));
    ids.push(...page.ids);
    if (!page.hasNextPage) return ids;
    after = page.endCursor;
  }
  throw new Error('paging did not end');
}

async function walkRest(token: string, order: string): Promise<string[]> {
  const ids: string[] = [];
  let after = '';
  for (let guard = 0; guard < 100; guard++) {
    const answer = await fx.rest(token, 'GET', `/rest/people?limit=7&order_by=${order}${after}`);
    expect(answer.status).toBe(200);
    const body = answer.body as unknown as {
      data: { people: Row[] };
      pageInfo: { endCursor: string; hasNextPage: boolean };
    };
    ids.push(...body.data.people.map(idOf));
    if (!body.pageInfo.hasNextPage) return ids;
    after = `&starting_after=${encodeURIComponent(body.pageInfo.endCursor)}`;
  }
  throw new Error('paging did not end');
}

function inScope(member: string): string[] {
  return live(split(fx, member, 'person').inside)
    .map(idOf)
    .sort();
}

describe('§14.2 paging with the gateway’s cursors', () => {
  it('walks every person in scope exactly once, over GraphQL and REST', async () => {
    const walks = [
      [
        who('intern'),
        { phones: { primaryPhoneCountryCode: 'AscNullsFirst' } },
        'phones.primaryPhoneCountryCode',
      ],
      [who('junior'), { city: 'DescNullsLast' }, 'city[DescNullsLast]'],
    ] as const;
    for (const [member, order, restOrder] of walks) {
      const expected = inScope(member.id);
      const graphql = await walkGraphql(member.token, [order]);
      expect(graphql.length).toBe(new Set(graphql).size);
      expect([...graphql].sort()).toEqual(expected);
      const rest = await walkRest(member.token, restOrder);
      expect([...rest].sort()).toEqual(expected);
    }
  });

  it('walks a scoped member’s records exactly once too (a junior sales rep’s team)', async () => {
    const member = fx.member('sales-rep', 'junior').id;
    const token = fx.tokenOf(member);
    const expected = inScope(member);
    expect(expected.length).toBeLessThan(live(fx.records('person')).length);
    const ids = await walkGraphql(token, [{ name: { firstName: 'AscNullsFirst' } }]);
    expect(ids.length).toBe(new Set(ids).size);
    expect([...ids].sort()).toEqual(expected);
  });

  it('pages back with before and a start cursor to the page before', async () => {
    const { token } = who('intern');
    const order = [{ phones: { primaryPhoneCountryCode: 'AscNullsFirst' } }];
    const first = pageOf(await fx.graphql(token, { query: PAGE, variables: { order } }));
    const second = await fx.graphql(token, {
      query: `query($after: String) { people(first: 7, after: $after, orderBy: ${BY_COUNTRY}) { pageInfo { startCursor } } }`,
      variables: { after: first.endCursor },
    });
    const start = (second.body.data?.people as { pageInfo: { startCursor: string } }).pageInfo
      .startCursor;
    const back = await fx.graphql(token, {
      query: `{ people(last: 7, before: "${start}", orderBy: ${BY_COUNTRY}) { edges { node { id } } } }`,
    });
    expect(back.body.errors).toBeUndefined();
    const ids = (back.body.data?.people as { edges: { node: Row }[] }).edges.map((e) =>
      idOf(e.node),
    );
    expect(ids).toEqual(first.ids);
  });
});

/** A GraphQL refusal of a cursor: BAD_USER_INPUT, no data. */
function expectCursorRefused(answer: Answer): void {
  expect(answer.status).toBe(400);
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(answer.body.errors?.[0]?.message).toContain('not one this gateway gave you');
}

describe('§14.3 a cursor the gateway did not seal for this member and object', () => {
  async function sealedFor(
    token: string,
    query = '{ people(first: 3) { pageInfo { endCursor } } }',
  ) {
    const answer = await fx.graphql(token, { query });
    const data = answer.body.data as Record<string, { pageInfo: { endCursor: string } }>;
    return Object.values(data)[0]?.pageInfo.endCursor as string;
  }

  it('is refused when changed by one character, literal or in a variable', async () => {
    const { token } = who('intern');
    const cursor = await sealedFor(token);
    const middle = Math.floor(cursor.length / 2);
    const flipped = cursor[middle] === 'A' ? 'B' : 'A';
    const tampered = cursor.slice(0, middle) + flipped + cursor.slice(middle + 1);
    for (const body of [
      { query: `{ people(first: 3, after: "${tampered}") { edges { node { id } } } }` },
      { query: PAGE, variables: { after: tampered } },
      { query: PAGE, variables: { after: `${cursor}A` } },
    ])
      expectCursorRefused(await fx.graphql(token, body));
  });

  it('is refused when forged as Twenty writes cursors, or garbled', async () => {
    const { token } = who('intern');
    const person = live(fx.records('person'))[0] as Row;
    const forged = Buffer.from(JSON.stringify({ id: idOf(person) })).toString('base64');
    for (const after of [forged, 'tg1.', 'tg1.%%%', 'not a cursor', ''.padEnd(20_000, 'A')])
      expectCursorRefused(await fx.graphql(token, { query: PAGE, variables: { after } }));
    // The host itself takes the forged cursor: the gateway's refusal is its own.
    const direct = await fx.graphql(token, { query: PAGE, variables: { after: forged } }, true);
    expect(direct.body.errors).toBeUndefined();
  });

  it('is refused when sealed for another member, over GraphQL and REST', async () => {
    const a = who('intern');
    const b = who('junior');
    const cursor = await sealedFor(a.token);
    expect(
      pageOf(await fx.graphql(a.token, { query: PAGE, variables: { after: cursor } })).ids,
    ).toHaveLength(7);
    expectCursorRefused(await fx.graphql(b.token, { query: PAGE, variables: { after: cursor } }));
    const rest = await fx.rest(
      b.token,
      'GET',
      `/rest/people?limit=3&starting_after=${encodeURIComponent(cursor)}`,
    );
    expect(rest.status).toBe(400);
    expect(rest.text).toContain('not one this gateway gave you');
  });

  it('is refused when sealed for another object, and for REST’s ending_before too', async () => {
    const { token } = who('intern');
    const company = await sealedFor(token, '{ companies(first: 3) { pageInfo { endCursor } } }');
    expectCursorRefused(await fx.graphql(token, { query: PAGE, variables: { after: company } }));
    const rest = await fx.rest(
      token,
      'GET',
      `/rest/people?limit=3&ending_before=${encodeURIComponent(company)}`,
    );
    expect(rest.status).toBe(400);
    const people = await sealedFor(token);
    const ok = await fx.rest(
      token,
      'GET',
      `/rest/people?limit=3&ending_before=${encodeURIComponent(people)}`,
    );
    expect(ok.status).toBe(200);
  });
});
