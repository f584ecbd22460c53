/**
 * The export limit (`security.export.maxRowsWithoutStepUp`) against every read that reveals
 * record values: pages, edges asked without their node (each cursor stands for a record),
 * groupBy groups (grouped by `id`, a group is a record), aggregates (`min`/`max` of a filter
 * narrowed to one record is that record's value), nested relations, REST, and all
 * of them at once and in parallel. With a limit of 12, no combination serves more than 12
 * record values; each test starts a fresh window by moving the gateway's clock two hours on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../../policy/schema.js';
import {
  DEMO_POLICY,
  gatewayFixture,
  withExportLimit,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import { exportClockPerTest, idOf } from './bypass.test-support.js';

const LIMIT = 12;

const POLICY: Policy = withExportLimit(DEMO_POLICY, LIMIT);

const clock = exportClockPerTest();
let fx: GatewayFixture;
let token: string;

beforeAll(async () => {
  fx = await gatewayFixture({ policy: POLICY, now: clock.read });
  // The analyst reads every company and deal: only the export limit stands in the way.
  token = fx.tokenOf(fx.member('analyst', 'intermediate').id);
}, 60_000);
afterAll(async () => fx.close());

/**
 * What answers served, in record values: each record id once across all answers, each edge
 * served without its node (its cursor), each group's dimension values, each `min`/`max` value.
 */
class Served {
  readonly ids = new Set<string>();
  values = 0;
  refused = 0;

  add(answer: Answer): void {
    if (answer.text.includes('STEP_UP_REQUIRED')) this.refused++;
    this.walk(answer.body.data ?? answer.body);
  }

  walk(value: unknown): void {
    if (Array.isArray(value)) {
      for (const item of value) this.walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record.id === 'string') this.ids.add(record.id);
    if (Array.isArray(record.groupByDimensionValues)) this.values++;
    for (const [key, inner] of Object.entries(record)) {
      if (/^(min|max)[A-Z]/.test(key) && inner !== null) this.values++;
      if (key === 'edges' && Array.isArray(inner))
        this.values += inner.filter((edge) => isNodeless(edge)).length;
      this.walk(inner);
    }
  }

  get total(): number {
    return this.ids.size + this.values;
  }
}

function isNodeless(edge: unknown): boolean {
  return typeof edge === 'object' && edge !== null && !('node' in edge) && 'cursor' in edge;
}

const gql = (query: string, variables: Record<string, unknown> = {}) =>
  fx.graphql(token, { query, variables });

function companyIds(): string[] {
  return fx
    .records('company')
    .filter((c) => (c.deletedAt ?? null) === null)
    .map(idOf);
}

/** Sends requests one after another until one is refused (or `max` are sent). */
async function untilRefused(send: (index: number) => Promise<Answer>, max = 40): Promise<Served> {
  const served = new Served();
  for (let index = 0; index < max && served.refused === 0; index++) served.add(await send(index));
  return served;
}

function expectWithinLimit(served: Served): void {
  expect(served.refused).toBeGreaterThan(0);
  expect(served.total).toBeLessThanOrEqual(LIMIT);
}

describe('§16.1 the export limit counts', () => {
  it('pages of records', async () => {
    let after: string | null = null;
    const served = await untilRefused(async () => {
      const answer = await gql(
        'query($after: String) { companies(first: 5, after: $after) { edges { node { id name } } pageInfo { endCursor } } }',
        { after },
      );
      const page = answer.body.data?.companies as { pageInfo: { endCursor: string } } | undefined;
      after = page?.pageInfo.endCursor ?? after;
      return answer;
    });
    expectWithinLimit(served);
  });

  it('edges asked without their node, each cursor standing for its record', async () => {
    let after: string | null = null;
    const served = await untilRefused(async () => {
      const answer = await gql(
        'query($after: String) { companies(first: 5, after: $after) { edges { cursor } pageInfo { endCursor } } }',
        { after },
      );
      const page = answer.body.data?.companies as { pageInfo: { endCursor: string } } | undefined;
      after = page?.pageInfo.endCursor ?? after;
      return answer;
    });
    expectWithinLimit(served);
  });

  it('groupBy groups over unique fields, one group a record', async () => {
    for (const dimension of [
      '{ id: true }',
      '{ name: true }',
      '{ domainName: { primaryLinkUrl: true } }',
    ]) {
      clock.nextWindow();
      const served = await untilRefused(
        (index) =>
          gql(
            `query($ids: [UUID]) { companiesGroupBy(groupBy: [${dimension}], filter: { id: { in: $ids } }) { groupByDimensionValues } }`,
            { ids: companyIds().slice(index * 5, index * 5 + 5) },
          ),
        16,
      );
      expectWithinLimit(served);
    }
  });

  it('aggregates, min and max of a filter narrowed to one record being its values', async () => {
    const ids = companyIds();
    for (const aggregate of ['maxEmployees', 'minEmployees', 'maxCreatedAt', 'minUpdatedAt']) {
      clock.nextWindow();
      const served = await untilRefused((index) =>
        gql(`query($id: UUID) { companies(filter: { id: { eq: $id } }) { ${aggregate} } }`, {
          id: ids[index],
        }),
      );
      expectWithinLimit(served);
    }
  });

  it('a totalCount beside a REST page, as one row', async () => {
    const refused = await fx.rest(token, 'GET', `/rest/companies?limit=${LIMIT}`);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('STEP_UP_REQUIRED');
    clock.nextWindow();
    const served = await fx.rest(token, 'GET', `/rest/companies?limit=${LIMIT - 1}`);
    expect(served.status).toBe(200);
  });

  it('records shown twice in one answer once', async () => {
    const answer = await gql(
      '{ a: companies(first: 6) { edges { node { id } } } b: companies(first: 6) { edges { cursor node { id name } } } }',
    );
    expect(answer.body.errors).toBeUndefined();
    const served = new Served();
    served.add(answer);
    expect(served.total).toBe(6);
    // Counted as six, so six more are served (the limit reached), and nothing after them.
    const more = await gql('{ companies(first: 6) { edges { node { id } } } }');
    expect(more.body.errors).toBeUndefined();
    const refused = await gql('{ companies(first: 1) { edges { node { id } } } }');
    expect(refused.text).toContain('STEP_UP_REQUIRED');
  });
});

const BY_IDS = 'query($ids: [UUID]) ';
const ANY_OF = 'filter: { id: { in: $ids } }';

/** Each kind of read over a few companies: the ones once free of the limit first. */
const MIXED_QUERIES = [
  `${BY_IDS}{ companies(${ANY_OF}) { edges { cursor } } }`,
  `${BY_IDS}{ companiesGroupBy(groupBy: [{ id: true }], ${ANY_OF}) { groupByDimensionValues } }`,
  `${BY_IDS}{ companies(${ANY_OF}) { maxEmployees minCreatedAt } }`,
  `${BY_IDS}{ companies(${ANY_OF}) { edges { node { id } } } }`,
  `${BY_IDS}{ companies(${ANY_OF}) { edges { node { id opportunities { edges { node { id } } } } } } }`,
];

/** Every kind of read, over GraphQL and REST, on a few companies at a time, several times over. */
function mixedReads(): (() => Promise<Answer>)[] {
  const ids = companyIds();
  const reads: (() => Promise<Answer>)[] = [];
  for (let round = 0; round < 8; round++) {
    const slice = ids.slice(round * 3, round * 3 + 3);
    for (const query of MIXED_QUERIES) reads.push(() => gql(query, { ids: slice }));
    const opportunities = encodeURIComponent(`companyId[eq]:"${slice[2] ?? ''}"`);
    reads.push(
      () => fx.rest(token, 'GET', `/rest/companies/${slice[1] ?? ''}`),
      () => fx.rest(token, 'GET', `/rest/opportunities?limit=3&filter=${opportunities}`),
    );
  }
  return reads;
}

describe('§16.2 the export limit, whatever the mix and the timing', () => {
  it('serves no more record values than the limit over a mix of reads, one after another', async () => {
    const served = new Served();
    for (const read of mixedReads()) {
      const a = await read();
      served.add(a);
      console.log('MIX', a.status, a.text.slice(0, 150));
    }
    console.log('TOTAL', served.total, served.refused);
    expectWithinLimit(served);
  });

  it('serves no more record values than the limit over the same mix sent all at once', async () => {
    const served = new Served();
    for (const answer of await Promise.all(mixedReads().map((read) => read()))) served.add(answer);
    expectWithinLimit(served);
  });

  it('serves no more records than the limit to many parallel one-record reads', async () => {
    const ids = companyIds().slice(0, 40);
    const answers = await Promise.all(
      ids.map((id) =>
        gql(
          'query($id: UUID) { companies(filter: { id: { eq: $id } }) { edges { node { id name } } } }',
          { id },
        ),
      ),
    );
    const served = new Served();
    for (const answer of answers) served.add(answer);
    expect(served.ids.size).toBe(LIMIT);
    expect(served.refused).toBe(ids.length - LIMIT);
  });
});
