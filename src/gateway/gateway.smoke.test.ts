import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFixture, type GatewayFixture } from './testing/gateway.test-support.js';

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

describe('the REST API through the gateway', () => {
  it('lists only the companies in scope, with fields hidden left out', async () => {
    const intern = fx.member('sales-rep', 'intern');
    const token = fx.tokenOf(intern.id);
    const through = await fx.rest(token, 'GET', '/rest/companies?limit=200');
    expect(through.status).toBe(200);
    const companies = (through.body.data?.companies ?? []) as Record<string, unknown>[];
    const allowed = fx
      .records('company')
      .filter(
        (record) =>
          fx.engine.decide({ member: intern.id, object: 'company', action: 'read', record })
            .effect === 'allow',
      )
      .map((r) => r.id as string)
      .sort();
    expect(companies.map((c) => c.id).sort()).toEqual(allowed);
    expect(companies.every((c) => !('annualRecurringRevenue' in c))).toBe(true);
    const direct = await fx.rest(token, 'GET', '/rest/companies?limit=200', undefined, true);
    const all = (direct.body.data?.companies ?? []) as Record<string, unknown>[];
    expect(all.length).toBe(80);
    expect(all.some((c) => 'annualRecurringRevenue' in c)).toBe(true);
  });
});
