/**
 * Native sync of the policy language's extensions: unions of scopes per tier, `$member`
 * references in conditions, and per-action field maps. Twenty gets a superset of what the
 * policy allows, and every narrowing left to the gateway is a duty that says why.
 */
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import type { Policy } from '../policy/schema.js';
import { compileHostState } from './compile.js';
import { smallModel, withHelperFields } from './compile.test-support.js';
import type { HostRole } from './host-state.js';
import { ViewerIndex } from '../twenty-app/viewers.js';

/**
 * Every member is a junior rep. Ann reports to Boss, Bob to Ann; Ann and Cat are in west, Bob
 * and Dan in east, Boss in no team.
 */
function policyWith(objectRules: string, extra = ''): Policy {
  return loadPolicy(`version: 1
tiers: [{ id: junior }, { id: senior }]
objects:
  opportunity: { owner: [ownerId] }
org:
  teams: [{ id: west }, { id: east }]
  members:
    - { id: boss, role: rep, tier: junior }
    - { id: ann, role: rep, tier: junior, teams: [west], manager: boss }
    - { id: bob, role: rep, tier: junior, teams: [east], manager: ann }
    - { id: cat, role: rep, tier: junior, teams: [west] }
    - { id: dan, role: rep, tier: junior, teams: [east], attributes: { stages: [WON] } }
roles:
  rep:
    label: Rep
    duties: Sells.
    objects:
      opportunity:
${objectRules
  .trim()
  .split('\n')
  .map((line) => `        ${line}`)
  .join('\n')}
${extra}`);
}

const HELPED = withHelperFields(smallModel());

function compile(policy: Policy) {
  return compileHostState(policy, HELPED, { rlsEntitled: true });
}

function junior(roles: readonly HostRole[]): HostRole {
  const found = roles.find((r) => r.key === 'rep@junior');
  if (!found) throw new Error('no role rep@junior');
  return found;
}

const HELPER_PREDICATE = {
  objectMetadataId: 'opportunity',
  fieldMetadataId: 'opportunity.tiergateViewers',
  operand: 'CONTAINS',
  workspaceMemberFieldMetadataId: 'workspaceMember.id',
};

describe('compileHostState on a union of scopes', () => {
  it('reads [reports, team] through the helper field, whose viewers hold both scopes’ members', () => {
    const policy = policyWith('read: { junior: [reports, team] }');
    const { state, gateway, viewerScopes } = compile(policy);
    expect(junior(state.roles).rowLevel.opportunity?.predicates).toEqual([HELPER_PREDICATE]);
    expect(viewerScopes).toEqual([
      { roleKey: 'rep@junior', object: 'opportunity', scopes: ['reports', 'team'] },
    ]);
    // Bob's deal: his team (Bob, Dan) and his managers (Ann, Boss); neither scope alone.
    const index = new ViewerIndex(policy, viewerScopes);
    expect(index.viewersOf('opportunity', ['bob'])).toEqual(['ann', 'bob', 'boss', 'dan']);
    // The predicates encode exactly the union: nothing narrower is left to the gateway.
    expect(gateway.filter((d) => d.path.includes('.read.'))).toEqual([]);
  });

  it('reaches all natively for [own, { scope: all, where }] and leaves the where to the gateway', () => {
    const policy = policyWith(
      'read: { junior: [own, { scope: all, where: { stage: { eq: WON } } }] }',
    );
    const { state, gateway } = compile(policy);
    expect(junior(state.roles).rowLevel).toEqual({});
    expect(gateway.filter((d) => d.path.includes('.read.'))).toEqual([
      {
        path: 'roles.rep.objects.opportunity.read.junior[1]',
        reason:
          'rep@junior: read in scope all holds only where stage eq WON; Tiergate does not translate where into row-level predicates, so the where is enforced by the gateway',
      },
    ]);
  });

  it('encodes own alone with the owner predicates, a where on own left to the gateway', () => {
    const policy = policyWith(
      'read: { junior: [own, { scope: own, where: { stage: { eq: WON } } }] }',
    );
    const { state, gateway } = compile(policy);
    expect(junior(state.roles).rowLevel.opportunity?.predicates).toEqual([
      expect.objectContaining({ fieldMetadataId: 'opportunity.owner', operand: 'IS' }),
    ]);
    // Own without a where already holds every record the conditioned part could add.
    expect(gateway.filter((d) => d.path.includes('.read.'))).toEqual([]);
  });

  it('names every scope of a union in the duty of an action narrower than the predicates', () => {
    const policy =
      policyWith(`read: { junior: [own, { scope: reports, where: { stage: { eq: WON } } }] }
update: { junior: all }`);
    const { gateway } = compile(policy);
    expect(gateway).toContainEqual({
      path: 'roles.rep.objects.opportunity.read.junior',
      reason:
        "rep@junior: read is limited to scopes own or (reports where stage eq WON); Twenty's row-level predicates let the role reach all for every operation, so the gateway enforces the scope",
    });
    expect(gateway.map((d) => d.path)).toContain('roles.rep.objects.opportunity.read.junior[1]');
  });
});

describe('compileHostState on $member references', () => {
  it('leaves a where that reads $member to the gateway, naming the reference and why', () => {
    const policy = policyWith(
      'read: { junior: { scope: all, where: { stage: { in: $member.attributes.stages } } } }',
    );
    const { state, gateway } = compile(policy);
    expect(junior(state.roles).rowLevel).toEqual({});
    expect(gateway).toContainEqual({
      path: 'roles.rep.objects.opportunity.read.junior',
      reason:
        "rep@junior: read in scope all holds only where stage in $member.attributes.stages; $member.attributes.stages is resolved per member from Tiergate's org, which no single workspace member field holds, while Twenty compares a record field only with a constant or with one field of the current workspace member, so the where is enforced by the gateway",
    });
  });

  it('names $member.id in the duty, a where Tiergate could translate but does not', () => {
    const policy = policyWith(
      'read: { junior: { scope: all, where: { ownerId: { eq: $member.id } } } }',
    );
    expect(compile(policy).gateway).toContainEqual({
      path: 'roles.rep.objects.opportunity.read.junior',
      reason:
        'rep@junior: read in scope all holds only where ownerId eq $member.id; Tiergate does not translate where into row-level predicates, so the where is enforced by the gateway',
    });
  });

  it('says why a restriction or a field rule that reads $member is the gateway’s', () => {
    const rules = `read: { junior: all }
fields:
  default: { junior: read }
  amount:
    junior: read
    when: [{ if: { not: { ownerId: { in: $member.reports } } }, state: hidden }]`;
    const restriction = `restrictions:
  - { id: own-teams-only, objects: [opportunity], actions: [read], where: { not: { teamId: { in: $member.teams } } } }
`;
    const reasons = compile(policyWith(rules, restriction)).gateway.map((d) => d.reason);
    expect(reasons).toContainEqual(
      expect.stringMatching(
        /own-teams-only denies read on opportunity where not \(teamId in \$member\.teams\); .*\$member\.teams is resolved per member from Tiergate's org/,
      ),
    );
    expect(reasons).toContainEqual(
      expect.stringContaining(
        'do not depend on the record or the member ($member.reports) (it gets read)',
      ),
    );
  });
});

describe('compileHostState on per-action field maps', () => {
  const rules = `read: { junior: all }
create: { junior: true }
update: { junior: all }
fields:
  default: { junior: edit }
  amount: { junior: read, actions: { create: { junior: edit }, update: { senior: edit } } }
  stage: { junior: edit, actions: { create: { junior: read }, update: { junior: read } } }`;

  it('lets a field editable on create or update be written natively, the narrower action a duty', () => {
    const { state, gateway } = compileHostState(policyWith(rules), smallModel(), {
      rlsEntitled: true,
    });
    const amount = junior(state.roles).fieldPermissions.filter(
      (p) => p.fieldMetadataId === 'opportunity.amount',
    );
    // Edit on create: Twenty's canUpdateFieldValue covers create, so amount is unrestricted.
    expect(amount).toEqual([]);
    expect(gateway).toContainEqual({
      path: 'roles.rep.objects.opportunity.fields.amount.junior',
      reason:
        "rep@junior: opportunity.amount is edit on create but read on update; Twenty's canUpdateFieldValue covers creating and updating alike, so the field stays writable natively and the gateway refuses writing it on update",
    });
  });

  it('restricts update when neither create nor update edits the field, whatever the read state', () => {
    const { state } = compileHostState(policyWith(rules), smallModel(), { rlsEntitled: true });
    expect(junior(state.roles).fieldPermissions).toContainEqual({
      objectMetadataId: 'opportunity',
      fieldMetadataId: 'opportunity.stage',
      canReadFieldValue: true,
      canUpdateFieldValue: false,
    });
  });

  it('leaves a sub-field not editable on update to the gateway when its field is', () => {
    const subRules = `read: { junior: all }
update: { junior: all }
fields:
  default: { junior: read }
  amount: { junior: read, actions: { update: { junior: edit } } }
  amount.currencyCode: { junior: read }`;
    const { gateway } = compileHostState(policyWith(subRules), smallModel(), {
      rlsEntitled: true,
    });
    expect(gateway).toContainEqual({
      path: 'roles.rep.objects.opportunity.fields.amount.currencyCode.junior',
      reason:
        "rep@junior: opportunity.amount.currencyCode is read on update while amount is edit; Twenty's field permissions cover whole fields, so the gateway refuses writing the sub-field",
    });
  });

  it('leaves an export state narrower than read to the gateway', () => {
    const exportRules = `read: { junior: all }
export: { junior: true }
fields:
  default: { junior: read }
  amount: { junior: read, actions: { export: { junior: hidden } } }`;
    const { gateway } = compileHostState(policyWith(exportRules), smallModel(), {
      rlsEntitled: true,
    });
    expect(gateway).toContainEqual({
      path: 'roles.rep.objects.opportunity.fields.amount.actions.export.junior',
      reason:
        "rep@junior: opportunity.amount is hidden on export but read on read; Twenty's field permissions know only reading and writing, so the gateway applies the export state",
    });
  });
});
