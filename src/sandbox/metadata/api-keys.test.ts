import { describe, expect, it } from 'vitest';
import {
  ADMIN_ROLE,
  MEMBER_ROLE,
  NOW,
  WEBHOOKS_ROLE,
  firstError,
  harness,
  workspaceState,
} from './fixture.test-support.js';

const CREATE = `
  mutation Create($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { id name expiresAt revokedAt createdAt role { id label } }
  }`;

const TOKEN = `
  mutation Token($apiKeyId: UUID!, $expiresAt: String!) {
    generateApiKeyToken(apiKeyId: $apiKeyId, expiresAt: $expiresAt) { token }
  }`;

const expiresAt = '2027-06-30T00:00:00.000Z';

describe('createApiKey', () => {
  it('creates a key holding one role', async () => {
    const result = await harness().run(CREATE, {
      input: { name: 'Tiergate', expiresAt, roleId: WEBHOOKS_ROLE.id },
    });
    expect(result).toEqual({
      data: {
        createApiKey: {
          id: 'id-1',
          name: 'Tiergate',
          expiresAt,
          revokedAt: null,
          createdAt: NOW.toISOString(),
          role: { id: WEBHOOKS_ROLE.id, label: 'Webhooks' },
        },
      },
    });
  });

  it('refuses a role that cannot be given to API keys', async () => {
    const closed = { ...MEMBER_ROLE, canBeAssignedToApiKeys: false };
    const { run } = harness(workspaceState({ roles: [ADMIN_ROLE, closed, WEBHOOKS_ROLE] }));
    const result = await run(CREATE, { input: { name: 'X', expiresAt, roleId: MEMBER_ROLE.id } });
    expect(firstError(result)).toEqual({
      message: 'Role "Member" cannot be assigned to API keys',
      extensions: { code: 'FORBIDDEN', subCode: 'ROLE_CANNOT_BE_ASSIGNED_TO_API_KEYS' },
    });
  });
});

describe('generateApiKeyToken', () => {
  it("issues a token shaped as Twenty's (a JWT naming the key) and maps it to the key", async () => {
    const { run, state } = harness();
    await run(CREATE, { input: { name: 'Tiergate', expiresAt, roleId: WEBHOOKS_ROLE.id } });
    const result = await run(TOKEN, { apiKeyId: 'id-1', expiresAt });
    const token = (result.data as { generateApiKeyToken: { token: string } }).generateApiKeyToken
      .token;
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())).toMatchObject({
      jti: 'id-1',
      type: 'API_KEY',
    });
    expect(signature).toBe('secret-1');
    expect(state().apiKeyTokens).toEqual({ [token]: 'id-1' });
  });

  it('refuses a revoked key', async () => {
    const { run, state } = harness();
    await run(CREATE, { input: { name: 'Tiergate', expiresAt, roleId: WEBHOOKS_ROLE.id } });
    const revoked = await run('mutation { revokeApiKey(input: { id: "id-1" }) { revokedAt } }');
    expect(revoked).toEqual({ data: { revokeApiKey: { revokedAt: NOW.toISOString() } } });
    const result = await run(TOKEN, { apiKeyId: 'id-1', expiresAt });
    expect(firstError(result)?.extensions).toEqual({
      code: 'FORBIDDEN',
      subCode: 'API_KEY_REVOKED',
    });
    expect(state().apiKeyTokens).toEqual({});
  });
});

describe('apiKeys and assignRoleToApiKey', () => {
  it('lists active keys and moves a key to another role', async () => {
    const { run } = harness();
    await run(CREATE, { input: { name: 'A', expiresAt, roleId: WEBHOOKS_ROLE.id } });
    await run(CREATE, { input: { name: 'B', expiresAt, roleId: WEBHOOKS_ROLE.id } });
    await run('mutation { revokeApiKey(input: { id: "id-2" }) { id } }');
    const assigned = await run(
      `mutation { assignRoleToApiKey(apiKeyId: "id-1", roleId: "${MEMBER_ROLE.id}") }`,
    );
    expect(assigned).toEqual({ data: { assignRoleToApiKey: true } });
    const listed = await run('query { apiKeys { name role { label } } }');
    expect(listed).toEqual({ data: { apiKeys: [{ name: 'A', role: { label: 'Member' } }] } });
  });
});
