import { describe, expect, it } from 'vitest';
import { isObjectType } from 'graphql';
import { ALICE, BOB, CAROL, asMember, firstError, harness } from './fixture.test-support.js';
import { ROOT_RESOLVERS } from './metadata-api.js';

const PERMISSION_DENIED = {
  message: 'Entity performing the request does not have permission',
  extensions: {
    code: 'FORBIDDEN',
    subCode: 'PERMISSION_DENIED',
    userFriendlyMessage: 'User does not have permission.',
  },
};

describe('createMetadataApi', () => {
  it("serves Twenty's own metadata schema", () => {
    const { api } = harness();
    const query = api.schema.getQueryType();
    expect(query?.getFields().objects?.type.toString()).toBe('ObjectConnection!');
    expect(isObjectType(api.schema.getType('Role'))).toBe(true);
  });

  it('resolves only root fields that exist in the schema', () => {
    const { api } = harness();
    const roots = {
      ...api.schema.getQueryType()?.getFields(),
      ...api.schema.getMutationType()?.getFields(),
    };
    expect(Object.keys(ROOT_RESOLVERS).filter((name) => !(name in roots))).toEqual([]);
  });

  describe('when a root field is not modelled by the sandbox', () => {
    it('answers NOT_IMPLEMENTED with the field name', async () => {
      const result = await harness().run('query { getPermissionFlags { key } }');
      expect(firstError(result)).toEqual({
        message: 'getPermissionFlags is not served by the Tiergate sandbox',
        extensions: { code: 'NOT_IMPLEMENTED' },
      });
    });

    it('answers NOT_IMPLEMENTED for subscriptions', async () => {
      const result = await harness().run(
        'subscription { onEventSubscription(eventStreamId: "s") { eventStreamId } }',
      );
      expect(firstError(result)?.message).toBe(
        'onEventSubscription is not served by the Tiergate sandbox',
      );
    });

    it('answers NOT_IMPLEMENTED for mutations too', async () => {
      const result = await harness().run(
        'mutation { deleteOneObject(input: { id: "object-company" }) { id } }',
      );
      expect(firstError(result)?.extensions).toEqual({ code: 'NOT_IMPLEMENTED' });
    });
  });

  describe('when the caller lacks the settings flag', () => {
    const refusals: readonly [string, string][] = [
      ['ROLES', 'mutation { createOneRole(createRoleInput: { label: "X" }) { id } }'],
      ['ROLES', 'query { getRoles { id } }'],
      [
        'DATA_MODEL',
        `mutation { createOneField(input: { field: {
          type: TEXT, name: "nickname", label: "Nickname", objectMetadataId: "object-person" } }) { id } }`,
      ],
      [
        'DATA_MODEL',
        `mutation { createOneObject(input: { object: {
          nameSingular: "pet", namePlural: "pets", labelSingular: "Pet", labelPlural: "Pets" } }) { id } }`,
      ],
      [
        'API_KEYS_AND_WEBHOOKS',
        'mutation { createWebhook(input: { targetUrl: "https://x.test", operations: [] }) { id } }',
      ],
      ['API_KEYS_AND_WEBHOOKS', 'query { apiKeys { id } }'],
    ];

    it.each(refusals)('refuses a %s operation with Twenty’s PERMISSION_DENIED', async (_, doc) => {
      const { run, state } = harness();
      const before = state();
      const result = await run(doc, {}, asMember(BOB));
      expect(firstError(result)).toEqual(PERMISSION_DENIED);
      expect(state()).toBe(before);
    });
  });

  describe('when the role holds the flag explicitly', () => {
    it('grants that flag only', async () => {
      const { run } = harness();
      const webhooks = await run('query { webhooks { id } }', {}, asMember(CAROL));
      expect(webhooks).toEqual({ data: { webhooks: [] } });
      const roles = await run('query { getRoles { id } }', {}, asMember(CAROL));
      expect(firstError(roles)).toEqual(PERMISSION_DENIED);
    });
  });

  describe('when the role has canUpdateAllSettings', () => {
    it('grants every settings flag', async () => {
      const { run } = harness();
      const result = await run('query { getRoles { id } webhooks { id } apiKeys { id } }');
      expect(result.errors).toBeUndefined();
    });
  });

  it('reads objects and the current user without any flag', async () => {
    const result = await harness().run(
      'query { currentUser { email } objects(paging: { first: 1 }, filter: {}) { edges { node { id } } } }',
      {},
      asMember(BOB),
    );
    expect(result).toEqual({
      data: {
        currentUser: { email: BOB.userEmail },
        objects: { edges: [{ node: { id: 'object-company' } }] },
      },
    });
  });

  it('refuses a principal whose role is gone', async () => {
    const result = await harness().run(
      'query { getRoles { id } }',
      {},
      {
        ...asMember(ALICE),
        roleId: 'role-deleted',
      },
    );
    expect(firstError(result)).toEqual({
      message: 'No role found for userWorkspace',
      extensions: { code: 'FORBIDDEN', subCode: 'NO_ROLE_FOUND_FOR_USER_WORKSPACE' },
    });
  });
});
