/**
 * A query reaching, through a relation, an object the member's role may not read at all: the
 * host (Twenty) fails such a query as a whole when its own role forbids the object; the gateway
 * must give nothing of that object either when the policy forbids it, whatever the host's role
 * allows. Each test asks the host directly too, which does answer with the values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectHostShows, who } from '../bypass/bypass.test-support.js';
import { gatewayFixture, type GatewayFixture } from '../testing/gateway.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

function names(object: string): string[] {
  return fx
    .records(object)
    .map((record) => {
      const name = record.name;
      if (typeof name === 'string') return name;
      if (typeof name === 'object' && name !== null && 'lastName' in name)
        return String(name.lastName);
      return '';
    })
    .filter((name) => name.length > 5);
}

describe('a relation to an object the member may not read', () => {
  it('gives a support intern no opportunity through a company', async () => {
    // Support reads every company and person, and no opportunity.
    const support = who(fx, 'support', 'intern');
    const query = {
      query:
        '{ companies(first: 50) { edges { node { id name opportunities(first: 50) { edges { node { name } } } } } } }',
    };
    const opportunityNames = names('opportunity');
    expectHostShows(await fx.graphql(support.token, query, true), opportunityNames);
    const through = await fx.graphql(support.token, query);
    expect(opportunityNames.filter((name) => through.text.includes(name))).toEqual([]);
  });

  it('gives an analyst no person through an opportunity', async () => {
    // Analysts read every company and opportunity, and no person.
    const analyst = who(fx, 'analyst', 'junior');
    const query = {
      query:
        '{ opportunities(first: 50) { edges { node { id name pointOfContact { name { firstName lastName } } } } } }',
    };
    const lastNames = names('person');
    expectHostShows(await fx.graphql(analyst.token, query, true), lastNames);
    const through = await fx.graphql(analyst.token, query);
    expect(lastNames.filter((name) => through.text.includes(name))).toEqual([]);
  });
});
