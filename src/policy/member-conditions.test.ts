/**
 * Conditions about the member (`$member.…`), unions of scopes and per-action field rules: the
 * policy language's extensions, each on a small inline policy that shows the rule it checks.
 */
import { describe, expect, it } from 'vitest';
import { compilePolicy, type Engine } from './engine.js';
import { MATCH_NONE } from './host-filter.js';
import { loadPolicy } from './load.js';

const BASE = `
version: 1
tiers: [{ id: junior }, { id: senior }, { id: director }]
objects:
  deal: { owner: [ownerId] }
org:
  teams:
    - { id: sales, children: [emea, apac] }
    - { id: emea }
    - { id: apac }
  members:
    - { id: dana, role: rep, tier: director, teams: [sales], attributes: { region: EU, territories: [FR, DE] } }
    - { id: bob, role: rep, tier: senior, teams: [emea], manager: dana, attributes: { region: EU, territories: [DE] } }
    - { id: alice, role: rep, tier: junior, teams: [emea], manager: bob, attributes: { region: EU } }
    - { id: carol, role: rep, tier: junior, teams: [apac], manager: dana, attributes: { region: APAC } }
    - { id: ian, role: rep, tier: junior }
`;

function engineFor(objectRules: string, extra = ''): Engine {
  return compilePolicy(
    loadPolicy(`${BASE}
roles:
  rep:
    label: Rep
    duties: Sells.
    objects:
      deal:
${objectRules
  .split('\n')
  .map((line) => `        ${line}`)
  .join('\n')}
${extra}`),
  );
}

const deal = (fields: Record<string, unknown>) => ({ id: 'd1', ownerId: 'someone', ...fields });

describe('$member references in a where', () => {
  const engine =
    engineFor(`read: { junior: { scope: all, where: { teamId: { in: $member.teams } } } }
fields: { default: { junior: read } }`);

  it('compare a record field with the member’s own teams', () => {
    expect(
      engine.decide({
        member: 'alice',
        object: 'deal',
        action: 'read',
        record: deal({ teamId: 'emea' }),
      }).effect,
    ).toBe('allow');
    expect(
      engine.decide({
        member: 'alice',
        object: 'deal',
        action: 'read',
        record: deal({ teamId: 'apac' }),
      }).effect,
    ).toBe('deny');
    expect(
      engine.decide({
        member: 'carol',
        object: 'deal',
        action: 'read',
        record: deal({ teamId: 'apac' }),
      }).effect,
    ).toBe('allow');
  });

  it('become the member’s values in the host filter', () => {
    expect(engine.filter({ member: 'alice', object: 'deal', action: 'read' })).toEqual({
      teamId: { in: ['emea'] },
    });
    expect(engine.filter({ member: 'dana', object: 'deal', action: 'read' })).toEqual({
      teamId: { in: ['sales'] },
    });
  });

  it('give a member with no teams no record, with a reason that says so', () => {
    const decision = engine.decide({ member: 'ian', object: 'deal', action: 'read' });
    expect(decision.effect).toBe('deny');
    expect(decision.filter).toBe(MATCH_NONE);
    expect(decision.reasons[0]).toMatch(/selects no record for ian/);
  });

  it('read teamTree as the member’s teams and every team below them', () => {
    const tree = engineFor(
      `read: { junior: { scope: all, where: { teamId: { in: $member.teamTree } } } }`,
    );
    expect(tree.filter({ member: 'dana', object: 'deal', action: 'read' })).toEqual({
      teamId: { in: ['apac', 'emea', 'sales'] },
    });
  });

  it('read reports as the member and everyone below it', () => {
    const reports = engineFor(
      `read: { junior: { scope: all, where: { approverId: { in: $member.reports } } } }`,
    );
    expect(reports.filter({ member: 'bob', object: 'deal', action: 'read' })).toEqual({
      approverId: { in: ['alice', 'bob'] },
    });
  });

  it('compare with an attribute, and with the member’s id and tier', () => {
    const attrs = engineFor(`read:
  junior:
    scope: all
    where:
      or:
        - { region: { eq: $member.attributes.region } }
        - { reviewerId: { eq: $member.id } }
        - { minTier: { eq: $member.tier } }`);
    const read = (member: string, record: Record<string, unknown>) =>
      attrs.decide({ member, object: 'deal', action: 'read', record: deal(record) }).effect;
    expect(read('alice', { region: 'EU' })).toBe('allow');
    expect(read('carol', { region: 'EU' })).toBe('deny');
    expect(read('carol', { reviewerId: 'carol' })).toBe('allow');
    expect(read('bob', { minTier: 'senior' })).toBe('allow');
    // ian has no region: that part compares with nothing, the others still hold.
    expect(read('ian', { region: 'EU' })).toBe('deny');
    expect(read('ian', { reviewerId: 'ian' })).toBe('allow');
    expect(attrs.filter({ member: 'ian', object: 'deal', action: 'read' })).toEqual({
      or: [{ reviewerId: { eq: 'ian' } }, { minTier: { eq: 'junior' } }],
    });
  });

  it('compare a list attribute with in', () => {
    const lists = engineFor(
      `read: { junior: { scope: all, where: { country: { in: $member.attributes.territories } } } }`,
    );
    expect(lists.filter({ member: 'dana', object: 'deal', action: 'read' })).toEqual({
      country: { in: ['FR', 'DE'] },
    });
    expect(
      lists.decide({
        member: 'bob',
        object: 'deal',
        action: 'read',
        record: deal({ country: 'FR' }),
      }).effect,
    ).toBe('deny');
  });

  it('treat a value the member lacks as NULL: unknown even under not, so it grants nothing', () => {
    const negated = engineFor(
      `read: { junior: { scope: all, where: { not: { region: { eq: $member.attributes.region } } } } }`,
    );
    // ian has no region: not (region = NULL) is unknown, never TRUE, so ian reads nothing.
    expect(negated.filter({ member: 'ian', object: 'deal', action: 'read' })).toBe(MATCH_NONE);
    expect(
      negated.decide({
        member: 'ian',
        object: 'deal',
        action: 'read',
        record: deal({ region: 'APAC' }),
      }).effect,
    ).toBe('deny');
    expect(negated.filter({ member: 'alice', object: 'deal', action: 'read' })).toEqual({
      not: { region: { eq: 'EU' } },
    });
  });

  it('treat an empty list as no match: FALSE, and TRUE under not', () => {
    const outside = engineFor(
      `read: { junior: { scope: all, where: { not: { teamId: { in: $member.teams } } } } }`,
    );
    // ian is in no team: every record is outside its teams.
    expect(outside.filter({ member: 'ian', object: 'deal', action: 'read' })).toEqual({});
    expect(outside.filter({ member: 'alice', object: 'deal', action: 'read' })).toEqual({
      not: { teamId: { in: ['emea'] } },
    });
  });
});

describe('$member references in restrictions and when rules', () => {
  it('let a restriction remove only the records of other regions', () => {
    const engine = engineFor(
      `read: { junior: all }`,
      `restrictions:
  - { id: own-region, objects: [deal], actions: [read], where: { region: { neq: $member.attributes.region } } }`,
    );
    const read = (member: string, region: string) =>
      engine.decide({ member, object: 'deal', action: 'read', record: deal({ region }) }).effect;
    expect(read('alice', 'EU')).toBe('allow');
    expect(read('alice', 'APAC')).toBe('deny');
    expect(read('carol', 'APAC')).toBe('allow');
    // A restriction keyed by a value the member lacks removes every record (fail closed).
    expect(read('ian', 'APAC')).toBe('deny');
    expect(engine.filter({ member: 'ian', object: 'deal', action: 'read' })).toBe(MATCH_NONE);
    expect(engine.filter({ member: 'alice', object: 'deal', action: 'read' })).toEqual({
      not: { region: { neq: 'EU' } },
    });
  });

  it('let a when rule cap a field on records outside the member’s region', () => {
    const engine = engineFor(`read: { junior: all }
fields:
  default: { junior: read }
  margin:
    junior: read
    when: [{ if: { region: { neq: $member.attributes.region } }, state: hidden }]`);
    const margin = (member: string, region: string) =>
      engine.fieldState({
        member,
        object: 'deal',
        action: 'read',
        field: 'margin',
        record: deal({ region }),
      });
    expect(margin('alice', 'EU')).toBe('read');
    expect(margin('alice', 'APAC')).toBe('hidden');
    expect(margin('carol', 'APAC')).toBe('read');
    expect(
      engine.project({
        member: 'carol',
        object: 'deal',
        record: deal({ region: 'EU', margin: 3 }),
      }),
    ).not.toHaveProperty('margin');
  });
});

describe('Unions of scopes', () => {
  const engine =
    engineFor(`read: { junior: [own, { scope: all, where: { teamId: { in: $member.teams } } }], senior: [reports, team] }
update: { junior: [own, { scope: team, where: { stage: { eq: OPEN } } }] }`);

  it('allow a record any scope of the list allows', () => {
    const read = (record: Record<string, unknown>) =>
      engine.decide({
        member: 'alice',
        object: 'deal',
        action: 'read',
        record: { id: 'd', ...record },
      }).effect;
    expect(read({ ownerId: 'alice' })).toBe('allow');
    expect(read({ ownerId: 'carol', teamId: 'emea' })).toBe('allow');
    expect(read({ ownerId: 'carol', teamId: 'apac' })).toBe('deny');
  });

  it('hold for actions other than read', () => {
    const update = (record: Record<string, unknown>) =>
      engine.decide({
        member: 'alice',
        object: 'deal',
        action: 'update',
        record: { id: 'd', ...record },
      }).effect;
    expect(update({ ownerId: 'alice', stage: 'WON' })).toBe('allow');
    expect(update({ ownerId: 'bob', stage: 'OPEN' })).toBe('allow');
    expect(update({ ownerId: 'bob', stage: 'WON' })).toBe('deny');
    expect(update({ ownerId: 'carol', stage: 'OPEN' })).toBe('deny');
  });

  it('give a host filter that ORs the scopes, and cite each in the reasons', () => {
    const decision = engine.decide({ member: 'alice', object: 'deal', action: 'read' });
    expect(decision.filter).toEqual({
      or: [{ ownerId: { in: ['alice'] } }, { teamId: { in: ['emea'] } }],
    });
    expect(decision.reasons.join('\n')).toContain(
      'roles.rep.objects.deal.read.junior[0]: scope own',
    );
    expect(decision.reasons.join('\n')).toContain(
      'roles.rep.objects.deal.read.junior[1]: scope all where teamId in $member.teams',
    );
    expect(decision.scope).toBe('all');
  });

  it('take the union of two owner scopes at the tier that lists them', () => {
    const decision = engine.decide({
      member: 'bob',
      object: 'deal',
      action: 'read',
      record: deal({ ownerId: 'alice' }),
    });
    expect(decision.effect).toBe('allow');
    expect(
      engine.decide({
        member: 'bob',
        object: 'deal',
        action: 'read',
        record: deal({ ownerId: 'carol' }),
      }).effect,
    ).toBe('deny');
  });
});

describe('Field rules per action', () => {
  const engine = engineFor(`read: { junior: all }
create: { junior: true }
update: { junior: all }
fields:
  default: { junior: edit }
  amount:
    junior: read
    actions:
      update: { senior: edit }
      create: { junior: edit }`);
  const state = (member: string, action: 'read' | 'create' | 'update') =>
    engine.fieldState({ member, object: 'deal', action, field: 'amount' });

  it('let a junior read a field, set it when creating, and not change it afterwards', () => {
    expect(state('alice', 'read')).toBe('read');
    expect(state('alice', 'create')).toBe('edit');
    expect(state('alice', 'update')).toBe('read');
  });

  it('let the action’s map win from its lowest tier up', () => {
    expect(state('bob', 'update')).toBe('edit');
    expect(state('bob', 'read')).toBe('read');
  });

  it('list the fields a write may set per action', () => {
    const judge = engine.for('alice');
    expect(judge.permittedFields('create', 'deal')).toContain('amount');
    expect(judge.permittedFields('update', 'deal')).not.toContain('amount');
    expect(judge.permittedFields('read', 'deal')).toContain('amount');
  });

  it('cite the per-action rule when explaining a state', () => {
    expect(
      engine.explainField({ member: 'bob', object: 'deal', action: 'update', field: 'amount' }),
    ).toBe('roles.rep.objects.deal.fields.amount.actions.update.senior: amount edit');
  });
});

describe('Validation of the extensions', () => {
  const rejects = (objectRules: string, message: RegExp, extra = '') =>
    expect(() => engineFor(objectRules, extra)).toThrow(message);

  it('rejects an unknown member reference with the nearest one', () => {
    rejects(
      `read: { junior: { scope: all, where: { teamId: { in: $member.team } } } }`,
      /"\$member\.team" is not a member reference \(did you mean "\$member\.teams"\?\)/,
    );
  });

  it('rejects a list reference compared with one value', () => {
    rejects(
      `read: { junior: { scope: all, where: { teamId: { eq: $member.teams } } } }`,
      /\$member\.teams is a list of ids: compare it with in/,
    );
  });

  it('rejects an attribute no member has, and a list attribute compared with one value', () => {
    rejects(
      `read: { junior: { scope: all, where: { region: { eq: $member.attributes.regoin } } } }`,
      /no member has the attribute "regoin".*did you mean "\$member\.attributes\.region"/,
    );
    rejects(
      `read: { junior: { scope: all, where: { country: { eq: $member.attributes.territories } } } }`,
      /territories is a list for member "dana", so it can only be compared with in/,
    );
  });

  it('rejects a reference inside a list, an empty union and an unknown tier in a per-action map', () => {
    rejects(
      `read: { junior: { scope: all, where: { teamId: { in: [$member.id, x] } } } }`,
      /a member reference is a value of its own/,
    );
    rejects(`read: { junior: [] }`, /a list of scopes needs at least one scope/);
    rejects(
      `fields: { amount: { junior: read, actions: { update: { seinor: edit } } } }`,
      /fields\.amount\.actions\.update\.seinor: unknown tier "seinor"; did you mean "senior"/,
    );
    rejects(
      `fields: { amount: { junior: read, actions: { updte: { senior: edit } } } }`,
      /unknown key "updte"; did you mean "update"/,
    );
  });
});
