/**
 * The sandbox's side of Twenty's password sign-in: hashed passwords, the tokens the flow issues
 * (login, access, refresh) with Twenty's default lifetimes, and time-based one-time codes.
 *
 * Lifetimes are Twenty's defaults (repo `core-modules/twenty-config/config-variables.ts`:
 * `LOGIN_TOKEN_EXPIRES_IN` 15m, `ACCESS_TOKEN_EXPIRES_IN` 30m, `REFRESH_TOKEN_EXPIRES_IN` 60d,
 * `REFRESH_TOKEN_COOL_DOWN` 1m). Tokens are opaque random strings, not JWTs: nothing outside
 * the sandbox reads them.
 */
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { IssuedToken, Principal, SandboxAuthState, WorkspaceState } from '../workspace.js';

export const LOGIN_TOKEN_TTL_MS = 15 * 60_000;
export const ACCESS_TOKEN_TTL_MS = 30 * 60_000;
export const REFRESH_TOKEN_TTL_MS = 60 * 24 * 60 * 60_000;
export const REFRESH_TOKEN_COOL_DOWN_MS = 60_000;

export const EMPTY_AUTH: SandboxAuthState = {
  loginTokens: {},
  accessTokens: {},
  refreshTokens: {},
  applicationTokens: {},
};

export function authOf(state: WorkspaceState): SandboxAuthState {
  return state.auth ?? EMPTY_AUTH;
}

/** `scrypt:<salt>:<hash>`, both base64: a sandbox never keeps a password as it was given. */
export function hashPassword(password: string, salt = randomBytes(16)): string {
  const hash = scryptSync(password, salt, 32);
  return `scrypt:${salt.toString('base64')}:${hash.toString('base64')}`;
}

export function passwordMatches(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split(':');
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(actual, expected);
}

function live(token: IssuedToken | undefined, now: number): token is IssuedToken {
  return token !== undefined && Date.parse(token.expiresAt) > now;
}

/** The member behind an access token or an application's member token; undefined otherwise. */
export function sessionPrincipal(
  state: WorkspaceState,
  token: string,
  now: number,
): Principal | undefined {
  const auth = authOf(state);
  const access = Object.hasOwn(auth.accessTokens, token) ? auth.accessTokens[token] : undefined;
  const applicationMember = Object.hasOwn(auth.applicationTokens, token)
    ? auth.applicationTokens[token]
    : undefined;
  const memberId = live(access, now) ? access.memberId : applicationMember;
  const member = state.members.find((m) => m.id === memberId);
  if (member === undefined) return undefined;
  return {
    kind: 'member',
    memberId: member.id,
    roleId: member.roleId,
    ...(applicationMember === undefined ? {} : { actingAsWorkspaceMember: true }),
  };
}

/** Drops what expired, so a long-running sandbox's state does not grow without end. */
function pruned(
  tokens: Readonly<Record<string, IssuedToken>>,
  now: number,
): Record<string, IssuedToken> {
  return Object.fromEntries(Object.entries(tokens).filter(([, t]) => live(t, now)));
}

export function withAuth(
  state: WorkspaceState,
  change: (auth: SandboxAuthState) => SandboxAuthState,
  now: number,
): WorkspaceState {
  const auth = authOf(state);
  return {
    ...state,
    auth: change({
      loginTokens: pruned(auth.loginTokens, now),
      accessTokens: pruned(auth.accessTokens, now),
      refreshTokens: pruned(auth.refreshTokens, now),
      applicationTokens: auth.applicationTokens,
    }),
  };
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text: string): Buffer {
  const bits = Array.from(text.replace(/=+$/, '').toUpperCase())
    .map((c) => {
      const value = BASE32.indexOf(c);
      if (value < 0) throw new RangeError('a TOTP secret must be base32');
      return value.toString(2).padStart(5, '0');
    })
    .join('');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/**
 * RFC 6238 code (SHA-1, 6 digits, 30 s steps: Twenty's `TOTP_DEFAULT_CONFIGURATION`). Written
 * here rather than adding otplib: a dozen lines of node:crypto for a test double's one check.
 */
export function totpCode(secret: string, at: number, stepOffset = 0): string {
  const counter = Math.floor(at / 30_000) + stepOffset;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac('sha1', base32Decode(secret)).update(message).digest();
  const offset = (digest.at(-1) ?? 0) & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

/** Accepts the current step and one either side, as otplib's default window does. */
export function totpMatches(secret: string, code: string, at: number): boolean {
  return [-1, 0, 1].some((step) => totpCode(secret, at, step) === code);
}
