/**
 * A merge writes beyond the records it names: Twenty moves every record pointing at a losing
 * record to the surviving one, and copies the losers' values into the survivor
 * (src/sandbox/core/merge.ts). So rights on the merged records alone do not allow it: a
 * sales manager who may update and delete their reports' people must not, by merging two of
 * them, re-point another team's deal. Through GraphQL and REST, against the sandbox: a refused
 * merge changes nothing on the host, and a member with full rights still merges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../policy/schema.js';
import {
  DEMO_POLICY,
  demoPolicyWith,
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from './testing/gateway.test-support.js';
import { expectPermissionDenied, idOf, split, type Row } from './bypass/bypass.test-support.js';

/** The demo policy, with sales managers also allowed to delete people (their reports', or all). */
function managersDeletePeople(): Policy {
  const objects = DEMO_POLICY.roles['sales-manager']?.objects ?? {};
  return demoPolicyWith({
    'sales-manager': {
      ...objects,
      person: { ...objects.person, delete: { intermediate: 'reports', director: 'all' } },
    },
  });
}

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture({ policy: managersDeletePeople() });
}, 60_000);
afterAll(async () => fx.close());

const MERGE =
  'mutation($ids: [UUID!]!) { mergePeople(ids: $ids, conflictPriorityIndex: 0) { id } }';

const live = (rows: readonly Row[]): Row[] => rows.filter((r) => (r.deletedAt ?? null) === null);

const directorToken = () => fx.tokenOf(fx.member('sales-manager', 'director').id);

/** Everything the merge could touch, as stored now. */
function hostState(): string {
  return JSON.stringify({ person: fx.records('person'), opportunity: fx.records('opportunity') });
}

/**
 * A sales manager of the intermediate tier, two live people they may update and delete, and a
 * live deal of another team (outside their update reach) made, directly on the host, to point
 * at the second person: the record a merge keeping the first would re-point.
 */
async function reportsScenario(taken: ReadonlySet<string>) {
  for (const member of fx.policy.org.members) {
    if (member.role !== 'sales-manager' || member.tier !== 'intermediate') continue;
    const removable = new Set(split(fx, member.id, 'person', 'delete').inside.map(idOf));
    const people = live(split(fx, member.id, 'person', 'update').inside).filter(
      (p) => removable.has(idOf(p)) && !taken.has(idOf(p)),
    );
    const deal = live(split(fx, member.id, 'opportunity', 'update').outside).find(
      (o) => !taken.has(idOf(o)),
    );
    if (people.length < 2 || !deal) continue;
    const [keep, lose] = people as [Row, Row];
    const pointed = await fx.graphql(
      directorToken(),
      {
        query:
          'mutation($id: UUID!, $to: UUID!) { updateOpportunity(id: $id, data: { pointOfContactId: $to }) { id } }',
        variables: { id: idOf(deal), to: idOf(lose) },
      },
      true,
    );
    expect(pointed.body.errors).toBeUndefined();
    return { token: fx.tokenOf(member.id), keep: idOf(keep), lose: idOf(lose), deal: idOf(deal) };
  }
  throw new Error('no intermediate sales manager may update and delete two people');
}

function pointOfContact(deal: string): unknown {
  return fx.records('opportunity').find((o) => o.id === deal)?.pointOfContactId;
}

function expectRestPermissionRefusal(answer: Answer): void {
  expect(answer.status).toBe(400);
  expect(Object.keys(answer.body).sort()).toEqual(['error', 'messages', 'statusCode']);
}

const used = new Set<string>();

describe('merging records that other records point to', () => {
  it("refuses over GraphQL a merge that would re-point another team's deal, changing nothing", async () => {
    const scene = await reportsScenario(used);
    [scene.keep, scene.lose, scene.deal].forEach((id) => used.add(id));
    const before = hostState();
    const answer = await fx.graphql(scene.token, {
      query: MERGE,
      variables: { ids: [scene.keep, scene.lose] },
    });
    expectPermissionDenied(answer);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The refusal names no object or field that would have allowed it: the policy stays private.
    expect(answer.text).not.toMatch(/opportunit|pointOfContact|reports|director/i);
    expect(hostState()).toBe(before);
    expect(pointOfContact(scene.deal)).toBe(scene.lose);
  });

  it('refuses the same merge through PATCH /rest/people/merge, changing nothing', async () => {
    const scene = await reportsScenario(used);
    [scene.keep, scene.lose, scene.deal].forEach((id) => used.add(id));
    const before = hostState();
    const answer = await fx.rest(scene.token, 'PATCH', '/rest/people/merge', {
      ids: [scene.keep, scene.lose],
      conflictPriorityIndex: 0,
    });
    expectRestPermissionRefusal(answer);
    expect(answer.text).not.toMatch(/opportunit|pointOfContact|reports|director/i);
    expect(hostState()).toBe(before);
    expect(pointOfContact(scene.deal)).toBe(scene.lose);
  });

  it('refuses a dry run too, whose preview carries the losing records’ values', async () => {
    const scene = await reportsScenario(used);
    [scene.keep, scene.lose, scene.deal].forEach((id) => used.add(id));
    const answer = await fx.graphql(scene.token, {
      query:
        'mutation($ids: [UUID!]!) { mergePeople(ids: $ids, conflictPriorityIndex: 0, dryRun: true) { id } }',
      variables: { ids: [scene.keep, scene.lose] },
    });
    expectPermissionDenied(answer);
  });

  it('lets a member with full rights merge, over GraphQL and REST, re-pointing the deal', async () => {
    const director = directorToken();
    for (const via of ['graphql', 'rest'] as const) {
      const scene = await reportsScenario(used);
      [scene.keep, scene.lose, scene.deal].forEach((id) => used.add(id));
      const answer =
        via === 'graphql'
          ? await fx.graphql(director, {
              query: MERGE,
              variables: { ids: [scene.keep, scene.lose] },
            })
          : await fx.rest(director, 'PATCH', '/rest/people/merge', {
              ids: [scene.keep, scene.lose],
              conflictPriorityIndex: 0,
            });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.errors, answer.text).toBeUndefined();
      expect(pointOfContact(scene.deal)).toBe(scene.keep);
      expect(fx.records('person').find((p) => p.id === scene.lose)?.deletedAt).not.toBeNull();
    }
  });
});
