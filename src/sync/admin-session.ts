/**
 * An admin's session on Twenty, for the one thing an API key may not do: move a member to a
 * role. `updateWorkspaceMemberRole` carries `UserAuthGuard` (repo `engine/metadata-modules/
 * role/role.resolver.ts`, `engine/guards/user-auth.guard.ts`): only a person's own workspace
 * session passes.
 *
 * Twenty's password flow gives one (repo `core-modules/auth/auth.resolver.ts`):
 * `getLoginTokenFromCredentials(email, password, origin)`, then
 * `getAuthTokensFromLoginToken(loginToken, origin)` (or `getAuthTokensFromOTP` when the account
 * has two-factor), with the server's own origin, which is how Twenty finds the workspace on a
 * multi-workspace server. `signIn` is not used: its token is workspace-agnostic and no
 * workspace endpoint accepts it. The access token lasts 30 minutes by default and is renewed
 * with the refresh token (`renewToken`, which revokes the refresh token it is given).
 *
 * The tokens are kept in `.tiergate/admin-session.json` (mode 0600), sealed with the same key
 * as the installation's secrets (secret-box.ts); who signed in and until when stay readable,
 * so `tiergate login --status` and `doctor` can say so without the key.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { HostClient } from '../host/client.js';
import { CurrentUserDocument } from '../host/generated/metadata.js';
import { HostError } from '../host/host-error.js';
import type { Installation } from './installation.js';
import { open, seal, secretKey } from './secret-box.js';

export const ADMIN_SESSION_FILE = join('.tiergate', 'admin-session.json');

/** Renew when the access token has less than this left, so a request sent now still carries it. */
const RENEW_MARGIN_MS = 5 * 60_000;

const storedSchema = z.strictObject({
  hostUrl: z.string(),
  email: z.string(),
  memberId: z.string(),
  signedInAt: z.string(),
  accessExpiresAt: z.string(),
  refreshExpiresAt: z.string(),
  /** `{ accessToken, refreshToken }`, sealed. */
  sealedTokens: z.string(),
});

type Stored = z.infer<typeof storedSchema>;

const tokensSchema = z.strictObject({ accessToken: z.string(), refreshToken: z.string() });

export interface AdminTokens {
  readonly accessToken: string;
  readonly accessExpiresAt: string;
  readonly refreshToken: string;
  readonly refreshExpiresAt: string;
}

/** A signed-in admin: who, on which host, and the tokens. */
export interface AdminSession extends AdminTokens {
  readonly hostUrl: string;
  readonly email: string;
  readonly memberId: string;
  readonly signedInAt: string;
}

/** Where the session file is and how to open it. */
export interface SessionPlace {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A session that is missing, for another host, or can no longer be renewed: sign in again. */
export class AdminSessionError extends Error {
  override readonly name = 'AdminSessionError';
  /** What is wrong, without the fix; the message when not given apart. */
  readonly problem: string;
  /** The command that fixes it, when the message ends with one. */
  readonly fix: string | undefined;

  constructor(message: string, parts?: { readonly problem: string; readonly fix?: string }) {
    super(message);
    this.problem = parts?.problem ?? message;
    this.fix = parts?.fix;
  }
}

/** An error whose message is `problem: fix`, keeping both apart for callers that word it anew. */
function sessionError(problem: string, fix: string): AdminSessionError {
  return new AdminSessionError(`${problem}: ${fix}`, { problem, fix });
}

/** The command that signs an admin in to `hostUrl`. */
export function loginCommand(hostUrl: string, email?: string): string {
  return `tiergate login --host ${hostUrl}${email === undefined ? '' : ` --email ${email}`}`;
}

function originOf(hostUrl: string): string {
  return new URL(hostUrl).origin;
}

/** A request to one of Twenty's public sign-in mutations: no Authorization header at all. */
async function publicRequest<T>(
  hostUrl: string,
  operation: string,
  query: string,
  variables: Record<string, unknown>,
  fetchFn: typeof fetch,
): Promise<T> {
  const origin = originOf(hostUrl);
  let response: Response;
  try {
    response = await fetchFn(`${hostUrl.replace(/\/+$/, '')}/metadata`, {
      method: 'POST',
      // Twenty reads the workspace from the origin: the server's own, as its front end sends.
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new HostError(
      { operation, retryable: true, message: `no answer from ${hostUrl} (${String(error)})` },
      { cause: error },
    );
  }
  let body: { data?: T | null; errors?: { message: string; extensions?: unknown }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new HostError({
      operation,
      status: response.status,
      message: `the host answered HTTP ${response.status} without JSON`,
    });
  }
  const errors = body.errors ?? [];
  if (errors.length > 0 || body.data == null) {
    const codes = errors.flatMap((e) => {
      const { code, subCode } = (e.extensions ?? {}) as { code?: unknown; subCode?: unknown };
      return [code, subCode].filter((c): c is string => typeof c === 'string');
    });
    throw new HostError({
      operation,
      status: response.status,
      codes,
      message: errors[0]?.message ?? `the host answered HTTP ${response.status} without data`,
    });
  }
  return body.data;
}

interface TokenPair {
  readonly tokens: {
    readonly accessOrWorkspaceAgnosticToken: { readonly token: string; readonly expiresAt: string };
    readonly refreshToken: { readonly token: string; readonly expiresAt: string };
  };
}

const PAIR = `tokens {
  accessOrWorkspaceAgnosticToken { token expiresAt }
  refreshToken { token expiresAt }
}`;

function tokensOf(pair: TokenPair): AdminTokens {
  return {
    accessToken: pair.tokens.accessOrWorkspaceAgnosticToken.token,
    accessExpiresAt: pair.tokens.accessOrWorkspaceAgnosticToken.expiresAt,
    refreshToken: pair.tokens.refreshToken.token,
    refreshExpiresAt: pair.tokens.refreshToken.expiresAt,
  };
}

export interface SignInOptions {
  readonly hostUrl: string;
  readonly email: string;
  /** Never logged, never stored. */
  readonly password: string;
  /** Asked for only when the account has two-factor on. */
  readonly otp?: () => Promise<string>;
  readonly fetch?: typeof fetch;
}

/** A sign-in refused in a way the person can fix: the message says how. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}

function explainSignIn(error: unknown, email: string, hostUrl: string): never {
  if (!(error instanceof HostError)) throw error;
  if (error.has('TWO_FACTOR_AUTHENTICATION_PROVISION_REQUIRED'))
    throw new SignInError(
      `${hostUrl} requires two-factor authentication and ${email} has none set up: sign in to Twenty in a browser once to set it up, then run tiergate login again`,
    );
  if (error.has('INVALID_OTP'))
    throw new SignInError(`Twenty refused the two-factor code for ${email}: try a fresh code`);
  if (error.has('FORBIDDEN_EXCEPTION') || error.has('USER_NOT_FOUND'))
    throw new SignInError(
      `Twenty refused the email or password for ${email} on ${hostUrl} (${error.message})`,
    );
  if (error.has('INVALID_INPUT'))
    throw new SignInError(
      `${email} cannot sign in with a password on ${hostUrl} (${error.message}): give the email of an admin who has one`,
    );
  throw error;
}

/** Twenty's password sign-in, two-factor included; see the module comment. */
export async function signIn(options: SignInOptions): Promise<AdminTokens> {
  const fetchFn = options.fetch ?? fetch;
  const origin = originOf(options.hostUrl);
  try {
    const login = await publicRequest<{
      getLoginTokenFromCredentials: { loginToken: { token: string } };
    }>(
      options.hostUrl,
      'getLoginTokenFromCredentials',
      `mutation GetLoginToken($email: String!, $password: String!, $origin: String!) {
        getLoginTokenFromCredentials(email: $email, password: $password, origin: $origin) {
          loginToken { token }
        }
      }`,
      { email: options.email, password: options.password, origin },
      fetchFn,
    );
    const loginToken = login.getLoginTokenFromCredentials.loginToken.token;
    try {
      const answer = await publicRequest<{ getAuthTokensFromLoginToken: TokenPair }>(
        options.hostUrl,
        'getAuthTokensFromLoginToken',
        `mutation GetAuthTokens($loginToken: String!, $origin: String!) {
          getAuthTokensFromLoginToken(loginToken: $loginToken, origin: $origin) { ${PAIR} }
        }`,
        { loginToken, origin },
        fetchFn,
      );
      return tokensOf(answer.getAuthTokensFromLoginToken);
    } catch (error) {
      if (
        !(error instanceof HostError) ||
        !error.has('TWO_FACTOR_AUTHENTICATION_VERIFICATION_REQUIRED')
      )
        throw error;
      if (options.otp === undefined)
        throw new SignInError(
          `${options.email} has two-factor authentication on: give the current code with --otp CODE (or $TIERGATE_OTP)`,
        );
      const otp = await options.otp();
      const answer = await publicRequest<{ getAuthTokensFromOTP: TokenPair }>(
        options.hostUrl,
        'getAuthTokensFromOTP',
        `mutation GetAuthTokensFromOtp($otp: String!, $loginToken: String!, $origin: String!) {
          getAuthTokensFromOTP(otp: $otp, loginToken: $loginToken, origin: $origin) { ${PAIR} }
        }`,
        { otp, loginToken, origin },
        fetchFn,
      );
      return tokensOf(answer.getAuthTokensFromOTP);
    }
  } catch (error) {
    explainSignIn(error, options.email, options.hostUrl);
  }
}

/** A new token pair for the refresh token; Twenty revokes the one given. */
export async function renewTokens(
  hostUrl: string,
  refreshToken: string,
  fetchFn: typeof fetch = fetch,
): Promise<AdminTokens> {
  const answer = await publicRequest<{ renewToken: TokenPair }>(
    hostUrl,
    'renewToken',
    `mutation RenewToken($appToken: String!) { renewToken(appToken: $appToken) { ${PAIR} } }`,
    { appToken: refreshToken },
    fetchFn,
  );
  return tokensOf(answer.renewToken);
}

/** Who the access token is, and whether they may manage roles (Twenty's ROLES flag). */
export async function whoIs(
  hostUrl: string,
  accessToken: string,
  fetchFn?: typeof fetch,
): Promise<{ memberId: string; email: string; canManageRoles: boolean }> {
  const client = new HostClient({
    url: `${hostUrl.replace(/\/+$/, '')}/metadata`,
    token: accessToken,
    retry: { attempts: 2 },
    ...(fetchFn === undefined ? {} : { fetch: fetchFn }),
  });
  const { currentUser } = await client.request(CurrentUserDocument);
  const memberId = currentUser.workspaceMember?.id;
  if (memberId == null)
    throw new SignInError(`${currentUser.email} has no workspace member on ${hostUrl}`);
  const flags = currentUser.currentUserWorkspace?.permissionFlags ?? [];
  return { memberId, email: currentUser.email, canManageRoles: flags.includes('ROLES') };
}

const fileOf = (cwd: string): string => join(cwd, ADMIN_SESSION_FILE);

export async function saveAdminSession(place: SessionPlace, session: AdminSession): Promise<void> {
  const key = await secretKey(place.env, place.cwd);
  const stored: Stored = {
    hostUrl: session.hostUrl,
    email: session.email,
    memberId: session.memberId,
    signedInAt: session.signedInAt,
    accessExpiresAt: session.accessExpiresAt,
    refreshExpiresAt: session.refreshExpiresAt,
    sealedTokens: seal(
      JSON.stringify({ accessToken: session.accessToken, refreshToken: session.refreshToken }),
      key,
    ),
  };
  await mkdir(join(place.cwd, '.tiergate'), { recursive: true });
  const file = fileOf(place.cwd);
  // Written whole beside it, then renamed over it: a crash or a full disk mid-write leaves the
  // old session, never half a file, and a renewal racing another command never interleaves.
  // A new file ('wx') takes the mode, which writing over an existing one would not.
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** What the session file says without opening the tokens; undefined when there is none. */
export async function readAdminSessionInfo(
  cwd: string,
): Promise<Omit<Stored, 'sealedTokens'> | undefined> {
  const stored = await readStored(cwd);
  if (stored === undefined) return undefined;
  const { sealedTokens: _sealed, ...info } = stored;
  return info;
}

async function readStored(cwd: string): Promise<Stored | undefined> {
  let text: string;
  try {
    text = await readFile(fileOf(cwd), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // A raw SyntaxError names neither the file nor the fix; signing in again rewrites it whole.
    const problem = `${fileOf(cwd)} is not valid JSON (${(error as Error).message})`;
    throw new AdminSessionError(`${problem}: run tiergate login again to replace it`, { problem });
  }
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success) {
    const problem = `${fileOf(cwd)} is not an admin session`;
    throw new AdminSessionError(`${problem}: remove it and run tiergate login again`, { problem });
  }
  return parsed.data;
}

/** The session with its tokens opened; undefined when there is none. */
export async function readAdminSession(place: SessionPlace): Promise<AdminSession | undefined> {
  const stored = await readStored(place.cwd);
  if (stored === undefined) return undefined;
  let tokens: z.infer<typeof tokensSchema>;
  try {
    tokens = tokensSchema.parse(
      JSON.parse(open(stored.sealedTokens, await secretKey(place.env, place.cwd))),
    );
  } catch (error) {
    throw sessionError(
      `the admin session in ${fileOf(place.cwd)} cannot be opened (${(error as Error).message})`,
      loginCommand(stored.hostUrl, stored.email),
    );
  }
  const { sealedTokens: _sealed, ...info } = stored;
  return { ...info, ...tokens };
}

export async function removeAdminSession(cwd: string): Promise<boolean> {
  const existed = (await readStored(cwd).catch(() => undefined)) !== undefined;
  await rm(fileOf(cwd), { force: true });
  return existed;
}

export interface ActiveSessionOptions extends SessionPlace {
  /** The host the command talks to: a session for another host is not used. */
  readonly hostUrl: string;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
}

/** The signed-in admin, with an access token good for a while. */
export interface ActiveAdmin {
  readonly memberId: string;
  readonly email: string;
  readonly accessToken: string;
}

/** Makes a metadata client that sends `accessToken`. */
export type ConnectAdmin = (accessToken: string) => HostClient;

/** The admin's metadata client, as it stands at the moment of asking. */
export type AdminClientSource = () => Promise<HostClient>;

const sameHost = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * The admin session for `hostUrl`, renewed (and saved) when its access token is about to
 * expire; undefined when nobody signed in here for that host. Throws `AdminSessionError` when
 * the session can no longer be renewed (refresh token expired or revoked).
 */
export async function activeAdminSession(
  options: ActiveSessionOptions,
): Promise<ActiveAdmin | undefined> {
  const now = options.now ?? Date.now;
  const session = await readAdminSession(options);
  if (session === undefined || !sameHost(session.hostUrl, options.hostUrl)) return undefined;
  const again = loginCommand(options.hostUrl, session.email);
  if (Date.parse(session.accessExpiresAt) - now() > RENEW_MARGIN_MS) return session;
  if (Date.parse(session.refreshExpiresAt) <= now())
    throw sessionError(
      `the admin session of ${session.email} expired on ${session.refreshExpiresAt}`,
      again,
    );
  let tokens: AdminTokens;
  try {
    tokens = await renewTokens(session.hostUrl, session.refreshToken, options.fetch);
  } catch (error) {
    if (error instanceof HostError && !error.retryable)
      throw sessionError(
        `Twenty refused to renew the admin session of ${session.email} (${error.message})`,
        again,
      );
    throw error;
  }
  const renewed = { ...session, ...tokens };
  await saveAdminSession(options, renewed);
  return renewed;
}

/**
 * The signed-in admin's metadata client, asked for right before each member move rather than
 * once when the command starts: `apply` backfills tiergateViewers first, at Twenty's 100 calls a
 * minute, which can outlast a 30-minute access token taken at the start. Each call renews the
 * session when due (`activeAdminSession`); a new client is made only for a new token.
 *
 * Rejects with `AdminSessionError` when nobody is signed in any more, the session cannot be
 * renewed, or another admin signed in since the moves were planned (`memberId`): the plan left
 * that admin's own move out, not this one's.
 */
export function adminClientSource(
  options: ActiveSessionOptions & { readonly memberId: string },
  connect: ConnectAdmin,
): AdminClientSource {
  let current: { readonly token: string; readonly client: HostClient } | undefined;
  return async () => {
    const admin = await activeAdminSession(options);
    if (admin === undefined)
      throw sessionError(
        `nobody is signed in for ${options.hostUrl} any more`,
        loginCommand(options.hostUrl),
      );
    if (admin.memberId !== options.memberId)
      throw new AdminSessionError(
        `another admin (${admin.email}) signed in after the moves were planned: run the command again`,
      );
    if (current?.token !== admin.accessToken)
      current = { token: admin.accessToken, client: connect(admin.accessToken) };
    return current.client;
  };
}

export type AdminSessionState =
  | 'active'
  | 'missing'
  | 'other-host'
  | 'expired'
  | 'refused'
  | 'not-admin'
  | 'unreadable'
  | 'unreachable';

export interface AdminSessionStatus {
  readonly ok: boolean;
  readonly state: AdminSessionState;
  /** One line: what is the case. */
  readonly message: string;
  /** The command or step that fixes it, when not ok. */
  readonly fix?: string;
  readonly email?: string;
  readonly memberId?: string;
}

/**
 * Whether members can be moved on the installation's host: a session is there, for that host,
 * renewable, and its member still holds the roles setting (asked of the host). For
 * `tiergate doctor`.
 */
export async function adminSessionStatus(
  installation: Pick<Installation, 'hostUrl'>,
  options: SessionPlace & { readonly now?: () => number; readonly fetch?: typeof fetch },
): Promise<AdminSessionStatus> {
  const hostUrl = installation.hostUrl;
  const fix = loginCommand(hostUrl);
  let info: Awaited<ReturnType<typeof readAdminSessionInfo>>;
  try {
    info = await readAdminSessionInfo(options.cwd);
  } catch (error) {
    return { ok: false, state: 'unreadable', message: (error as Error).message, fix };
  }
  if (info === undefined)
    return {
      ok: false,
      state: 'missing',
      message: 'no admin is signed in: member moves wait (an API key may not move members)',
      fix,
    };
  if (!sameHost(info.hostUrl, hostUrl))
    return {
      ok: false,
      state: 'other-host',
      message: `the admin session is for ${info.hostUrl}, not ${hostUrl}`,
      fix,
    };
  const who = { email: info.email, memberId: info.memberId };
  let active: ActiveAdmin | undefined;
  try {
    active = await activeAdminSession({ ...options, hostUrl });
  } catch (error) {
    if (error instanceof AdminSessionError) {
      const expired = /expired/.test(error.message);
      return {
        ok: false,
        state: expired ? 'expired' : 'refused',
        message: error.message,
        fix: loginCommand(hostUrl, info.email),
        ...who,
      };
    }
    if (error instanceof HostError)
      return { ok: false, state: 'unreachable', message: error.message, ...who };
    throw error;
  }
  if (active === undefined)
    return { ok: false, state: 'missing', message: 'no admin is signed in', fix };
  try {
    const identity = await whoIs(hostUrl, active.accessToken, options.fetch);
    if (!identity.canManageRoles)
      return {
        ok: false,
        state: 'not-admin',
        message: `${identity.email} is signed in but no longer holds the roles setting in Twenty`,
        fix: 'sign in as an admin: tiergate login --host ' + hostUrl,
        ...who,
      };
  } catch (error) {
    if (error instanceof HostError)
      return {
        ok: false,
        state: error.retryable ? 'unreachable' : 'refused',
        message: `the admin session of ${info.email} does not work: ${error.message}`,
        fix: loginCommand(hostUrl, info.email),
        ...who,
      };
    throw error;
  }
  return {
    ok: true,
    state: 'active',
    message: `${info.email} is signed in (renewable until ${info.refreshExpiresAt})`,
    ...who,
  };
}
