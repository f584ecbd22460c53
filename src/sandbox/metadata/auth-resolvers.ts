/**
 * Twenty's password sign-in, the flow whose token passes `UserAuthGuard` (repo
 * `core-modules/auth/auth.resolver.ts`, all behind `PublicEndpointGuard`):
 *
 * 1. `getLoginTokenFromCredentials(email, password, origin)`: the workspace from the origin
 *    (`getWorkspaceByOriginOrDefaultWorkspace`; a single-workspace server answers its only
 *    one), the password checked (`assert-user-password-is-valid-or-throw.util.ts`), a login
 *    token back.
 * 2. `getAuthTokensFromLoginToken(loginToken, origin)`: the login token checked for that
 *    workspace, two-factor required when the member has a verified method or the workspace
 *    enforces it (`two-factor-authentication.service.ts`
 *    `validateTwoFactorAuthenticationRequirement`), else a workspace access token and a refresh
 *    token. `getAuthTokensFromOTP(otp, loginToken, origin)` is the same with a TOTP code.
 * 3. `renewToken(appToken)`: a refresh token for a new pair; the old one is revoked, and using
 *    a revoked one after the cool-down revokes them all (`refresh-token.service.ts`).
 *
 * `signIn` is not served: it yields a workspace-agnostic token, which no workspace endpoint
 * accepts, so it is of no use to Tiergate.
 */
import { z } from 'zod';
import type { IssuedToken, SandboxMember, WorkspaceState } from '../workspace.js';
import {
  ACCESS_TOKEN_TTL_MS,
  authOf,
  LOGIN_TOKEN_TTL_MS,
  passwordMatches,
  REFRESH_TOKEN_COOL_DOWN_MS,
  REFRESH_TOKEN_TTL_MS,
  totpMatches,
  withAuth,
} from './auth-state.js';
import type { MetadataDeps, ResolverArgs } from './context.js';
import { metadataError } from './errors.js';
import { parseArgs } from './parse.js';

/** A root field served without a principal. */
export type PublicResolver = (args: ResolverArgs, deps: MetadataDeps) => unknown;

/** `AuthException` as `auth-graphql-api-exception-handler.util.ts` maps it. */
const authErrors = {
  userNotFound: () =>
    metadataError('User not found', 'UNAUTHENTICATED', { subCode: 'USER_NOT_FOUND' }),
  workspaceNotFound: () =>
    metadataError('Workspace not found', 'UNAUTHENTICATED', { subCode: 'WORKSPACE_NOT_FOUND' }),
  noPassword: () =>
    metadataError('Incorrect login method', 'BAD_USER_INPUT', {
      subCode: 'INVALID_INPUT',
      userFriendlyMessage: 'User was not created with email/password',
    }),
  wrongPassword: () =>
    metadataError('Wrong password', 'FORBIDDEN', {
      subCode: 'FORBIDDEN_EXCEPTION',
      userFriendlyMessage: 'Wrong password.',
    }),
  tokenExpired: () =>
    metadataError('Token has expired.', 'UNAUTHENTICATED', { subCode: 'UNAUTHENTICATED' }),
  tokenInvalid: () =>
    metadataError('Token invalid.', 'UNAUTHENTICATED', { subCode: 'UNAUTHENTICATED' }),
  verificationRequired: () =>
    metadataError('Two factor authentication verification required', 'FORBIDDEN', {
      subCode: 'TWO_FACTOR_AUTHENTICATION_VERIFICATION_REQUIRED',
    }),
  provisionRequired: () =>
    metadataError('Two factor authentication setup required', 'FORBIDDEN', {
      subCode: 'TWO_FACTOR_AUTHENTICATION_PROVISION_REQUIRED',
    }),
  invalidOtp: () => metadataError('Invalid OTP', 'FORBIDDEN', { subCode: 'INVALID_OTP' }),
  noTotpMethod: () =>
    metadataError('Two Factor Authentication Method not found.', 'FORBIDDEN', {
      subCode: 'INVALID_CONFIGURATION',
    }),
  refreshUnknown: () =>
    metadataError("This refresh token doesn't exist", 'BAD_USER_INPUT', {
      subCode: 'INVALID_INPUT',
    }),
  refreshReused: () =>
    metadataError(
      'Suspicious activity detected, this refresh token has been revoked. All tokens have been revoked.',
      'FORBIDDEN',
      { subCode: 'FORBIDDEN_EXCEPTION' },
    ),
};

/** The workspace an origin names; the sandbox serves one workspace, as a single-workspace Twenty. */
function checkOrigin(origin: string): void {
  try {
    new URL(origin);
  } catch {
    throw authErrors.workspaceNotFound();
  }
}

function memberByEmail(state: WorkspaceState, email: string): SandboxMember | undefined {
  const wanted = email.trim().toLowerCase();
  return state.members.find((m) => m.userEmail.toLowerCase() === wanted);
}

interface TokenPair {
  readonly accessOrWorkspaceAgnosticToken: { token: string; expiresAt: string };
  readonly refreshToken: { token: string; expiresAt: string };
}

function issuePair(deps: MetadataDeps, memberId: string, spent?: string): TokenPair {
  const now = deps.now().getTime();
  const access = { token: deps.newToken(), expiresAt: new Date(now + ACCESS_TOKEN_TTL_MS) };
  const refresh = { token: deps.newToken(), expiresAt: new Date(now + REFRESH_TOKEN_TTL_MS) };
  deps.update((state) =>
    withAuth(
      state,
      (auth) => ({
        ...auth,
        loginTokens: Object.fromEntries(
          Object.entries(auth.loginTokens).filter(([token]) => token !== spent),
        ),
        accessTokens: {
          ...auth.accessTokens,
          [access.token]: { memberId, expiresAt: access.expiresAt.toISOString() },
        },
        refreshTokens: {
          ...auth.refreshTokens,
          [refresh.token]: {
            memberId,
            expiresAt: refresh.expiresAt.toISOString(),
            revokedAt: null,
          },
        },
      }),
      now,
    ),
  );
  return {
    accessOrWorkspaceAgnosticToken: {
      token: access.token,
      expiresAt: access.expiresAt.toISOString(),
    },
    refreshToken: { token: refresh.token, expiresAt: refresh.expiresAt.toISOString() },
  };
}

const credentialArgs = z.object({ email: z.string(), password: z.string(), origin: z.string() });

const getLoginTokenFromCredentials: PublicResolver = (args, deps) => {
  const { email, password, origin } = parseArgs(credentialArgs, args);
  checkOrigin(origin);
  const member = memberByEmail(deps.getState(), email);
  if (member === undefined) throw authErrors.userNotFound();
  if (member.passwordHash === undefined) throw authErrors.noPassword();
  if (!passwordMatches(password, member.passwordHash)) throw authErrors.wrongPassword();
  const now = deps.now().getTime();
  const token = deps.newToken();
  const expiresAt = new Date(now + LOGIN_TOKEN_TTL_MS).toISOString();
  deps.update((state) =>
    withAuth(
      state,
      (auth) => ({
        ...auth,
        loginTokens: { ...auth.loginTokens, [token]: { memberId: member.id, expiresAt } },
      }),
      now,
    ),
  );
  return { loginToken: { token, expiresAt } };
};

function loginTokenMember(deps: MetadataDeps, loginToken: string): SandboxMember {
  const state = deps.getState();
  const auth = authOf(state);
  const issued: IssuedToken | undefined = Object.hasOwn(auth.loginTokens, loginToken)
    ? auth.loginTokens[loginToken]
    : undefined;
  if (issued === undefined) throw authErrors.tokenInvalid();
  if (Date.parse(issued.expiresAt) <= deps.now().getTime()) throw authErrors.tokenExpired();
  const member = state.members.find((m) => m.id === issued.memberId);
  if (member === undefined) throw authErrors.userNotFound();
  return member;
}

const getAuthTokensFromLoginToken: PublicResolver = (args, deps) => {
  const { loginToken, origin } = parseArgs(
    z.object({ loginToken: z.string(), origin: z.string() }),
    args,
  );
  checkOrigin(origin);
  const member = loginTokenMember(deps, loginToken);
  if (member.totpSecret !== undefined) throw authErrors.verificationRequired();
  if (deps.getState().twoFactorEnforced === true) throw authErrors.provisionRequired();
  return { tokens: issuePair(deps, member.id, loginToken) };
};

const getAuthTokensFromOTP: PublicResolver = (args, deps) => {
  const { otp, loginToken, origin } = parseArgs(
    z.object({ otp: z.string(), loginToken: z.string(), origin: z.string() }),
    args,
  );
  checkOrigin(origin);
  const member = loginTokenMember(deps, loginToken);
  if (member.totpSecret === undefined) throw authErrors.noTotpMethod();
  if (!totpMatches(member.totpSecret, otp, deps.now().getTime())) throw authErrors.invalidOtp();
  return { tokens: issuePair(deps, member.id, loginToken) };
};

const renewToken: PublicResolver = (args, deps) => {
  const { appToken } = parseArgs(z.object({ appToken: z.string() }), args);
  const now = deps.now().getTime();
  const auth = authOf(deps.getState());
  const issued = Object.hasOwn(auth.refreshTokens, appToken)
    ? auth.refreshTokens[appToken]
    : undefined;
  if (issued === undefined) throw authErrors.refreshUnknown();
  if (Date.parse(issued.expiresAt) <= now) throw authErrors.tokenExpired();
  if (
    issued.revokedAt != null &&
    Date.parse(issued.revokedAt) <= now - REFRESH_TOKEN_COOL_DOWN_MS
  ) {
    const revokedAt = new Date(now).toISOString();
    deps.update((state) =>
      withAuth(
        state,
        (current) => ({
          ...current,
          refreshTokens: Object.fromEntries(
            Object.entries(current.refreshTokens).map(([token, t]) => [
              token,
              t.memberId === issued.memberId ? { ...t, revokedAt: t.revokedAt ?? revokedAt } : t,
            ]),
          ),
        }),
        now,
      ),
    );
    throw authErrors.refreshReused();
  }
  const revokedAt = issued.revokedAt ?? new Date(now).toISOString();
  deps.update((state) =>
    withAuth(
      state,
      (current) => ({
        ...current,
        refreshTokens: { ...current.refreshTokens, [appToken]: { ...issued, revokedAt } },
      }),
      now,
    ),
  );
  return { tokens: issuePair(deps, issued.memberId) };
};

/** Revokes the refresh token given; answers true whatever it was, as Twenty does. */
const signOut: PublicResolver = (args, deps) => {
  const { refreshToken } = parseArgs(z.object({ refreshToken: z.string().nullish() }), args);
  if (refreshToken == null) return true;
  const now = deps.now().getTime();
  deps.update((state) =>
    withAuth(
      state,
      (auth) => {
        const issued = Object.hasOwn(auth.refreshTokens, refreshToken)
          ? auth.refreshTokens[refreshToken]
          : undefined;
        if (issued === undefined) return auth;
        return {
          ...auth,
          refreshTokens: {
            ...auth.refreshTokens,
            [refreshToken]: { ...issued, revokedAt: new Date(now).toISOString() },
          },
        };
      },
      now,
    ),
  );
  return true;
};

export const publicResolvers: Readonly<Record<string, PublicResolver>> = {
  getLoginTokenFromCredentials,
  getAuthTokensFromLoginToken,
  getAuthTokensFromOTP,
  renewToken,
  signOut,
};
