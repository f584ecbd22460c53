/**
 * Objects the policy leaves to Twenty (`gateway.nativeObjects`): what Twenty's web app reads
 * beside records passes, while governed records reached from them are still judged; any other
 * object outside the policy is refused; and an object cannot be both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import { PolicyError } from '../policy/errors.js';
import { stringify } from 'yaml';
import {
  DEMO_POLICY,
  gatewayFixture,
  type GatewayFixture,
} from './testing/gateway.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture({
    policy: {
      ...DEMO_POLICY,
      gateway: { apiKeys: {}, limits: {}, nativeObjects: ['workspaceMember'] },
    },
    counts: { companies: 60, people: 20, opportunities: 20 },
  });
}, 60_000);
afterAll(async () => fx.close());

interface Members {
  workspaceMembers: {
    edges: {
      node: {
        id: string;
        userEmail: string;
        accountOwnerForCompanies: { totalCount: number; edges: { node: { id: string } }[] };
      };
    }[];
  };
}

describe('objects left to Twenty', () => {
  it("pass with Twenty's answer, while the companies they lead to are judged by the policy", async () => {
    const intern = fx.member('sales-rep', 'intern');
    const answer = await fx.graphql(fx.tokenOf(intern.id), {
      query:
        '{ workspaceMembers(first: 100) { edges { node { id userEmail accountOwnerForCompanies(first: 100) { totalCount edges { node { id } } } } } } }',
    });
    expect(answer.body.errors).toBeUndefined();
    const members = (answer.body.data as unknown as Members).workspaceMembers.edges;
    expect(members.length).toBe(fx.sandbox.state().members.length);
    expect(members.every((m) => m.node.userEmail.includes('@'))).toBe(true);
    const allowed = new Set(
      fx
        .records('company')
        .filter(
          (record) =>
            fx.engine.decide({ member: intern.id, object: 'company', action: 'read', record })
              .effect === 'allow',
        )
        .map((r) => r.id as string),
    );
    const reached = members.flatMap((m) =>
      m.node.accountOwnerForCompanies.edges.map((e) => e.node.id),
    );
    const counted = members.reduce((sum, m) => sum + m.node.accountOwnerForCompanies.totalCount, 0);
    expect(allowed.size).toBeLessThan(60);
    expect(new Set(reached)).toEqual(allowed);
    expect(counted).toBe(allowed.size);
  });

  it('refuses an object outside the policy that is not listed as native', async () => {
    const strict = await gatewayFixture({ counts: { companies: 5, people: 5, opportunities: 5 } });
    try {
      const intern = strict.member('sales-rep', 'intern');
      const answer = await strict.graphql(strict.tokenOf(intern.id), {
        query: '{ workspaceMembers { edges { node { id } } } }',
      });
      expect(answer.body.errors?.[0]?.message).toContain(
        'Permission denied: this member may not read workspaceMember records',
      );
    } finally {
      await strict.close();
    }
  });

  it('will not leave to Twenty an object the policy governs', () => {
    const text = stringify({ ...DEMO_POLICY, gateway: { nativeObjects: ['company'] } });
    let error: unknown;
    try {
      loadPolicy(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).issues).toContainEqual(
      expect.objectContaining({
        path: 'gateway.nativeObjects[0]',
        message: 'company is governed by the policy, so the gateway cannot leave it to Twenty',
      }),
    );
  });
});
