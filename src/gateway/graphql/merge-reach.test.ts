/**
 * A merge is judged from the policy before the host is asked: an unconditional update scope on
 * the merged object and on every object pointing at it, the pointing relations and every
 * merged field editable on every record. The refusal's words are the same whatever fell short.
 */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { STANDARD_OBJECTS } from '../../host/core-schema/standard-objects.js';
import { compilePolicy } from '../../policy/engine.js';
import { loadPolicy } from '../../policy/load.js';
import type { Policy } from '../../policy/schema.js';
import { DEMO_POLICY, demoPolicyWith } from '../testing/gateway.test-support.js';
import { GatewayModel } from '../core/model.js';
import { Denial } from '../core/denial.js';
import { prepareOperation } from './prepare.js';

const model = new GatewayModel(STANDARD_OBJECTS);

const MERGE_PEOPLE =
  'mutation { mergePeople(ids: ["0b6a6c1e-0000-4000-8000-000000000001", "0b6a6c1e-0000-4000-8000-000000000002"], conflictPriorityIndex: 0) { id } }';

const ALL = { intern: 'all' };
const EDIT = { default: { intern: 'edit' } };

/** Support agents with whole rights on people and deals, changed by `people` and `deals`. */
function supportWith(
  people: Record<string, unknown> = {},
  deals: Record<string, unknown> = {},
): Policy {
  return demoPolicyWith({
    support: {
      person: { read: ALL, update: ALL, delete: ALL, fields: EDIT, ...people },
      opportunity: { read: ALL, update: ALL, fields: EDIT, ...deals },
    },
  });
}

function merge(policy: Policy, role = 'support', query = MERGE_PEOPLE) {
  const member = policy.org.members.find((m) => m.role === role)?.id ?? '';
  const caller = { judge: compilePolicy(policy).for(member), policy, member };
  return () => prepareOperation(parse(query), undefined, {}, caller, model);
}

function refusal(run: () => unknown): Denial {
  try {
    run();
  } catch (error) {
    if (error instanceof Denial) return error;
    throw error;
  }
  throw new Error('the merge was not refused');
}

describe('a merge, judged by everything it writes', () => {
  it('passes with whole rights on the merged object and on every object pointing at it', () => {
    const prepared = merge(supportWith())();
    // The records named are still read and judged one by one before the merge is forwarded.
    expect(prepared.checks).toEqual([expect.objectContaining({ kind: 'merge' })]);
  });

  it('is refused when the merged object can be updated only in a scope', () => {
    const denial = refusal(merge(supportWith({ update: { intern: 'team' } })));
    expect(denial.code).toBe('FORBIDDEN');
    expect(denial.audit).toMatch(/update on person is scoped/);
  });

  it('is refused when a field of the merged object is masked, though the scope is whole', () => {
    const fields = { default: { intern: 'edit' }, emails: { intern: { mask: 'email-domain' } } };
    const denial = refusal(merge(supportWith({ fields })));
    expect(denial.audit).toMatch(/emails/);
  });

  it('is refused when a field of the merged object is only readable or hidden', () => {
    for (const state of ['read', 'hidden']) {
      const fields = { default: { intern: 'edit' }, jobTitle: { intern: state } };
      expect(refusal(merge(supportWith({ fields }))).audit).toMatch(/jobTitle/);
    }
  });

  it('is refused when an object pointing at the merged one can be updated only in a scope', () => {
    const denial = refusal(merge(supportWith({}, { update: { intern: 'own' } })));
    expect(denial.audit).toMatch(/opportunity\.pointOfContact points here/);
  });

  it('is refused when the relation pointing at the merged object is not editable', () => {
    const deals = { fields: { default: { intern: 'edit' }, pointOfContact: { intern: 'read' } } };
    expect(refusal(merge(supportWith({}, deals))).audit).toMatch(/pointOfContact/);
  });

  it('is refused when an object pointing at the merged one cannot be updated at all', () => {
    const policy = demoPolicyWith({
      support: { person: { read: ALL, update: ALL, delete: ALL, fields: EDIT } },
    });
    expect(refusal(merge(policy)).audit).toMatch(/update on opportunity denied/);
  });

  it('words every refusal alike, naming no object, field or rule behind it', () => {
    const messages = new Set(
      [
        supportWith({ update: { intern: 'team' } }),
        supportWith({ fields: { default: { intern: 'edit' }, emails: { intern: 'read' } } }),
        supportWith({}, { update: { intern: 'own' } }),
      ].map((policy) => refusal(merge(policy)).message),
    );
    expect(messages.size).toBe(1);
    const [message] = [...messages];
    expect(message).not.toMatch(/opportunit|emails|scope|team|own\b/i);
  });

  it('judges the governed records a merge of an object left to Twenty would re-point', () => {
    // People left to Twenty; sales managers below director update only their reports' deals.
    const roles = Object.fromEntries(
      Object.entries(DEMO_POLICY.roles).map(([id, role]) => {
        const { person: _person, ...objects } = role.objects;
        return [id, { ...role, objects }];
      }),
    );
    const { person: _person, ...objects } = DEMO_POLICY.objects;
    const policy = loadPolicy(
      JSON.stringify({
        ...DEMO_POLICY,
        objects,
        roles,
        restrictions: DEMO_POLICY.restrictions.map((r) => ({
          ...r,
          objects: r.objects.filter((o) => o !== 'person'),
        })),
        gateway: { nativeObjects: ['person'] },
      }),
    );
    const by = (tier: string) => {
      const member = policy.org.members.find((m) => m.role === 'sales-manager' && m.tier === tier);
      const id = member?.id ?? '';
      const caller = { judge: compilePolicy(policy).for(id), policy, member: id };
      return () => prepareOperation(parse(MERGE_PEOPLE), undefined, {}, caller, model);
    };
    expect(refusal(by('intermediate')).audit).toMatch(/opportunity\.pointOfContact/);
    expect(by('director')().kind).toBe('mutation');
  });
});
