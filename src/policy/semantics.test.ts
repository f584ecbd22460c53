/**
 * One test (or a few) per clause of POLICY.md §2, named after the clause, on small policies
 * written inline so each test shows the rule it checks.
 */
import { describe, expect, it } from 'vitest';
import { compileCondition } from './condition.js';
import { compilePolicy, type Engine } from './engine.js';
import { loadPolicy } from './load.js';
import type { Action } from './schema.js';

const BASE = `
version: 1
tiers: [{ id: intern }, { id: junior }, { id: intermediate }, { id: senior }, { id: director }]
objects:
  opportunity: { owner: [ownerId] }
  person: { owner: [createdBy.workspaceMemberId] }
  note: {}
org:
  teams:
    - { id: sales, children: [emea, apac] }
    - { id: emea, children: [emea-north] }
    - { id: emea-north }
    - { id: apac }
  members:
    - { id: dana, role: rep, tier: director, teams: [sales] }
    - { id: bob, role: rep, tier: senior, teams: [emea], manager: dana }
    - { id: alice, role: rep, tier: junior, teams: [emea], manager: bob }
    - { id: erin, role: rep, tier: junior, teams: [emea-north], manager: alice }
    - { id: carol, role: rep, tier: junior, teams: [apac], manager: dana }
    - { id: ian, role: rep, tier: intern, teams: [apac] }
    - { id: ann, role: analyst, tier: intermediate }
`;

function engineFor(
  roles: string,
  extra = '',
  options: Parameters<typeof compilePolicy>[1] = {},
): Engine {
  return compilePolicy(loadPolicy(`${BASE}\nroles:\n${roles}\n${extra}`), options);
}

const REP_READS = (read: string) => `
  rep:
    label: Rep
    duties: Sells.
    objects:
      opportunity:
        read: ${read}
        fields: { default: { intern: read } }
  analyst:
    label: Analyst
    duties: Reports.
    objects: {}
`;

const opp = (ownerId: string | null, extra: Record<string, unknown> = {}) => ({
  id: 'o1',
  ownerId,
  ...extra,
});
const decideOpp = (engine: Engine, member: string, action: Action) =>
  engine.decide({ member, object: 'opportunity', action });
const readOpp = (engine: Engine, member: string, record?: Record<string, unknown>) =>
  engine.decide({ member, object: 'opportunity', action: 'read', record });

describe('Deny by default', () => {
  it('denies with the reason no-rule when nothing grants the action', () => {
    const engine = engineFor(REP_READS('{ junior: own }'));
    const decision = decideOpp(engine, 'alice', 'delete');
    expect(decision.effect).toBe('deny');
    expect(decision.reasons[0]).toMatch(/^no-rule: /);
    expect(decision.filter).toEqual({ id: { is: 'NULL' } });
  });

  it('denies an unknown member, object and action, saying which', () => {
    const engine = engineFor(REP_READS('{ junior: all }'));
    expect(decideOpp(engine, 'mallory', 'read').reasons[0]).toMatch(/^unknown-member/);
    expect(
      engine.decide({ member: 'alice', object: 'invoice', action: 'read' }).reasons[0],
    ).toMatch(/^unknown-object/);
    // A caller bypassing the types must still get a denial, not an exception.
    const action = 'approve' as unknown as 'read';
    expect(engine.decide({ member: 'alice', object: 'opportunity', action }).reasons[0]).toMatch(
      /^unknown-action/,
    );
  });
});

describe('Tier maps', () => {
  const engine = engineFor(REP_READS('{ junior: own, senior: team }'));

  it('give a member the value of the highest tier key at or below its tier', () => {
    expect(readOpp(engine, 'alice').scope).toBe('own');
    expect(readOpp(engine, 'bob').scope).toBe('team');
  });

  it('carry a grant at junior up to intermediate unless intermediate says otherwise', () => {
    const withIntermediate = engineFor(REP_READS('{ junior: own }'), '', {});
    const policy = withIntermediate.policy;
    const promoted = compilePolicy({
      ...policy,
      org: {
        ...policy.org,
        members: policy.org.members.map((m) =>
          m.id === 'alice' ? { ...m, tier: 'intermediate' } : m,
        ),
      },
    });
    expect(readOpp(promoted, 'alice').scope).toBe('own');
    const overridden = engineFor(REP_READS('{ junior: own, intermediate: none }'));
    expect(readOpp(overridden, 'alice').scope).toBe('own');
    const demoted = compilePolicy({
      ...overridden.policy,
      org: {
        ...overridden.policy.org,
        members: overridden.policy.org.members.map((m) =>
          m.id === 'alice' ? { ...m, tier: 'intermediate' } : m,
        ),
      },
    });
    expect(readOpp(demoted, 'alice').effect).toBe('deny');
  });

  it('give nothing to tiers lower than the lowest key', () => {
    const decision = readOpp(engine, 'ian');
    expect(decision.effect).toBe('deny');
    expect(decision.reasons).toContain('tier junior would allow own');
  });
});

describe('Actions', () => {
  const engine = engineFor(`
  rep:
    label: Rep
    duties: Sells.
    objects:
      opportunity:
        read: { junior: own }
        create: { junior: true, senior: false }
        update: { junior: { scope: own, where: { stage: { neq: WON } } } }
        delete: { senior: own }
        destroy: { director: all }
        export: { senior: true }
  analyst: { label: Analyst, duties: Reports., objects: {} }`);

  it('take true or false for create and export', () => {
    expect(decideOpp(engine, 'alice', 'create').effect).toBe('allow');
    expect(decideOpp(engine, 'bob', 'create').effect).toBe('deny');
    expect(decideOpp(engine, 'alice', 'export').effect).toBe('deny');
    expect(decideOpp(engine, 'bob', 'export').effect).toBe('allow');
  });

  it('take a scope or { scope, where } for read, update, delete and destroy', () => {
    expect(decideOpp(engine, 'alice', 'update').where).toEqual({ stage: { neq: 'WON' } });
    expect(decideOpp(engine, 'bob', 'delete').scope).toBe('own');
    expect(decideOpp(engine, 'dana', 'destroy').scope).toBe('all');
    expect(decideOpp(engine, 'bob', 'destroy').effect).toBe('deny');
  });

  it('reject a scope where a boolean is expected, and the reverse', () => {
    expect(() => engineFor(REP_READS('{ junior: true }'))).toThrow(/expected a scope/);
    expect(() =>
      engineFor(`
  rep: { label: Rep, duties: Sells., objects: { opportunity: { create: { junior: own } } } }
  analyst: { label: Analyst, duties: Reports., objects: {} }`),
    ).toThrow(/create\.junior: /);
  });
});

describe('Record scopes', () => {
  const scoped = (scope: string) => engineFor(REP_READS(`{ junior: ${scope} }`));

  it('none: never', () => {
    expect(readOpp(scoped('none'), 'alice', opp('alice')).effect).toBe('deny');
  });

  it('own: an owner field is the member', () => {
    const engine = scoped('own');
    expect(readOpp(engine, 'alice', opp('alice')).effect).toBe('allow');
    expect(readOpp(engine, 'alice', opp('erin')).effect).toBe('deny');
    expect(readOpp(engine, 'alice').filter).toEqual({ ownerId: { in: ['alice'] } });
  });

  it('reports: the member or anyone below it in the manager tree, at any depth', () => {
    const engine = scoped('reports');
    expect(readOpp(engine, 'bob', opp('erin')).effect).toBe('allow'); // bob > alice > erin
    expect(readOpp(engine, 'bob', opp('carol')).effect).toBe('deny');
    expect(readOpp(engine, 'bob').filter).toEqual({ ownerId: { in: ['alice', 'bob', 'erin'] } });
  });

  it("team: a member of one of the member's teams", () => {
    const engine = scoped('team');
    expect(readOpp(engine, 'alice', opp('bob')).effect).toBe('allow'); // both in emea
    expect(readOpp(engine, 'alice', opp('erin')).effect).toBe('deny'); // emea-north is below emea
  });

  it("teamTree: a member of one of the member's teams or of any team below them", () => {
    const engine = scoped('teamTree');
    expect(readOpp(engine, 'alice', opp('erin')).effect).toBe('allow');
    expect(readOpp(engine, 'alice', opp('carol')).effect).toBe('deny');
    expect(readOpp(engine, 'dana', opp('carol')).effect).toBe('allow'); // sales > apac
  });

  it('all: always', () => {
    const engine = scoped('all');
    expect(readOpp(engine, 'alice', opp('carol')).effect).toBe('allow');
    expect(readOpp(engine, 'alice').filter).toEqual({});
  });

  it('match any of several owner fields, including a composite path', () => {
    const engine = engineFor(`
  rep: { label: Rep, duties: Sells., objects: { person: { read: { junior: own } } } }
  analyst: { label: Analyst, duties: Reports., objects: {} }`);
    const decide = (record: Record<string, unknown>) =>
      engine.decide({ member: 'alice', object: 'person', action: 'read', record }).effect;
    expect(decide({ createdBy: { workspaceMemberId: 'alice' } })).toBe('allow');
    expect(decide({ createdBy: { workspaceMemberId: 'bob' } })).toBe('deny');
    expect(engine.filter({ member: 'alice', object: 'person', action: 'read' })).toEqual({
      createdBy: { workspaceMemberId: { in: ['alice'] } },
    });
  });

  it('put a record with no owner value in scope only for all', () => {
    for (const scope of ['own', 'reports', 'team', 'teamTree']) {
      expect(readOpp(scoped(scope), 'dana', opp(null)).effect, scope).toBe('deny');
      expect(readOpp(scoped(scope), 'dana', { id: 'o2' }).effect, scope).toBe('deny');
    }
    expect(readOpp(scoped('all'), 'dana', opp(null)).effect).toBe('allow');
  });

  it('need owner fields on the object for every scope but all and none', () => {
    expect(() =>
      engineFor(`
  rep: { label: Rep, duties: Sells., objects: { note: { read: { junior: own } } } }
  analyst: { label: Analyst, duties: Reports., objects: {} }`),
    ).toThrow(/roles\.rep\.objects\.note\.read\.junior: scope own needs owner fields/);
  });
});

describe('where narrows a scope with a record condition', () => {
  const engine = engineFor(
    REP_READS('{ junior: { scope: own, where: { stage: { neq: LOST } } } }'),
  );

  it('allows a record in scope that matches the condition and denies one that does not', () => {
    expect(readOpp(engine, 'alice', opp('alice', { stage: 'NEW' })).effect).toBe('allow');
    expect(readOpp(engine, 'alice', opp('alice', { stage: 'LOST' })).effect).toBe('deny');
    expect(readOpp(engine, 'alice', opp('bob', { stage: 'NEW' })).effect).toBe('deny');
  });

  it("treats a comparison with a missing value as unknown, as the host's SQL does", () => {
    expect(readOpp(engine, 'alice', opp('alice')).effect).toBe('deny');
  });

  it('compiles scope and where into one host filter', () => {
    expect(readOpp(engine, 'alice').filter).toEqual({
      and: [{ ownerId: { in: ['alice'] } }, { stage: { neq: 'LOST' } }],
    });
  });
});

describe('Conditions use the host filter language', () => {
  const truth = (condition: Record<string, unknown>, record: Record<string, unknown>) =>
    compileCondition(condition)(record);

  it('nest composite sub-fields', () => {
    expect(truth({ amount: { amountMicros: { gt: 1 } } }, { amount: { amountMicros: 2 } })).toBe(
      true,
    );
    expect(truth({ amount: { amountMicros: { gt: 1 } } }, { amount: { amountMicros: 1 } })).toBe(
      false,
    );
  });

  it('combine with and, or and not under three-valued logic', () => {
    const record = { stage: 'WON', city: null };
    expect(truth({ and: [{ stage: { eq: 'WON' } }, { city: { eq: 'Paris' } }] }, record)).toBe(
      null,
    );
    expect(truth({ or: [{ stage: { eq: 'WON' } }, { city: { eq: 'Paris' } }] }, record)).toBe(true);
    expect(truth({ not: { city: { eq: 'Paris' } } }, record)).toBe(null);
    expect(truth({ not: { stage: { eq: 'LOST' } } }, record)).toBe(true);
  });

  it('read a NULL in an in list as SQL does: a match is TRUE, no match is unknown, never FALSE', () => {
    expect(truth({ s: { in: ['a', null] } }, { s: 'a' })).toBe(true);
    expect(truth({ s: { in: ['a', null] } }, { s: 'null' })).toBe(null);
    expect(truth({ not: { s: { in: ['a', null] } } }, { s: 'b' })).toBe(null);
    expect(truth({ s: { in: ['a'] } }, { s: 'b' })).toBe(false);
  });

  it('tell a policy author to quote NULL, which YAML reads as null', () => {
    expect(() =>
      engineFor(REP_READS('{ junior: { scope: all, where: { stage: { is: NULL } } } }')),
    ).toThrow(/quote it, as is: "NULL"/);
  });

  it('support eq neq in gt gte lt lte like ilike startsWith is', () => {
    const r = { n: 5, s: 'Acme Corp' };
    expect(truth({ n: { eq: 5 } }, r)).toBe(true);
    expect(truth({ n: { neq: 5 } }, r)).toBe(false);
    expect(truth({ n: { in: [1, 5] } }, r)).toBe(true);
    expect(truth({ n: { gt: 5 } }, r)).toBe(false);
    expect(truth({ n: { gte: 5 } }, r)).toBe(true);
    expect(truth({ n: { lt: 6 } }, r)).toBe(true);
    expect(truth({ n: { lte: 4 } }, r)).toBe(false);
    expect(truth({ s: { like: 'Acme%' } }, r)).toBe(true);
    expect(truth({ s: { like: 'acme%' } }, r)).toBe(false);
    expect(truth({ s: { ilike: '%CORP' } }, r)).toBe(true);
    expect(truth({ s: { startsWith: 'Acme' } }, r)).toBe(true);
    expect(truth({ s: { is: 'NULL' } }, r)).toBe(false);
    expect(truth({ missing: { is: 'NULL' } }, r)).toBe(true);
    expect(truth({ s: { is: 'NOT_NULL' } }, r)).toBe(true);
  });

  it('reject a bad operator, two operators on one field, and an empty in list', () => {
    expect(() =>
      engineFor(REP_READS('{ junior: { scope: own, where: { stage: { equals: WON } } } }')),
    ).toThrow(/where\.stage\.equals: "equals" is neither an operator \(eq, neq/);
    expect(() =>
      engineFor(REP_READS('{ junior: { scope: own, where: { n: { gt: 1, lt: 5 } } } }')),
    ).toThrow(/has 2 operators/);
    expect(() =>
      engineFor(REP_READS('{ junior: { scope: own, where: { n: { in: [] } } } }')),
    ).toThrow(/non-empty list/);
  });
});

const FIELDS_ROLE = `
  rep:
    label: Rep
    duties: Sells.
    objects:
      person:
        read: { intern: all }
        fields:
          default: { intern: read, senior: edit }
          phones: { intern: hidden, junior: { mask: last4 }, senior: read }
          emails: { junior: { mask: email-domain } }
          name: { intern: { mask: initials }, junior: read }
          jobTitle: { intern: { mask: redact }, junior: read }
          city:
            junior: read
            when:
              - { if: { city: { eq: Secret } }, below: senior, state: hidden }
          phones.primaryPhoneCountryCode: { junior: read }
  analyst: { label: Analyst, duties: Reports., objects: { person: { read: { intern: all } } } }`;

describe('Field states', () => {
  const engine = engineFor(FIELDS_ROLE);
  const states = (member: string, record?: Record<string, unknown>) =>
    engine.fieldStates({ member, object: 'person', action: 'read', record });
  const project = (member: string, record: Record<string, unknown>) =>
    engine.project({ member, object: 'person', record });

  it('follow the tier map per field: hidden, masked, read, edit', () => {
    expect(states('ian')).toMatchObject({
      phones: 'hidden',
      name: 'masked',
      jobTitle: 'masked',
      createdBy: 'read',
    });
    expect(states('alice')).toMatchObject({
      phones: 'masked',
      emails: 'masked',
      name: 'read',
      createdBy: 'read',
    });
    expect(states('bob')).toMatchObject({ phones: 'read', emails: 'masked', createdBy: 'edit' });
  });

  it('give unlisted fields the default, and hide them without one', () => {
    expect(
      engine.fieldState({ member: 'bob', object: 'person', action: 'read', field: 'linkedinLink' }),
    ).toBe('edit');
    // The analyst's person rules have no fields section: everything but id is hidden.
    expect(states('ann')).toMatchObject({ phones: 'hidden', city: 'hidden', id: 'read' });
  });

  it('hide a listed field below its lowest key even when default would show it', () => {
    expect(
      engine.fieldState({ member: 'ian', object: 'person', action: 'read', field: 'emails' }),
    ).toBe('hidden');
  });

  it('always let a member who may read the record read id', () => {
    expect(project('ann', { id: 'p1', city: 'Paris' })).toEqual({ id: 'p1' });
  });

  it('apply masks: last4, email-domain, initials, redact, inside composite fields too', () => {
    const record = {
      id: 'p1',
      phones: {
        primaryPhoneNumber: '5550101',
        primaryPhoneCountryCode: '+33',
        additionalPhones: ['5559876'],
      },
      emails: { primaryEmail: 'alice@acme.test', additionalEmails: ['a@b.test'] },
      name: { firstName: 'alice', lastName: 'Smith' },
      jobTitle: 'Head of Sales',
    };
    expect(project('alice', record)).toMatchObject({
      phones: {
        primaryPhoneNumber: '••••0101',
        primaryPhoneCountryCode: '••••',
        additionalPhones: ['••••9876'],
      },
      emails: { primaryEmail: '•••@acme.test', additionalEmails: ['•••@b.test'] },
    });
    expect(project('ian', record)).toMatchObject({
      name: { firstName: 'A.', lastName: 'S.' },
      jobTitle: '•••',
    });
    expect(project('ian', record)).not.toHaveProperty('phones.primaryPhoneNumber');
  });

  it('let a sub-field rule narrow its field but never widen it', () => {
    // intern: phones hidden, so the country code stays hidden despite its junior: read rule.
    expect(
      engine.fieldState({
        member: 'ian',
        object: 'person',
        action: 'read',
        field: 'phones.primaryPhoneCountryCode',
      }),
    ).toBe('hidden');
    expect(
      engine.fieldState({
        member: 'alice',
        object: 'person',
        action: 'read',
        field: 'phones.primaryPhoneCountryCode',
      }),
    ).toBe('masked');
  });

  it('apply a when rule to a record below its tier, not at or above it', () => {
    const secret = { id: 'p1', city: 'Secret' };
    expect(states('alice', secret).city).toBe('hidden');
    expect(states('alice', { id: 'p2', city: 'Paris' }).city).toBe('read');
    expect(states('bob', secret).city).toBe('read');
    expect(project('alice', secret)).not.toHaveProperty('city');
    expect(project('bob', secret)?.city).toBe('Secret');
  });

  it("apply a field's when rule to its sub-fields too", () => {
    const capped = engineFor(
      FIELDS_ROLE.replace(
        'city:\n',
        'phones.primaryPhoneNumber: { junior: read }\n          city:\n',
      ).replace(
        'phones: { intern: hidden, junior: { mask: last4 }, senior: read }',
        'phones: { intern: hidden, junior: read, when: [{ if: { jobTitle: { eq: CEO } }, below: senior, state: hidden }] }',
      ),
    );
    const ceo = { id: 'p1', jobTitle: 'CEO', phones: { primaryPhoneNumber: '5550101' } };
    const field = 'phones.primaryPhoneNumber';
    expect(
      capped.fieldState({ member: 'alice', object: 'person', action: 'read', field, record: ceo }),
    ).toBe('hidden');
    expect(
      capped.fieldStates({ member: 'alice', object: 'person', action: 'read', record: ceo })[field],
    ).toBe('hidden');
    expect(
      capped.fieldState({
        member: 'alice',
        object: 'person',
        action: 'read',
        field,
        record: { ...ceo, jobTitle: 'Buyer' },
      }),
    ).toBe('read');
    expect(
      capped.project({ member: 'alice', object: 'person', record: ceo })?.phones,
    ).toBeUndefined();
  });

  it('report states before when rules when no record is given', () => {
    expect(states('alice').city).toBe('read');
  });

  it('hide every field when the action itself is denied', () => {
    expect(
      engine.fieldStates({ member: 'alice', object: 'person', action: 'delete' }),
    ).toMatchObject({ id: 'hidden', city: 'hidden' });
    expect(
      engine.project({ member: 'alice', object: 'opportunity', record: { id: 'o1' } }),
    ).toBeNull();
  });
});

describe('Several grants', () => {
  const roles = `
  rep:
    label: Rep
    duties: Sells.
    objects:
      opportunity:
        read: { junior: own, senior: team }
        update: { junior: own }
        fields: { default: { junior: read }, amount: { junior: hidden, senior: read } }
  analyst:
    label: Analyst
    duties: Reports.
    objects:
      opportunity:
        read: { intermediate: { scope: all, where: { stage: { eq: WON } } } }
        fields: { amount: { intermediate: read }, name: { intermediate: { mask: redact } } }`;
  const now = new Date('2026-06-30T12:00:00Z');
  const grant = (extra: Record<string, unknown>) => ({
    id: 'g1',
    member: 'alice',
    expiresAt: '2026-07-01T00:00:00Z',
    ...extra,
  });

  it("OR the scopes of the member's role and its active temporary grants", () => {
    const engine = engineFor(roles, '', {
      now: () => now,
      grants: [grant({ role: 'analyst', tier: 'intermediate' })],
    });
    expect(readOpp(engine, 'alice', opp('carol', { stage: 'WON' })).effect).toBe('allow');
    expect(readOpp(engine, 'alice', opp('alice', { stage: 'NEW' })).effect).toBe('allow');
    expect(readOpp(engine, 'alice', opp('carol', { stage: 'NEW' })).effect).toBe('deny');
    expect(readOpp(engine, 'alice').filter).toEqual({
      or: [{ ownerId: { in: ['alice'] } }, { stage: { eq: 'WON' } }],
    });
  });

  it('take the maximum of field states across grants', () => {
    const engine = engineFor(roles, '', {
      now: () => now,
      grants: [grant({ role: 'analyst', tier: 'intermediate' })],
    });
    const states = engine.fieldStates({ member: 'alice', object: 'opportunity', action: 'read' });
    expect(states.amount).toBe('read'); // hidden by the role, read by the grant
    expect(states.name).toBe('read'); // read by the role default, masked by the grant
  });

  it('ignore a grant that has expired or not started, and honour a tier elevation', () => {
    const expired = engineFor(roles, '', {
      now: () => now,
      grants: [grant({ role: 'analyst', expiresAt: '2026-06-30T11:59:59Z' })],
    });
    expect(readOpp(expired, 'alice', opp('carol', { stage: 'WON' })).effect).toBe('deny');
    const future = engineFor(roles, '', {
      now: () => now,
      grants: [grant({ role: 'analyst', startsAt: '2026-06-30T13:00:00Z' })],
    });
    expect(readOpp(future, 'alice', opp('carol', { stage: 'WON' })).effect).toBe('deny');
    const elevated = engineFor(roles, '', { now: () => now, grants: [grant({ tier: 'senior' })] });
    expect(readOpp(elevated, 'alice', opp('bob')).effect).toBe('allow');
    expect(readOpp(elevated, 'alice').reasons.join()).toMatch(
      /grants\.g1\.objects\.opportunity\.read\.senior/,
    );
  });

  it('expire a grant when the injected clock passes its expiry, with no recompile', () => {
    let clock = now;
    const engine = engineFor(roles, '', {
      now: () => clock,
      grants: [grant({ object: 'opportunity', action: 'read', scope: 'all' })],
    });
    expect(readOpp(engine, 'alice', opp('carol')).effect).toBe('allow');
    clock = new Date('2026-07-01T00:00:00Z');
    expect(readOpp(engine, 'alice', opp('carol')).effect).toBe('deny');
  });

  it('reject a grant that names an unknown member, role, tier or object', () => {
    expect(() => engineFor(roles, '', { grants: [grant({ role: 'ceo' })] })).toThrow(
      /unknown role "ceo"/,
    );
    expect(() =>
      engineFor(roles, '', { grants: [grant({ member: 'x', tier: 'senior' })] }),
    ).toThrow(/unknown member "x"/);
  });
});

describe('Restrictions win over every grant', () => {
  const roles = `
  rep:
    label: Rep
    duties: Sells.
    objects:
      opportunity:
        read: { junior: all }
        delete: { junior: all }
        destroy: { junior: all }
  analyst: { label: Analyst, duties: Reports., objects: {} }`;
  const restrictions = `
restrictions:
  - { id: no-destroy-below-director, objects: [opportunity], actions: [destroy], tierBelow: director }
  - { id: keep-customers, objects: [opportunity], actions: [delete], where: { stage: { eq: CUSTOMER } } }
`;
  const engine = engineFor(roles, restrictions);

  it('remove an action whatever the role grants, citing the restriction', () => {
    const decision = decideOpp(engine, 'bob', 'destroy');
    expect(decision.effect).toBe('deny');
    expect(decision.reasons[0]).toMatch(
      /^restricted: restrictions\[0\] \(no-destroy-below-director\)/,
    );
    expect(decideOpp(engine, 'dana', 'destroy').effect).toBe('allow');
  });

  it('remove the records matching its where, and the unknown ones, from the grant', () => {
    const del = (record: Record<string, unknown>) =>
      engine.decide({ member: 'alice', object: 'opportunity', action: 'delete', record });
    expect(del(opp('x', { stage: 'CUSTOMER' })).effect).toBe('deny');
    expect(del(opp('x', { stage: 'NEW' })).effect).toBe('allow');
    expect(del(opp('x')).effect).toBe('deny'); // NOT (NULL = CUSTOMER) is unknown in SQL
    expect(engine.filter({ member: 'alice', object: 'opportunity', action: 'delete' })).toEqual({
      not: { stage: { eq: 'CUSTOMER' } },
    });
  });

  it("judge the member's assigned tier, so an elevation does not lift them", () => {
    const elevated = engineFor(roles, restrictions, {
      grants: [{ id: 'up', member: 'bob', expiresAt: '2999-01-01T00:00:00Z', tier: 'director' }],
    });
    const decision = elevated.decide({ member: 'bob', object: 'opportunity', action: 'destroy' });
    expect(decision.effect).toBe('deny');
    expect(decision.reasons.join('\n')).toMatch(
      /removes destroy on opportunity granted by grants\.up\.objects\.opportunity\.destroy\.junior/,
    );
  });

  it('also beat a temporary grant', () => {
    const granted = engineFor(roles, restrictions, {
      grants: [
        {
          id: 'g',
          member: 'bob',
          expiresAt: '2999-01-01T00:00:00Z',
          object: 'opportunity',
          action: 'destroy',
          scope: 'all',
        },
      ],
    });
    expect(granted.decide({ member: 'bob', object: 'opportunity', action: 'destroy' }).effect).toBe(
      'deny',
    );
  });
});

describe('Explanations', () => {
  const engine = engineFor(
    REP_READS('{ junior: { scope: own, where: { stage: { neq: CUSTOMER } } }, senior: team }'),
  );

  it('cite the role, the tier and the key path', () => {
    expect(readOpp(engine, 'alice').reasons).toEqual([
      'roles.rep.objects.opportunity.read.junior: scope own where stage neq CUSTOMER',
    ]);
  });

  it('say, for a denial, what would grant it', () => {
    const decision = readOpp(engine, 'alice', opp('bob', { stage: 'NEW' }));
    expect(decision.reasons[0]).toMatch(
      /^out-of-scope: the record is outside roles\.rep\.objects\.opportunity\.read\.junior/,
    );
    expect(decision.reasons).toContain('tier senior would allow team');
  });

  it('cite an explicit none or false as the reason for a denial', () => {
    const explicit = engineFor(REP_READS('{ intern: none, junior: own }'));
    expect(readOpp(explicit, 'ian').reasons[0]).toBe(
      'denied: roles.rep.objects.opportunity.read.intern: scope none',
    );
  });

  it("name the path that sets a field's state", () => {
    const fields = engineFor(FIELDS_ROLE);
    expect(
      fields.explainField({ member: 'alice', object: 'person', action: 'read', field: 'phones' }),
    ).toBe('roles.rep.objects.person.fields.phones.junior: phones masked (last4)');
    expect(
      fields.explainField({
        member: 'alice',
        object: 'person',
        action: 'read',
        field: 'city',
        record: { city: 'Secret' },
      }),
    ).toBe('roles.rep.objects.person.fields.city.when[0]: city hidden');
  });
});
