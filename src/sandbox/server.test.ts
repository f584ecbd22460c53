import { afterEach, describe, expect, it } from 'vitest';
import { principalOf, startSandboxServer, type GraphqlApi, type RunningSandbox } from './server.js';
import type { WorkspaceState } from './workspace.js';
import { testWorkspace } from './workspace.test-support.js';

const NOW = Date.parse('2026-06-30T12:00:00Z');
const STATE: WorkspaceState = testWorkspace({
  apiKeys: [
    {
      id: 'k-live',
      name: 'Tiergate',
      roleId: 'admin',
      expiresAt: '2027-01-01T00:00:00Z',
      revokedAt: null,
      createdAt: '',
    },
    {
      id: 'k-old',
      name: 'Old',
      roleId: 'admin',
      expiresAt: '2026-01-01T00:00:00Z',
      revokedAt: null,
      createdAt: '',
    },
    {
      id: 'k-revoked',
      name: 'Revoked',
      roleId: 'admin',
      expiresAt: '2027-01-01T00:00:00Z',
      revokedAt: '2026-05-01T00:00:00Z',
      createdAt: '',
    },
  ],
  apiKeyTokens: { 'live-token': 'k-live', 'old-token': 'k-old', 'revoked-token': 'k-revoked' },
  webhooks: [],
});

/** An API that answers with what it was asked, to see the routing and the principal. */
const echo = (name: string): GraphqlApi => ({
  execute: (request) =>
    Promise.resolve({
      data: { api: name, principal: request.principal, variables: request.variables ?? null },
    }),
});

let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(): Promise<string> {
  running = await startSandboxServer({
    getState: () => STATE,
    core: echo('core'),
    metadata: echo('metadata'),
    now: () => NOW,
    maxBodyBytes: 1000,
  });
  return running.url;
}

async function post(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('principalOf', () => {
  it('finds the member behind a member token and the role behind an API key token', () => {
    expect(principalOf(STATE, 'Bearer member-token', NOW)).toEqual({
      kind: 'member',
      memberId: 'wm-1',
      roleId: 'member',
    });
    expect(principalOf(STATE, 'Bearer live-token', NOW)).toEqual({
      kind: 'apiKey',
      apiKeyId: 'k-live',
      roleId: 'admin',
    });
  });

  it('refuses a missing, unknown, expired or revoked token, saying which', () => {
    expect(principalOf(STATE, undefined, NOW)).toBe('missing bearer token');
    expect(principalOf(STATE, 'Basic abc', NOW)).toBe('missing bearer token');
    expect(principalOf(STATE, 'Bearer nope', NOW)).toBe('invalid token');
    expect(principalOf(STATE, 'Bearer old-token', NOW)).toBe('API key expired');
    expect(principalOf(STATE, 'Bearer revoked-token', NOW)).toBe('API key revoked');
  });
});

describe('the sandbox server', () => {
  it('routes /graphql to the core API and /metadata to the metadata API, with the caller', async () => {
    const url = await start();
    const core = await post(
      `${url}/graphql`,
      { query: '{ people { totalCount } }', variables: { a: 1 } },
      'member-token',
    );
    expect(core.status).toBe(200);
    expect(core.json.data).toEqual({
      api: 'core',
      principal: { kind: 'member', memberId: 'wm-1', roleId: 'member' },
      variables: { a: 1 },
    });
    const metadata = await post(`${url}/metadata`, { query: '{ getRoles { id } }' }, 'live-token');
    expect((metadata.json.data as { api: string }).api).toBe('metadata');
  });

  it('answers a request without a valid token with 401 and UNAUTHENTICATED', async () => {
    const url = await start();
    const { status, json } = await post(`${url}/graphql`, { query: '{ x }' }, 'nope');
    expect(status).toBe(401);
    expect(json).toEqual({
      errors: [{ message: 'invalid token', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('refuses a body that is not JSON with a query, and one that is too large', async () => {
    const url = await start();
    expect((await post(`${url}/graphql`, 'not json', 'member-token')).status).toBe(400);
    expect((await post(`${url}/graphql`, { variables: {} }, 'member-token')).status).toBe(400);
    expect((await post(`${url}/graphql`, { query: 'x'.repeat(2000) }, 'member-token')).status).toBe(
      413,
    );
  });

  it('answers health checks, unknown paths and other methods', async () => {
    const url = await start();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/rest/people`)).status).toBe(404);
    expect((await fetch(`${url}/graphql`)).status).toBe(405);
  });

  it('listens on loopback only', async () => {
    const url = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
