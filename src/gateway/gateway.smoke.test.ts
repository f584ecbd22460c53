import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFixture, type GatewayFixture } from './gateway.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

describe('the gateway in front of the sandbox', () => {
  it('gives a junior rep exactly the companies the engine allows, and the host alone gives all', async () => {
    const junior = fx.member('sales-rep', 'junior');
    const token = fx.tokenOf(junior.id);
    const query = { query: '{ companies(first: 200) { edges { node { id name } } } }' };
    const through = await fx.graphql(token, query);
    expect(through.body.errors).toBeUndefined();
    const ids = (through.body.data?.companies as { edges: { node: { id: string } }[] }).edges
      .map((e) => e.node.id)
      .sort();
    const allowed = fx
      .records('company')
      .filter(
        (record) =>
          fx.engine.decide({ member: junior.id, object: 'company', action: 'read', record })
            .effect === 'allow',
      )
      .map((r) => r.id as string)
      .sort();
    expect(allowed.length).toBeGreaterThan(0);
    expect(ids).toEqual(allowed);
    const direct = await fx.graphql(token, query, true);
    expect((direct.body.data?.companies as { edges: unknown[] }).edges.length).toBe(80);
  });
});
