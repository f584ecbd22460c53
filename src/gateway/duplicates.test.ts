/**
 * Duplicates: the host looks for them among every record, so the gateway checks the ids it is
 * asked about, judges each record it answers, and refuses counts over them.
 */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { STANDARD_OBJECTS } from '../host/core-schema/standard-objects.js';
import { compilePolicy } from '../policy/engine.js';
import { processCursorSeal } from './core/cursor-seal.js';
import { Denial } from './core/denial.js';
import { prepareOperation } from './graphql/prepare.js';
import { projectResponse } from './graphql/respond.js';
import { DEMO_POLICY } from './testing/gateway.test-support.js';
import { GatewayModel } from './core/model.js';

const model = new GatewayModel(STANDARD_OBJECTS);
const engine = compilePolicy(DEMO_POLICY);
const junior = DEMO_POLICY.org.members.find((m) => m.role === 'sales-rep' && m.tier === 'junior');
const juniorId = junior?.id ?? '';
const caller = { judge: engine.for(juniorId), policy: DEMO_POLICY, member: juniorId };

const prepare = (query: string) => prepareOperation(parse(query), undefined, {}, caller, model);

describe('duplicates through the gateway', () => {
  it('checks that each id asked about is readable, before the host is asked', () => {
    const prepared = prepare(
      '{ companyDuplicates(ids: ["0b6a6c1e-0000-4000-8000-000000000001"]) { edges { node { id name } } } }',
    );
    expect(prepared.checks).toEqual([
      expect.objectContaining({ kind: 'read', ids: ['0b6a6c1e-0000-4000-8000-000000000001'] }),
    ]);
  });

  it('refuses totalCount and aggregates over duplicates, which count records out of scope', () => {
    for (const field of ['totalCount', 'countEmptyName'])
      expect(() =>
        prepare(`{ companyDuplicates(ids: []) { ${field} edges { node { id } } } }`),
      ).toThrow(Denial);
  });

  it("scopes a duplicate's own relation connections again, and later root fields as usual", () => {
    const prepared = prepare(
      '{ companyDuplicates(ids: []) { edges { node { id people { totalCount } } } } companies { totalCount } }',
    );
    expect(prepared.kind).toBe('query');
    // Both the nested people connection and the root companies read got the scope filter.
    const filters = Object.keys(prepared.variables).filter((name) => name.startsWith('_tg_v'));
    expect(filters).toHaveLength(2);
  });
});

describe('edges asked without their node', () => {
  it('are judged by the record fetched beside them: out of scope, the edge is not served', () => {
    const prepared = prepare('{ companyDuplicates(ids: []) { edges { cursor } } }');
    const outside = { id: 'c-out', accountOwnerId: 'someone-else' };
    const inside = { id: 'c-in', accountOwnerId: caller.member };
    const data = {
      companyDuplicates: [
        {
          edges: [
            {
              cursor: 'cursor-out',
              _tg_node: { ...outside, _tg_accountOwnerId: outside.accountOwnerId },
            },
            {
              cursor: 'cursor-in',
              _tg_node: { ...inside, _tg_accountOwnerId: inside.accountOwnerId },
            },
            { cursor: 'cursor-unjudged' },
          ],
        },
      ],
    };
    const projected = projectResponse(data, prepared, caller, model);
    const served = projected.data as { companyDuplicates: { edges: { cursor: string }[] }[] };
    const edges = served.companyDuplicates[0]?.edges ?? [];
    expect(edges).toHaveLength(1);
    // The one edge served is the record in scope's, its cursor sealed for this member.
    expect(processCursorSeal.open(edges[0]?.cursor ?? '', caller.member, 'company', 'after')).toBe(
      'cursor-in',
    );
    // Its cursor stands for the record: it counts against the export limit as the record would.
    expect(projected.rows).toBe(1);
  });

  it('refuses pageInfo over duplicates, whose cursors point at records out of scope', () => {
    expect(() => prepare('{ companyDuplicates(ids: []) { pageInfo { endCursor } } }')).toThrow(
      /pageInfo over duplicates/,
    );
  });
});
