/**
 * Small hand-built workspaces for the permission tests: a few objects with typed fields, roles
 * built from overrides, members and API keys.
 */
import { sandboxRole } from '../seed-state.js';
import type {
  FieldMetadataType,
  RelationMetadata,
} from '../../host/core-schema/object-metadata.js';
import type {
  Principal,
  RlsPredicate,
  RlsPredicateGroup,
  SandboxApiKey,
  SandboxField,
  SandboxMember,
  SandboxObject,
  SandboxRecord,
  SandboxRole,
  WorkspaceState,
} from '../workspace.js';

function field(
  objectKey: string,
  name: string,
  type: FieldMetadataType,
  relation?: RelationMetadata,
): SandboxField {
  return {
    id: `f-${objectKey}-${name}`,
    name,
    label: name,
    type,
    isNullable: true,
    isActive: true,
    ...(relation === undefined ? {} : { relation }),
  };
}

function object(
  nameSingular: string,
  namePlural: string,
  fields: readonly [string, FieldMetadataType, RelationMetadata?][],
  isSystem = false,
): SandboxObject {
  return {
    id: `obj-${nameSingular}`,
    nameSingular,
    namePlural,
    labelSingular: nameSingular,
    labelPlural: namePlural,
    isActive: true,
    isCustom: false,
    isSystem,
    fields: [
      field(nameSingular, 'id', 'UUID'),
      field(nameSingular, 'createdAt', 'DATE_TIME'),
      field(nameSingular, 'deletedAt', 'DATE_TIME'),
      field(nameSingular, 'createdBy', 'ACTOR'),
      ...fields.map(([name, type, relation]) => field(nameSingular, name, type, relation)),
    ],
  };
}

export const PERSON = object('person', 'people', [
  ['name', 'FULL_NAME'],
  ['jobTitle', 'TEXT'],
  ['city', 'TEXT'],
  [
    'company',
    'RELATION',
    { type: 'MANY_TO_ONE', targetObject: 'company', joinColumn: 'companyId' },
  ],
]);

export const COMPANY = object('company', 'companies', [
  ['name', 'TEXT'],
  ['employees', 'NUMBER'],
  ['tier', 'SELECT'],
  ['tags', 'MULTI_SELECT'],
  ['domains', 'ARRAY'],
  ['isPartner', 'BOOLEAN'],
  ['foundedOn', 'DATE'],
  ['renewsAt', 'DATE_TIME'],
  ['externalId', 'UUID'],
  ['rating', 'RATING'],
  ['arr', 'CURRENCY'],
  ['address', 'ADDRESS'],
  ['region', 'TEXT'],
  [
    'accountOwner',
    'RELATION',
    { type: 'MANY_TO_ONE', targetObject: 'workspaceMember', joinColumn: 'accountOwnerId' },
  ],
]);

export const WORKSPACE_MEMBER = object(
  'workspaceMember',
  'workspaceMembers',
  [
    ['name', 'FULL_NAME'],
    ['userEmail', 'TEXT'],
    ['region', 'TEXT'],
    ['tier', 'SELECT'],
  ],
  true,
);

export const WORKFLOW = object('workflow', 'workflows', [['name', 'TEXT']]);
export const TIMELINE = object('timelineActivity', 'timelineActivities', [['name', 'TEXT']], true);

export const OBJECTS = [PERSON, COMPANY, WORKSPACE_MEMBER, WORKFLOW, TIMELINE];

/** The id of `objectName.fieldName` in these fixtures. */
export function fieldId(target: SandboxObject, name: string): string {
  return `f-${target.nameSingular}-${name}`;
}

export function role(id: string, overrides: Partial<SandboxRole> = {}): SandboxRole {
  return sandboxRole(id, id, overrides);
}

let predicateCount = 0;

export function predicate(
  target: SandboxObject,
  fieldName: string,
  operand: RlsPredicate['operand'],
  extra: Partial<RlsPredicate> = {},
): RlsPredicate {
  predicateCount += 1;
  return {
    id: `pred-${predicateCount}`,
    objectMetadataId: target.id,
    fieldMetadataId: fieldId(target, fieldName),
    operand,
    ...extra,
  };
}

export function group(
  id: string,
  logicalOperator: 'AND' | 'OR',
  parent?: string,
  target: SandboxObject = COMPANY,
): RlsPredicateGroup {
  return {
    id,
    objectMetadataId: target.id,
    logicalOperator,
    parentRowLevelPermissionPredicateGroupId: parent ?? null,
  };
}

export function record(id: string, values: Record<string, unknown> = {}): SandboxRecord {
  return {
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    deletedAt: null,
    ...values,
  };
}

export const MEMBER_ID = '11111111-1111-4111-8111-111111111111';
export const OTHER_MEMBER_ID = '22222222-2222-4222-8222-222222222222';

export function member(id: string, roleId: string): SandboxMember {
  return { id, userId: `user-${id}`, userEmail: `${id}@acme.test`, roleId, token: `t-${id}` };
}

export function apiKey(id: string, roleId: string): SandboxApiKey {
  return {
    id,
    name: id,
    roleId,
    expiresAt: '2100-01-01T00:00:00.000Z',
    revokedAt: null,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

export function memberPrincipal(memberId: string, roleId: string): Principal {
  return { kind: 'member', memberId, roleId };
}

export function apiKeyPrincipal(apiKeyId: string, roleId: string): Principal {
  return { kind: 'apiKey', apiKeyId, roleId };
}

export function workspace(roles: SandboxRole[], overrides: Partial<WorkspaceState> = {}) {
  const state: WorkspaceState = {
    id: 'ws-1',
    displayName: 'Acme',
    rlsEnabled: true,
    defaultRoleId: roles[0]?.id ?? 'none',
    objects: OBJECTS,
    records: {
      workspaceMember: {
        [MEMBER_ID]: record(MEMBER_ID, {
          name: { firstName: 'Ada', lastName: 'Lovelace' },
          userEmail: 'ada@acme.test',
          region: 'EMEA',
          tier: 'GOLD',
        }),
      },
    },
    roles,
    members: roles.length > 0 ? [member(MEMBER_ID, roles[0]?.id ?? '')] : [],
    apiKeys: roles.length > 0 ? [apiKey('key-1', roles[0]?.id ?? '')] : [],
    apiKeyTokens: {},
    webhooks: [],
    ...overrides,
  };
  return state;
}
