import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { assertValidSchema, buildSchema, isInputObjectType, isObjectType } from 'graphql';
import type { GraphQLField, GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';

import { describeDifference } from './check.js';
import { generateMetadataSdl } from './generate.js';
import type { Generation } from './generate.js';
import { SDL_PATH, repositoryRoot } from './paths.js';
import { parseTypeString, printTypeRef } from './type-ref.js';

let generation: Generation;
let sdl: string;
let schema: GraphQLSchema;

beforeAll(() => {
  generation = generateMetadataSdl();
  if (generation.sdl === undefined) throw new Error(generation.diagnostics.errors.join('\n'));
  sdl = generation.sdl;
  schema = buildSchema(sdl);
});

function rootField(root: 'Query' | 'Mutation', name: string): GraphQLField<unknown, unknown> {
  const type = root === 'Query' ? schema.getQueryType() : schema.getMutationType();
  const field = type?.getFields()[name];
  if (field === undefined) throw new Error(`${root}.${name} is missing`);
  return field;
}

/** `name(arg: Type, ...): Type`, a field written as in SDL, so expectations read as the schema. */
function signature(root: 'Query' | 'Mutation', name: string): string {
  const field = rootField(root, name);
  const args = field.args.map((a) => `${a.name}: ${String(a.type)}`).join(', ');
  return `${name}${args === '' ? '' : `(${args})`}: ${String(field.type)}`;
}

describe('the metadata schema generated from twenty-client-sdk', () => {
  it('resolves every type, field and argument without an error', () => {
    expect(generation.diagnostics.errors).toEqual([]);
  });

  it('is the same text on every run', () => {
    expect(generateMetadataSdl().sdl).toBe(sdl);
  });

  it('is what graphql/schema/metadata.graphql holds, so a stale commit fails here', () => {
    const committed = readFileSync(join(repositoryRoot(), SDL_PATH), 'utf8');
    expect(describeDifference(committed, sdl)).toBeUndefined();
  });

  it('builds into a valid schema with Query, Mutation and Subscription roots', () => {
    expect(() => {
      assertValidSchema(schema);
    }).not.toThrow();
    expect(schema.getSubscriptionType()?.name).toBe('Subscription');
  });

  it('starts with a header naming the package version and the command', () => {
    expect(sdl).toMatch(/^# .*twenty-client-sdk@\d+\.\d+\.\d+/);
    expect(sdl.split('\n').slice(0, 4).join('\n')).toContain('npm run host:schema');
  });

  it('has the permission and admin operations of HOST-CONTRACT.md §D', () => {
    expect(signature('Mutation', 'createWebhook')).toBe(
      'createWebhook(input: CreateWebhookInput!): Webhook!',
    );
    expect(signature('Query', 'getRoles')).toBe('getRoles: [Role!]!');
    expect(signature('Mutation', 'upsertFieldPermissions')).toBe(
      'upsertFieldPermissions(upsertFieldPermissionsInput: UpsertFieldPermissionsInput!): [FieldPermission!]!',
    );
    expect(signature('Mutation', 'updateWorkspaceMemberRole')).toBe(
      'updateWorkspaceMemberRole(workspaceMemberId: UUID!, roleId: UUID!): WorkspaceMember!',
    );
    expect(signature('Query', 'objects')).toBe(
      'objects(paging: CursorPaging!, filter: ObjectFilter!): ObjectConnection!',
    );
    expect(signature('Mutation', 'upsertRowLevelPermissionPredicates')).toBe(
      'upsertRowLevelPermissionPredicates(input: UpsertRowLevelPermissionPredicatesInput!): UpsertRowLevelPermissionPredicatesResult!',
    );
    expect(signature('Mutation', 'createApiKey')).toBe(
      'createApiKey(input: CreateApiKeyInput!): ApiKey!',
    );
    expect(signature('Mutation', 'generateApiKeyToken')).toBe(
      'generateApiKeyToken(apiKeyId: UUID!, expiresAt: String!): ApiKeyToken!',
    );
    expect(signature('Query', 'currentUser')).toBe('currentUser: User!');
    expect(signature('Query', 'currentWorkspace')).toBe('currentWorkspace: Workspace!');
  });

  it('keeps optional and list markers of input fields from schema.d.ts', () => {
    const input = schema.getType('CreateWebhookInput');
    if (!isInputObjectType(input)) throw new Error('CreateWebhookInput is not an input type');
    const fields = Object.fromEntries(
      Object.values(input.getFields()).map((f) => [f.name, String(f.type)]),
    );
    expect(fields).toEqual({
      id: 'UUID',
      targetUrl: 'String!',
      operations: '[String!]!',
      description: 'String',
      secret: 'String',
    });
  });

  it('keeps nullable output fields nullable, as schema.d.ts marks them with ?', () => {
    const apiKey = schema.getType('ApiKey');
    if (!isObjectType(apiKey)) throw new Error('ApiKey is not an object type');
    expect(String(apiKey.getFields().revokedAt?.type)).toBe('DateTime');
    expect(String(apiKey.getFields().expiresAt?.type)).toBe('DateTime!');
    expect(String(apiKey.getFields().role?.type)).toBe('Role!');
  });

  it('declares the custom scalars and the enums with their values', () => {
    for (const scalar of ['UUID', 'DateTime', 'JSON', 'Upload']) {
      expect(schema.getType(scalar)?.toString()).toBe(scalar);
    }
    expect(sdl).toMatch(/^enum BillingEntitlementKey \{[^}]*\bRLS\b[^}]*\}/m);
  });

  it('notices a hand edit of the committed file, and says where', () => {
    const edited = sdl.replace(
      'createWebhook(input: CreateWebhookInput!): Webhook!',
      'createWebhook(input: CreateWebhookInput): Webhook!',
    );
    expect(edited).not.toBe(sdl);
    expect(describeDifference(edited, sdl)).toMatch(/first difference at line \d+/);
  });

  it('reads argument spellings with their list and non-null markers', () => {
    expect(printTypeRef(parseTypeString('[[ViewType!]]!'))).toBe('[[ViewType!]]!');
    expect(() => parseTypeString('[UUID!')).toThrow();
  });
});
