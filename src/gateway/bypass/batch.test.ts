/**
 * §12 of the bypass suite with batching on: a gateway whose policy admits five operations per request
 * still enforces each operation of a batch on its own. (The default of one operation per
 * request is tested in src/gateway/bypass.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_POLICY,
  gatewayFixture,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import { distinctNames, expectNoLeak, idOf, split, type Row } from './bypass.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture({
    policy: {
      ...DEMO_POLICY,
      gateway: {
        apiKeys: DEMO_POLICY.gateway?.apiKeys ?? {},
        nativeObjects: [],
        limits: { ...DEMO_POLICY.gateway?.limits, maxOperationsPerBatch: 5 },
      },
    },
  });
}, 60_000);
afterAll(async () => fx.close());

interface BatchItem {
  data?: Record<string, unknown> | null;
  errors?: { message: string }[];
}

describe('§13 a batch of operations, each enforced on its own', () => {
  it('answers the allowed query of a batch and nothing of the IDOR query beside it', async () => {
    const member = fx.member('sales-rep', 'junior');
    const token = fx.tokenOf(member.id);
    const { inside, outside } = split(fx, member.id, 'company');
    const names = distinctNames(outside, inside);
    const target = outside.find((c) => names.includes(String(c.name))) as Row;
    const own = inside[0] as Row;
    const batch = [
      { query: `{ company(filter: { id: { eq: "${idOf(own)}" } }) { id name } }` },
      { query: `{ company(filter: { id: { eq: "${idOf(target)}" } }) { id name } }` },
      {
        query:
          'query($f: CompanyFilterInput) { companies(first: 200, filter: $f) { edges { node { id name } } } }',
        variables: { f: { id: { in: outside.map(idOf) } } },
      },
      {
        query:
          '{ companies(first: 0, filter: { annualRecurringRevenue: { amountMicros: { gt: 0 } } }) { totalCount } }',
      },
    ];
    const through = await fx.graphql(token, batch);
    const answers = through.body as unknown as BatchItem[];
    expect(answers).toHaveLength(4);
    expect((answers[0]?.data?.company as Row | null)?.id).toBe(idOf(own));
    expect(answers[1]?.data?.company ?? null).toBeNull();
    expect(answers[2]?.data?.companies).toEqual({ edges: [] });
    expect(answers[3]?.errors?.[0]?.message).toContain('Permission denied');
    expectNoLeak(through, [idOf(target), ...outside.map(idOf), ...names]);

    // The host, asked each operation on its own, does answer with them.
    const direct = await Promise.all(batch.map((item) => fx.graphql(token, item, true)));
    const text = direct.map((answer) => answer.text).join('\n');
    expect(names.some((name) => text.includes(name))).toBe(true);
    expect(text).toContain(idOf(target));
  });

  it('enforces a mutation in a batch on its own, beside a harmless query', async () => {
    const member = fx.member('sales-rep', 'junior');
    const token = fx.tokenOf(member.id);
    const { outside } = split(fx, member.id, 'company', 'update');
    const target = outside[0] as Row;
    const before = fx.records('company').find((c) => c.id === target.id);
    const batch = [
      { query: '{ companies(first: 1) { edges { node { id } } } }' },
      {
        query: `mutation { updateCompany(id: "${idOf(target)}", data: { name: "pwned by batch" }) { id name } }`,
      },
    ];
    const through = await fx.graphql(token, batch);
    const answers = through.body as unknown as BatchItem[];
    expect(answers[1]?.errors?.[0]?.message).toContain('Permission denied');
    expect(fx.records('company').find((c) => c.id === target.id)).toEqual(before);
    expect(through.text).not.toContain('pwned by batch"}');
  });
});
