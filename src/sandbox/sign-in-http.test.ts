import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox } from './sandbox.js';
import { startSandboxServer, type RunningSandbox } from './server.js';

let running: RunningSandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<{ status: number; body: { data?: Record<string, unknown>; errors?: unknown[] } }> {
  const response = await fetch(`${url}/metadata`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}

describe('password sign-in over HTTP', () => {
  it('serves the sign-in mutations without a token, and nothing else', async () => {
    const sandbox = await createSandbox({
      rls: false,
      seed: 'default',
      seedCounts: { members: 14, companies: 1, people: 1, opportunities: 1 },
      adminPassword: 'http-sign-in-password',
    });
    running = await startSandboxServer(sandbox.serverOptions, 0);
    const { url } = running;
    const email = sandbox.adminLogin?.email ?? '';
    const login = await post(
      url,
      `mutation ($email: String!, $password: String!, $origin: String!) {
        getLoginTokenFromCredentials(email: $email, password: $password, origin: $origin) {
          loginToken { token }
        }
      }`,
      { email, password: 'http-sign-in-password', origin: url },
    );
    expect(login.status).toBe(200);
    const loginToken = (
      login.body.data?.getLoginTokenFromCredentials as { loginToken: { token: string } }
    ).loginToken.token;
    const tokens = await post(
      url,
      `mutation ($loginToken: String!, $origin: String!) {
        getAuthTokensFromLoginToken(loginToken: $loginToken, origin: $origin) {
          tokens { accessOrWorkspaceAgnosticToken { token } }
        }
      }`,
      { loginToken, origin: url },
    );
    const access = (
      tokens.body.data?.getAuthTokensFromLoginToken as {
        tokens: { accessOrWorkspaceAgnosticToken: { token: string } };
      }
    ).tokens.accessOrWorkspaceAgnosticToken.token;
    const me = await post(url, '{ currentUser { email } }', {}, access);
    expect(me.body.data).toEqual({ currentUser: { email } });
    // A workspace endpoint without a token is refused as before.
    expect((await post(url, '{ getRoles { id } }', {})).status).toBe(401);
  });
});
