import { describe, expect, it } from 'vitest';
import type { WorkspaceState } from '../workspace.js';
import { hashPassword, sessionPrincipal, totpCode } from './auth-state.js';
import { ALICE, BOB, NOW, firstError, harness, workspaceState } from './fixture.test-support.js';
import { createMetadataApi } from './metadata-api.js';

const PASSWORD = 'correct horse battery staple';
const ORIGIN = 'http://127.0.0.1:3030';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

const LOGIN = `
  mutation Login($email: String!, $password: String!, $origin: String!) {
    getLoginTokenFromCredentials(email: $email, password: $password, origin: $origin) {
      loginToken { token expiresAt }
    }
  }`;
const TOKENS = `
  mutation Tokens($loginToken: String!, $origin: String!) {
    getAuthTokensFromLoginToken(loginToken: $loginToken, origin: $origin) {
      tokens { accessOrWorkspaceAgnosticToken { token expiresAt } refreshToken { token expiresAt } }
    }
  }`;
const OTP = `
  mutation Otp($otp: String!, $loginToken: String!, $origin: String!) {
    getAuthTokensFromOTP(otp: $otp, loginToken: $loginToken, origin: $origin) {
      tokens { accessOrWorkspaceAgnosticToken { token } refreshToken { token } }
    }
  }`;
const RENEW = `
  mutation Renew($appToken: String!) {
    renewToken(appToken: $appToken) {
      tokens { accessOrWorkspaceAgnosticToken { token } refreshToken { token } }
    }
  }`;

function withPasswords(overrides: Partial<WorkspaceState> = {}): WorkspaceState {
  const base = workspaceState(overrides);
  return {
    ...base,
    members: base.members.map((m) =>
      m.id === ALICE.id ? { ...m, passwordHash: hashPassword(PASSWORD) } : m,
    ),
  };
}

interface Pair {
  accessOrWorkspaceAgnosticToken: { token: string; expiresAt?: string };
  refreshToken: { token: string; expiresAt?: string };
}

async function loginToken(h: ReturnType<typeof harness>, password = PASSWORD) {
  const result = await h.api.executePublic({
    source: LOGIN,
    variables: { email: 'Alice@acme.test', password, origin: ORIGIN },
  });
  return result;
}

describe('password sign-in', () => {
  it('yields a workspace access token that acts as the member, from a login token', async () => {
    const h = harness(withPasswords());
    const login = await loginToken(h);
    const token = (login?.data?.getLoginTokenFromCredentials as { loginToken: { token: string } })
      .loginToken.token;
    const tokens = await h.api.executePublic({
      source: TOKENS,
      variables: { loginToken: token, origin: ORIGIN },
    });
    const pair = (tokens?.data?.getAuthTokensFromLoginToken as { tokens: Pair }).tokens;
    expect(pair.accessOrWorkspaceAgnosticToken.expiresAt).toBe('2026-06-30T12:30:00.000Z');
    expect(sessionPrincipal(h.state(), pair.accessOrWorkspaceAgnosticToken.token, +NOW)).toEqual({
      kind: 'member',
      memberId: ALICE.id,
      roleId: ALICE.roleId,
    });
    // A login token is spent once.
    const again = await h.api.executePublic({
      source: TOKENS,
      variables: { loginToken: token, origin: ORIGIN },
    });
    expect(again && firstError(again)?.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses a wrong password as Twenty does, and keeps no token', async () => {
    const h = harness(withPasswords());
    const result = await loginToken(h, 'wrong');
    expect(result && firstError(result)).toEqual({
      message: 'Wrong password',
      extensions: {
        code: 'FORBIDDEN',
        subCode: 'FORBIDDEN_EXCEPTION',
        userFriendlyMessage: 'Wrong password.',
      },
    });
    expect(h.state().auth).toBeUndefined();
  });

  it('refuses a member who has no password', async () => {
    const h = harness(withPasswords());
    const result = await h.api.executePublic({
      source: LOGIN,
      variables: { email: BOB.userEmail, password: PASSWORD, origin: ORIGIN },
    });
    expect(result && firstError(result)?.message).toBe('Incorrect login method');
  });

  it('serves no workspace endpoint without a token', async () => {
    const h = harness(withPasswords());
    expect(await h.api.executePublic({ source: '{ getRoles { id } }' })).toBeUndefined();
  });

  it('asks for a one-time code when the member has one, and accepts the right one', async () => {
    const base = withPasswords();
    const h = harness({
      ...base,
      members: base.members.map((m) => (m.id === ALICE.id ? { ...m, totpSecret: TOTP_SECRET } : m)),
    });
    const login = await loginToken(h);
    const token = (login?.data?.getLoginTokenFromCredentials as { loginToken: { token: string } })
      .loginToken.token;
    const refused = await h.api.executePublic({
      source: TOKENS,
      variables: { loginToken: token, origin: ORIGIN },
    });
    expect(refused && firstError(refused)).toEqual({
      message: 'Two factor authentication verification required',
      extensions: {
        code: 'FORBIDDEN',
        subCode: 'TWO_FACTOR_AUTHENTICATION_VERIFICATION_REQUIRED',
      },
    });
    const wrong = await h.api.executePublic({
      source: OTP,
      variables: { otp: '000000', loginToken: token, origin: ORIGIN },
    });
    expect(wrong && firstError(wrong)?.message).toBe('Invalid OTP');
    const right = await h.api.executePublic({
      source: OTP,
      variables: { otp: totpCode(TOTP_SECRET, +NOW), loginToken: token, origin: ORIGIN },
    });
    expect(right?.errors).toBeUndefined();
  });

  it('asks a member without a method to set one up where the workspace enforces it', async () => {
    const h = harness(withPasswords({ twoFactorEnforced: true }));
    const login = await loginToken(h);
    const token = (login?.data?.getLoginTokenFromCredentials as { loginToken: { token: string } })
      .loginToken.token;
    const refused = await h.api.executePublic({
      source: TOKENS,
      variables: { loginToken: token, origin: ORIGIN },
    });
    expect(refused && firstError(refused)?.extensions).toMatchObject({
      subCode: 'TWO_FACTOR_AUTHENTICATION_PROVISION_REQUIRED',
    });
  });

  it('renews with the refresh token, revokes it, and treats a late reuse as theft', async () => {
    const h = clockHarness(withPasswords());
    const run = async (source: string, variables: Record<string, unknown>) => {
      const result = await h.api.executePublic({ source, variables });
      if (result === undefined) throw new Error('not served publicly');
      return result;
    };
    const login = await run(LOGIN, { email: ALICE.userEmail, password: PASSWORD, origin: ORIGIN });
    const loginTokenValue = (
      login.data?.getLoginTokenFromCredentials as { loginToken: { token: string } }
    ).loginToken.token;
    const first = (
      (await run(TOKENS, { loginToken: loginTokenValue, origin: ORIGIN })).data
        ?.getAuthTokensFromLoginToken as { tokens: Pair }
    ).tokens;
    // Past the access token's 30 minutes it no longer acts as anyone.
    h.advance(31 * 60_000);
    expect(sessionPrincipal(h.state(), first.accessOrWorkspaceAgnosticToken.token, h.now())).toBe(
      undefined,
    );
    const renewed = await run(RENEW, { appToken: first.refreshToken.token });
    const second = (renewed.data?.renewToken as { tokens: Pair }).tokens;
    expect(
      sessionPrincipal(h.state(), second.accessOrWorkspaceAgnosticToken.token, h.now())?.kind,
    ).toBe('member');
    // Reused after the one-minute cool-down: every refresh token of the member is revoked.
    h.advance(2 * 60_000);
    const reused = await run(RENEW, { appToken: first.refreshToken.token });
    expect(firstError(reused)?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      subCode: 'FORBIDDEN_EXCEPTION',
    });
    h.advance(2 * 60_000);
    const again = await run(RENEW, { appToken: second.refreshToken.token });
    expect(firstError(again)?.message).toMatch(/^Suspicious activity detected/);
  });
});

function clockHarness(initial: WorkspaceState) {
  let state = initial;
  let now = +NOW;
  let tokens = 0;
  const api = createMetadataApi({
    getState: () => state,
    update: (mutator) => {
      state = mutator(state);
    },
    now: () => new Date(now),
    newId: () => 'id',
    newToken: () => `token-${String(++tokens)}`,
  });
  return {
    api,
    state: () => state,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
