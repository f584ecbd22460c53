/**
 * The metadata API fails closed: a root field Twenty 2.43's metadata schema does not have (a
 * newer Twenty's) is refused however it is asked for, and so is any selection inside an allowed
 * answer that reaches records' values. The schema walk pins every such path, so a schema update
 * that adds one is refused without anyone listing it.
 */
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  parse,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metadataSchema } from '../../host/metadata-schema.js';
import {
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import { judgeMetadataDocument } from './metadata-closed.js';
import { recordValueTypes } from './metadata-record-types.js';
import { checkMetadataDocument, RECORD_DERIVED_METADATA_FIELDS } from './metadata-surface.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture({ counts: { companies: 10, people: 10, opportunities: 10 } });
}, 60_000);
afterAll(async () => fx.close());

const token = (): string => fx.tokenOf(fx.member('sales-rep', 'junior').id);

const post = (query: string, direct = false): Promise<Answer> =>
  fx.metadata(token(), { query }, direct);

function expectRefused(answer: Answer, ...words: string[]): void {
  expect(answer.status).toBe(403);
  expect(answer.body.data ?? null).toBeNull();
  for (const word of words) expect(answer.body.errors?.[0]?.message).toContain(word);
}

const UNKNOWN: readonly [string, string][] = [
  ['plainly', '{ recordTimeline(recordId: "x") { id } }'],
  ['aliased as a known field', '{ objects: recordTimeline { id } }'],
  ['in a named fragment', 'query Q { ...F } fragment F on Query { recordTimeline { id } }'],
  ['in nested inline fragments', '{ ... on Query { ... { t: recordTimeline { id } } } }'],
  ['beside a known field', '{ currentUser { id } recordTimeline { id } }'],
  ['as a mutation', 'mutation { shareRecordWithAll(id: "x") }'],
  ['below a known root field', '{ currentUser { id recentRecords { id } } }'],
];

describe('metadata fields Twenty 2.43 does not have', () => {
  it.each(UNKNOWN)('refuses one asked %s', async (_, query) => {
    const direct = await post(query, true);
    // The sandbox is 2.43 and does not know it either; a newer host would answer it.
    expect(direct.text).not.toContain('does not know the metadata');
    const through = await post(query);
    expectRefused(through, 'does not know the metadata', 'upgrade Tiergate', 'Twenty directly');
  });

  it('names an unknown root field as an operation and a deeper one as a field', () => {
    expect(() => checkMetadataDocument('{ recordTimeline { id } }')).toThrow(
      'metadata operation "recordTimeline"',
    );
    expect(() => checkMetadataDocument('{ currentUser { recentRecords { id } } }')).toThrow(
      'metadata field "currentUser.recentRecords"',
    );
  });

  it.each([
    '{ objects(paging: { first: 50 }, filter: {}) { edges { node { nameSingular fields { edges { node { name } } } } } } }',
    'query V { ...Views } fragment Views on Query { getViews { id viewFilters { id value operand } } }',
    '{ currentUser { id email } __typename }',
    '{ __schema { queryType { name } } }',
  ])('passes the known schema query %s on to the host', async (query) => {
    const through = await post(query);
    expect(through.status).toBe(200);
    expect(through.body).toEqual((await post(query, true)).body);
  });
});

describe("records' values inside allowed metadata answers", () => {
  it("refuses other members' records under currentUser, which Twenty answers directly", async () => {
    const query = '{ currentUser { id workspaceMembers { id userEmail name { firstName } } } }';
    const direct = await post(query, true);
    expect(direct.status).toBe(200);
    const other = fx.member('sales-manager', 'director');
    expect(direct.text).toContain(other.id);
    const through = await post(query);
    expectRefused(through, 'currentUser.workspaceMembers', 'not available through the gateway');
    expect(through.text).not.toContain(other.id);
  });

  it.each([
    ['aliased', '{ me: currentUser { all: workspaceMembers { userEmail } } }'],
    [
      'in a fragment on the nested type',
      'query Q { currentUser { ...U } } fragment U on User { ... on User { workspaceMember { userEmail } } }',
    ],
    ['under roles', '{ getRoles { label workspaceMembers { userEmail } } }'],
    ['as a chat thread mutation', 'mutation { renameChatThread(id: "x", title: "t") { title } }'],
    [
      'as favourites naming records',
      '{ navigationMenuItems { targetRecordIdentifier { labelIdentifier } } }',
    ],
  ])('refuses them asked %s', async (_, query) => {
    expectRefused(await post(query), 'not available through the gateway');
  });
});

/** Every path from an allowed root field to a type holding records' values, one per type. */
function recordPaths(schema: GraphQLSchema, types: ReadonlyMap<string, string>): string[] {
  const paths: string[] = [];
  const children = (type: GraphQLNamedType): [string, GraphQLNamedType][] =>
    isObjectType(type) || isInterfaceType(type)
      ? Object.entries(type.getFields()).map(([name, field]) => [name, getNamedType(field.type)])
      : [];
  for (const root of [schema.getQueryType(), schema.getMutationType()])
    for (const [name, field] of Object.entries(root?.getFields() ?? {})) {
      if (RECORD_DERIVED_METADATA_FIELDS.has(name)) continue;
      const start = getNamedType(field.type);
      const seen = new Map([[start.name, name]]);
      for (const queue: GraphQLNamedType[] = [start]; queue.length > 0;) {
        const type = queue.shift() as GraphQLNamedType;
        const path = seen.get(type.name) ?? '';
        if (types.has(type.name)) paths.push(`${root?.name ?? ''}:${path}`);
        else
          for (const [child, next] of children(type))
            if (!seen.has(next.name)) {
              seen.set(next.name, `${path}.${child}`);
              queue.push(next);
            }
      }
    }
  return paths;
}

/** `currentUser.workspaceMembers` → `{ currentUser { workspaceMembers { __typename } } }`. */
const documentFor = (path: string): string => {
  const [operation = '', fields = ''] = path.split(':');
  const names = fields.split('.');
  return `${operation === 'Mutation' ? 'mutation ' : ''}${names.map((n) => `{ ${n} `).join('')}{ __typename }${' }'.repeat(names.length)}`;
};

describe('the metadata schema walk', () => {
  const schema = metadataSchema();
  const types = recordValueTypes(schema, RECORD_DERIVED_METADATA_FIELDS);

  it('finds the allowed answers that reach records, and the gateway refuses each path', () => {
    const paths = recordPaths(schema, types);
    expect(paths).toContain('Query:currentUser.workspaceMember');
    expect(paths).toContain('Mutation:renameChatThread');
    for (const path of paths) {
      const verdict = judgeMetadataDocument(
        parse(documentFor(path)),
        schema,
        types,
        new Set(RECORD_DERIVED_METADATA_FIELDS.keys()),
      );
      expect(verdict.recordPaths, path).toEqual([path.split(':')[1]]);
    }
  });

  it('knows every record-value type it names in the schema', () => {
    expect([...types.keys()].filter((name) => schema.getType(name) === undefined)).toEqual([]);
  });

  it("lets workspace members' records through when the policy leaves them to Twenty", () => {
    expect(() =>
      checkMetadataDocument('{ currentUser { workspaceMembers { userEmail } } }', [
        'workspaceMember',
      ]),
    ).not.toThrow();
  });
});
