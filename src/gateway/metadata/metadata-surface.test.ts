/**
 * The metadata API through the gateway: record-derived root fields are refused however they are
 * asked for (aliased, in fragments, batched or beside an allowed field, over GET), while schema
 * and view metadata pass on to the host. The sandbox serves none of the record-derived fields
 * (NOT_IMPLEMENTED), so a refusal is told from a pass-through by who answers.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fetchAnswer,
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import { RECORD_DERIVED_METADATA_FIELDS, recordDerivedFields } from './metadata-surface.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture({ counts: { companies: 10, people: 10, opportunities: 10 } });
}, 60_000);
afterAll(async () => fx.close());

const token = (): string => fx.tokenOf(fx.member('sales-rep', 'junior').id);

const post = (body: unknown, direct = false): Promise<Answer> => fx.metadata(token(), body, direct);

function expectGatewayRefusal(answer: Answer, field: string): void {
  expect(answer.status).toBe(403);
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors?.[0]?.message).toContain(field);
  expect(answer.body.errors?.[0]?.message).toContain('not available through the gateway');
  expect(answer.text).not.toContain('not served by the Tiergate sandbox');
}

const RECORD_DERIVED: readonly [string, string][] = [
  ['counts', '{ objectRecordCounts { objectNamePlural totalCount } }'],
  ['aliased counts', '{ n: objectRecordCounts { totalCount } }'],
  [
    'a chart in a named fragment',
    'query Q { ...Chart } fragment Chart on Query { pie: pieChartData(input: { objectMetadataId: "00000000-0000-0000-0000-000000000000", configuration: {} }) { __typename } }',
  ],
  ['chats in an inline fragment', '{ ... on Query { ... on Query { chatThreads { id } } } }'],
  [
    'beside an allowed field',
    '{ objects(paging: { first: 1 }) { edges { node { nameSingular } } } lineChartData(input: { objectMetadataId: "00000000-0000-0000-0000-000000000000", configuration: {} }) { __typename } }',
  ],
  [
    'an AI agent run as a mutation',
    'mutation { runAgent(input: { agentId: "00000000-0000-0000-0000-000000000000" }) { __typename } }',
  ],
  [
    'in the operation operationName does not pick',
    'query Schema { objects { totalCount } } query Counts { objectRecordCounts { totalCount } }',
  ],
];

describe('record-derived metadata queries', () => {
  it.each(RECORD_DERIVED)(
    'refuses %s, which reaches the metadata API directly',
    async (_, query) => {
      const [field] = recordDerivedFields(parse(query));
      expect(field).toBeDefined();
      const direct = await post(
        { query, operationName: query.startsWith('query Schema') ? 'Schema' : undefined },
        true,
      );
      expect(direct.status).toBe(200);
      expectGatewayRefusal(await post({ query }), field ?? '');
    },
  );

  it('refuses a batch whose one operation is record-derived, though the other is allowed', async () => {
    const through = await post([
      { query: '{ objects(paging: { first: 1 }) { edges { node { nameSingular } } } }' },
      {
        query:
          '{ barChartData(input: { objectMetadataId: "00000000-0000-0000-0000-000000000000", configuration: {} }) { __typename } }',
      },
    ]);
    expectGatewayRefusal(through, 'barChartData');
  });

  it('refuses a record-derived query sent as GET', async () => {
    const query = encodeURIComponent('{ objectRecordCounts { totalCount } }');
    const through = await fetchAnswer(`${fx.gateway.url}/metadata?query=${query}`, {
      headers: { authorization: `Bearer ${token()}` },
    });
    expectGatewayRefusal(through, 'objectRecordCounts');
  });

  it('refuses a document it cannot parse rather than guess what it asks for', async () => {
    const through = await post({ query: '{ objectRecordCounts { ' });
    expect(through.status).toBe(400);
    expect(through.text).toContain('not valid GraphQL');
  });
});

describe('schema and view metadata', () => {
  it('passes schema metadata on, answered by the host as it answers directly', async () => {
    const query =
      '{ objects(paging: { first: 50 }, filter: {}) { edges { node { nameSingular } } } }';
    const through = await post({ query });
    expect(through.status).toBe(200);
    expect(through.body).toEqual((await post({ query }, true)).body);
    expect(through.text).toContain('company');
  });

  it.each(['{ getViews { id } }', '{ getPageLayouts { id } }', '{ currentUser { id } }'])(
    'passes %s on to the host',
    async (query) => {
      const through = await post({ query });
      expect(through.status).toBe(200);
      expect(through.body).toEqual((await post({ query }, true)).body);
    },
  );
});

describe('the list of record-derived fields', () => {
  it("names only root fields of Twenty 2.43's metadata schema", () => {
    const schema = buildSchema(
      readFileSync(new URL('../../../graphql/schema/metadata.graphql', import.meta.url), 'utf8'),
    );
    const roots = new Set([
      ...Object.keys(schema.getQueryType()?.getFields() ?? {}),
      ...Object.keys(schema.getMutationType()?.getFields() ?? {}),
    ]);
    expect([...RECORD_DERIVED_METADATA_FIELDS.keys()].filter((name) => !roots.has(name))).toEqual(
      [],
    );
  });
});
