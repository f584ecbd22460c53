import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../policy/load.js';
import type { Policy } from '../policy/schema.js';
import { compileHostState, type CompileOptions } from './compile.js';
import type { HostRole } from './host-state.js';
import { smallModel, standardModel, withHelperFields } from './compile.test-support.js';

const TIERS = `
tiers:
  - { id: intern, label: Intern }
  - { id: junior, label: Junior }
  - { id: senior }
objects:
  opportunity: { owner: [ownerId] }
  company: { owner: [accountOwnerId] }
  person: { owner: [createdBy.workspaceMemberId] }
`;

/** A policy with the tiers and objects above, members `m-<tier>` of role `rep`, and `roles`. */
function policyWith(roles: string, extra = '', members = ['junior', 'senior']): Policy {
  const ids = members.map((t, i) => (members.indexOf(t) === i ? `m-${t}` : `m-${t}-${i}`));
  const list = members.map((t, i) => `    - { id: ${ids[i] ?? ''}, role: rep, tier: ${t} }`);
  const head = `version: 1\n${TIERS}org:\n  members:\n${list.join('\n')}\n`;
  return loadPolicy(
    `${head}roles:\n  rep:\n    label: Sales rep\n    duties: Sells.\n${roles}${extra}`,
  );
}

const ENTITLED: CompileOptions = { rlsEntitled: true };

function compile(policy: Policy, options: CompileOptions = ENTITLED, model = smallModel()) {
  return compileHostState(policy, model, options);
}

function role(roles: readonly HostRole[], key: string): HostRole {
  const found = roles.find((r) => r.key === key);
  if (!found) throw new Error(`no role ${key}`);
  return found;
}

function objectOfRole(host: HostRole, objectId: string) {
  return host.objectPermissions.find((p) => p.objectMetadataId === objectId);
}

const OPP_READ_ALL = `    objects:\n      opportunity:\n        read: { junior: all }\n        fields: { default: { junior: edit } }\n`;

describe('compileHostState', () => {
  it('creates one host role per role and tier that some member holds, least privilege', () => {
    const { state } = compile(policyWith(OPP_READ_ALL, '', ['senior', 'junior', 'junior']));
    expect(state.roles.map((r) => r.key)).toEqual(['rep@junior', 'rep@senior']);
    const junior = role(state.roles, 'rep@junior');
    expect(junior.canReadAllObjectRecords || junior.canUpdateAllObjectRecords).toBe(false);
    expect(junior.canSoftDeleteAllObjectRecords || junior.canDestroyAllObjectRecords).toBe(false);
  });

  it('labels a host role with the role and tier labels, falling back to the tier id', () => {
    const { state } = compile(policyWith(OPP_READ_ALL));
    expect(role(state.roles, 'rep@junior').label).toBe('Sales rep · Junior');
    expect(role(state.roles, 'rep@senior').label).toBe('Sales rep · senior');
    expect(role(state.roles, 'rep@junior').description).toBe(
      'Managed by Tiergate (rep@junior). Do not edit: changes are reverted.',
    );
  });

  it('derives object switches from the tier maps, inherited upwards and cut by an explicit none', () => {
    const rules = `    objects:
      opportunity:
        read: { junior: own }
        update: { junior: own }
        delete: { junior: own, senior: none }
`;
    const { state } = compile(policyWith(rules));
    const junior = objectOfRole(role(state.roles, 'rep@junior'), 'opportunity');
    const senior = objectOfRole(role(state.roles, 'rep@senior'), 'opportunity');
    expect(junior).toMatchObject({ canReadObjectRecords: true, canUpdateObjectRecords: true });
    expect(junior?.canSoftDeleteObjectRecords).toBe(true);
    expect(senior).toMatchObject({ canReadObjectRecords: true, canSoftDeleteObjectRecords: false });
    // Objects the role does not mention are set explicitly, all false.
    expect(objectOfRole(role(state.roles, 'rep@junior'), 'company')).toEqual({
      objectMetadataId: 'company',
      canReadObjectRecords: false,
      canUpdateObjectRecords: false,
      canSoftDeleteObjectRecords: false,
      canDestroyObjectRecords: false,
    });
  });

  it('lets create switch canUpdate on, leaving the refusal of updates to the gateway', () => {
    const rules = `    objects:\n      company:\n        read: { junior: all }\n        create: { junior: true }\n`;
    const { state, gateway } = compile(policyWith(rules));
    const company = objectOfRole(role(state.roles, 'rep@junior'), 'company');
    expect(company?.canUpdateObjectRecords).toBe(true);
    expect(gateway).toContainEqual({
      path: 'roles.rep.objects.company.update',
      reason: expect.stringContaining('refuses updates') as unknown,
    });
  });

  it('removes destroy where a tierBelow restriction holds, and keeps it with a duty for a members restriction', () => {
    const rules = `    objects:\n      company:\n        read: { junior: all }\n        destroy: { junior: all }\n`;
    const restrictions = `restrictions:
  - { id: no-destroy, objects: [company], actions: [destroy], tierBelow: senior }
  - { id: not-m-senior, objects: [company], actions: [destroy], members: [m-senior] }
`;
    const { state, gateway } = compile(policyWith(rules, restrictions));
    const destroy = (key: string) =>
      objectOfRole(role(state.roles, key), 'company')?.canDestroyObjectRecords;
    expect(destroy('rep@junior')).toBe(false);
    expect(destroy('rep@senior')).toBe(true);
    expect(gateway.filter((d) => d.path === 'restrictions[1]')).toHaveLength(1);
  });

  it('turns field states into restrictions: hidden, masked and read restrict, edit does not', () => {
    const rules = `    objects:
      person:
        read: { junior: all }
        update: { junior: all }
        fields:
          default: { junior: edit }
          phones: { junior: { mask: last4 } }
          emails: { junior: read }
          jobTitle: { junior: hidden }
`;
    const { state } = compile(policyWith(rules));
    expect(role(state.roles, 'rep@junior').fieldPermissions).toEqual([
      {
        objectMetadataId: 'person',
        fieldMetadataId: 'person.emails',
        canReadFieldValue: true,
        canUpdateFieldValue: false,
      },
      {
        objectMetadataId: 'person',
        fieldMetadataId: 'person.jobTitle',
        canReadFieldValue: false,
        canUpdateFieldValue: false,
      },
      {
        objectMetadataId: 'person',
        fieldMetadataId: 'person.phones',
        canReadFieldValue: true,
        canUpdateFieldValue: false,
      },
    ]);
  });

  it('lists masks, when rules and narrowing sub-field rules as gateway duties', () => {
    const rules = `    objects:
      person:
        read: { junior: all }
        fields:
          default: { junior: read }
          phones: { junior: { mask: last4 } }
          emails.additionalEmails: { junior: hidden }
          jobTitle:
            junior: read
            when: [{ if: { jobTitle: { eq: CEO } }, below: senior, state: hidden }]
`;
    const paths = compile(policyWith(rules)).gateway.map((d) => d.path);
    expect(paths).toContain('roles.rep.objects.person.fields.phones.junior');
    expect(paths).toContain('roles.rep.objects.person.fields.jobTitle.when[0]');
    expect(paths).toContain('roles.rep.objects.person.fields.emails.additionalEmails');
    // At senior the when rule no longer applies.
    const senior = compile(policyWith(rules)).gateway.filter((d) =>
      d.reason.startsWith('rep@senior'),
    );
    expect(senior.map((d) => d.path)).not.toContain(
      'roles.rep.objects.person.fields.jobTitle.when[0]',
    );
  });

  it('encodes own as "is the current member" on the relation field behind the join column', () => {
    const rules = `    objects:\n      opportunity:\n        read: { junior: own }\n        update: { junior: own }\n`;
    const { state, gateway } = compile(policyWith(rules));
    expect(role(state.roles, 'rep@junior').rowLevel).toEqual({
      opportunity: {
        predicates: [
          {
            objectMetadataId: 'opportunity',
            fieldMetadataId: 'opportunity.owner',
            operand: 'IS',
            value: { isCurrentWorkspaceMemberSelected: true, selectedRecordIds: [] },
          },
        ],
        groups: [],
      },
    });
    expect(gateway.filter((d) => d.path.includes('.read.') || d.path.includes('.update.'))).toEqual(
      [],
    );
  });

  it('ORs several owner fields in one group, an actor owner compared with the member id', () => {
    const policy = policyWith(`    objects:\n      opportunity:\n        read: { junior: own }\n`);
    const owner = ['ownerId', 'createdBy.workspaceMemberId'];
    const twoOwners = { ...policy, objects: { ...policy.objects, opportunity: { owner } } };
    const rowLevel = role(compile(twoOwners).state.roles, 'rep@junior').rowLevel;
    expect(rowLevel.opportunity?.groups).toEqual([
      { objectMetadataId: 'opportunity', logicalOperator: 'OR' },
    ]);
    expect(rowLevel.opportunity?.predicates).toEqual([
      expect.objectContaining({ fieldMetadataId: 'opportunity.owner', operand: 'IS', group: 0 }),
      {
        objectMetadataId: 'opportunity',
        fieldMetadataId: 'opportunity.createdBy',
        operand: 'IS',
        subFieldName: 'workspaceMemberId',
        workspaceMemberFieldMetadataId: 'workspaceMember.id',
        group: 0,
      },
    ]);
  });

  it('leaves reports to the gateway without the helper field, and uses it once it exists', () => {
    const rules = `    objects:\n      company:\n        read: { junior: reports }\n`;
    const without = compile(policyWith(rules));
    expect(role(without.state.roles, 'rep@junior').rowLevel).toEqual({});
    expect(without.gateway.map((d) => d.path)).toContain('roles.rep.objects.company.read.junior');
    expect(without.problems).toEqual([]);
    const withHelper = compile(policyWith(rules), ENTITLED, withHelperFields(smallModel()));
    const junior = role(withHelper.state.roles, 'rep@junior');
    // Tiergate writes the helper field: no member may, whatever the policy's default.
    expect(junior.fieldPermissions).toContainEqual({
      objectMetadataId: 'company',
      fieldMetadataId: 'company.tiergateViewers',
      canReadFieldValue: true,
      canUpdateFieldValue: false,
    });
    expect(junior.rowLevel.company?.predicates).toEqual([
      {
        objectMetadataId: 'company',
        fieldMetadataId: 'company.tiergateViewers',
        operand: 'CONTAINS',
        workspaceMemberFieldMetadataId: 'workspaceMember.id',
      },
    ]);
  });

  it('sets no predicates without the entitlement and gives every scope to the gateway', () => {
    const rules = `    objects:\n      opportunity:\n        read: { junior: own }\n        update: { junior: own }\n        delete: { junior: all }\n`;
    const { state, gateway } = compile(policyWith(rules), { rlsEntitled: false });
    expect(state.roles.every((r) => Object.keys(r.rowLevel).length === 0)).toBe(true);
    const paths = gateway.map((d) => d.path);
    expect(paths).toContain('roles.rep.objects.opportunity.read.junior');
    expect(paths).toContain('roles.rep.objects.opportunity.update.junior');
    expect(paths).not.toContain('roles.rep.objects.opportunity.delete.junior');
  });

  it('leaves narrower write scopes to the gateway, and lets predicates reach a wider one', () => {
    const rules = `    objects:\n      opportunity:\n        read: { junior: own, senior: all }\n        update: { junior: all, senior: own }\n`;
    const { state, gateway, problems } = compile(policyWith(rules));
    expect(problems).toEqual([]);
    const paths = gateway.map((d) => d.path);
    expect(paths).toContain('roles.rep.objects.opportunity.update.senior');
    // Junior updates every record, so no predicate narrows it; the gateway narrows reads to own.
    expect(role(state.roles, 'rep@junior').rowLevel).toEqual({});
    expect(paths).toContain('roles.rep.objects.opportunity.read.junior');
  });

  it('reaches the union of scopes that no single scope covers through the helper field', () => {
    const rules = `    objects:\n      company:\n        read: { junior: teamTree }\n        update: { junior: reports }\n`;
    const model = withHelperFields(smallModel());
    const { state, gateway } = compile(policyWith(rules), ENTITLED, model);
    expect(role(state.roles, 'rep@junior').rowLevel.company?.predicates).toHaveLength(1);
    const scopes = gateway.filter(
      (d) => d.reason.startsWith('rep@junior') && /\.(read|update)\./.test(d.path),
    );
    expect(scopes.map((d) => d.path)).toEqual([
      'roles.rep.objects.company.read.junior',
      'roles.rep.objects.company.update.junior',
    ]);
  });

  it('reports objects and fields the data model lacks, and writes granted without read', () => {
    const rules = `    objects:
      opportunity:
        create: { junior: true }
        fields: { nickname: { junior: read } }
`;
    const policy = policyWith(rules);
    const withInvoice = { ...policy, objects: { ...policy.objects, invoice: { owner: [] } } };
    const { problems } = compile(withInvoice);
    expect(problems).toContain("objects.invoice: the host's data model has no object invoice");
    expect(problems).toContain(
      "roles.rep.objects.opportunity.fields.nickname: opportunity has no field nickname in the host's data model",
    );
    expect(problems).toContain(
      'roles.rep.objects.opportunity: rep@junior: update on opportunity granted without read; Twenty refuses write permissions on an object the role cannot read, so they are not granted',
    );
  });

  it('assigns every member its role key under its host id', () => {
    const policy = policyWith(OPP_READ_ALL, '', ['junior', 'senior', 'intern']);
    expect(compile(policy).state.assignments).toEqual({
      'm-intern': 'rep@intern',
      'm-junior': 'rep@junior',
      'm-senior': 'rep@senior',
    });
    const hostIds = (id: string) => (id === 'm-intern' ? undefined : `host-${id}`);
    const { state, problems } = compile(policy, { rlsEntitled: true, memberIds: hostIds });
    expect(state.assignments).toEqual({
      'host-m-junior': 'rep@junior',
      'host-m-senior': 'rep@senior',
    });
    expect(problems).toEqual([
      'org.members[2]: m-intern has no workspace member in the host, so it holds no role there',
    ]);
  });

  it('compiles the same policy to equal results', () => {
    const rules = `    objects:\n      opportunity:\n        read: { junior: own }\n        fields: { default: { junior: read }, amount: { junior: { mask: redact } } }\n`;
    expect(compile(policyWith(rules))).toEqual(compile(policyWith(rules)));
  });

  it('compiles the Acme example against the standard objects without problems', () => {
    const acme = loadPolicy(readFileSync('examples/acme/tiergate.policy.yaml', 'utf8'));
    const { state, gateway, problems } = compileHostState(acme, standardModel(), ENTITLED);
    expect(problems).toEqual([]);
    expect(state.roles).toHaveLength(13);
    expect(Object.keys(state.assignments)).toHaveLength(acme.org.members.length);
    expect(gateway).toContainEqual({
      path: 'security.export.maxRowsWithoutStepUp',
      reason: expect.stringContaining('1000 rows') as unknown,
    });
    // Once install has created the helper fields, team scopes are predicates too.
    const helped = compileHostState(acme, withHelperFields(standardModel()), ENTITLED);
    expect(helped.problems).toEqual([]);
    const manager = role(helped.state.roles, 'sales-manager@senior');
    expect(Object.keys(manager.rowLevel)).toHaveLength(4);
  });
});
