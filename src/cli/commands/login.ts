/**
 * `tiergate login` and `tiergate logout`: an admin's own Twenty session, which Tiergate needs to
 * move members to roles (Twenty lets no API key do it). The password is read from
 * $TIERGATE_PASSWORD, `--password-stdin` or a prompt on a terminal; it is sent to Twenty once
 * and never logged or stored. The session's tokens are sealed in .tiergate/admin-session.json
 * (src/sync/admin-session.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HostError } from '../../host/host-error.js';
import {
  adminSessionStatus,
  readAdminSession,
  removeAdminSession,
  saveAdminSession,
  SignInError,
  signIn,
  whoIs,
} from '../../sync/admin-session.js';
import { readInstallation } from '../../sync/installation.js';
import type { Command, ParsedArgs } from '../command.js';
import { CliError, EXIT, type CliIo } from '../io.js';
import { firstLine, promptHidden } from '../prompt.js';

export const PASSWORD_VARIABLE = 'TIERGATE_PASSWORD';
export const EMAIL_VARIABLE = 'TIERGATE_ADMIN_EMAIL';
export const OTP_VARIABLE = 'TIERGATE_OTP';

const text = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The host: --host, else the installation's, else the local sandbox's. */
async function hostUrlOf(args: ParsedArgs, io: CliIo): Promise<string> {
  const flag = text(args, 'host');
  if (flag !== undefined) return flag.replace(/\/+$/, '');
  const installed = await readInstallation(io.cwd).catch((error: unknown) => {
    throw new CliError((error as Error).message, EXIT.failed);
  });
  if (installed !== undefined) return installed.hostUrl;
  try {
    const sandbox = JSON.parse(
      await readFile(join(io.cwd, '.tiergate', 'sandbox.json'), 'utf8'),
    ) as { url?: unknown };
    if (typeof sandbox.url === 'string') return sandbox.url;
  } catch {
    // No sandbox here either: the flag must say.
  }
  throw new CliError(
    'usage: give --host URL (or run tiergate install or tiergate sandbox here first)',
  );
}

async function passwordOf(args: ParsedArgs, io: CliIo, email: string): Promise<string> {
  const fromEnv = io.env[PASSWORD_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (args.values['password-stdin'] === true) {
    const line = await firstLine(process.stdin);
    if (line === '') throw new CliError('usage: --password-stdin read an empty line');
    return line;
  }
  if (!process.stdin.isTTY)
    throw new CliError(
      `usage: give the password in $${PASSWORD_VARIABLE} or on standard input with --password-stdin (no terminal to ask on)`,
    );
  return promptHidden(`Password for ${email}: `, process.stdin, process.stderr);
}

function otpSource(args: ParsedArgs, io: CliIo): (() => Promise<string>) | undefined {
  const given = text(args, 'otp') ?? io.env[OTP_VARIABLE];
  if (given !== undefined && given !== '') return () => Promise.resolve(given);
  if (!process.stdin.isTTY) return undefined;
  return () => promptHidden('Two-factor code: ', process.stdin, process.stderr);
}

async function status(args: ParsedArgs, io: CliIo): Promise<number> {
  const hostUrl = await hostUrlOf(args, io);
  const result = await adminSessionStatus({ hostUrl }, { cwd: io.cwd, env: io.env });
  io.stdout.write(`${result.ok ? 'ok' : 'not ok'}: ${result.message}\n`);
  if (result.fix !== undefined) io.stdout.write(`  fix: ${result.fix}\n`);
  return result.ok ? EXIT.ok : EXIT.failed;
}

export const loginCommand: Command = {
  name: 'login',
  summary: 'Sign an admin in to Twenty, so apply and drift --revert can move members to roles.',
  usage:
    'tiergate login [--host URL] --email EMAIL [--password-stdin] [--otp CODE] | tiergate login --status',
  help: `Twenty lets no API key move a member to a role: only a person's own session may. This signs
an admin in with Twenty's password flow (a login token, then the workspace's access and
refresh tokens, with the server's own origin; a two-factor code when the account has one)
and keeps the session in .tiergate/admin-session.json, sealed like the other secrets
($TIERGATE_SECRET_KEY, else .tiergate/secret.key). It renews itself with the refresh token.
apply and drift --revert move members with it and do everything else with the API key;
they never move the signed-in admin's own role (Twenty forbids it) and say so.

The password comes from $${PASSWORD_VARIABLE}, else the first line of standard input with
--password-stdin, else a prompt on the terminal; it is never printed or stored.

Options:
  --host URL        the Twenty server (default: the installation's, else the sandbox's)
  --email EMAIL     the admin's email (default: $${EMAIL_VARIABLE})
  --password-stdin  read the password from standard input
  --otp CODE        the current two-factor code (default: $${OTP_VARIABLE}, else asked)
  --status          say whether an admin is signed in and the session still works
  -h, --help        show this help`,
  exitCodes: { 1: 'sign-in refused, or (--status) no working session' },
  options: {
    host: { type: 'string' },
    email: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    otp: { type: 'string' },
    status: { type: 'boolean' },
  },
  async run(args, io) {
    if (args.positionals.length > 0) throw new CliError('usage: login takes no arguments');
    if (args.values.status === true) return status(args, io);
    const hostUrl = await hostUrlOf(args, io);
    const email = text(args, 'email') ?? io.env[EMAIL_VARIABLE];
    if (email === undefined || email === '')
      throw new CliError(`usage: give --email EMAIL (or set $${EMAIL_VARIABLE})`);
    const password = await passwordOf(args, io, email);
    const otp = otpSource(args, io);
    try {
      const tokens = await signIn({ hostUrl, email, password, ...(otp ? { otp } : {}) });
      const who = await whoIs(hostUrl, tokens.accessToken);
      if (!who.canManageRoles)
        throw new CliError(
          `${email} signed in, but holds no roles setting in Twenty, so it cannot move members: sign in as an admin`,
        );
      await saveAdminSession(
        { cwd: io.cwd, env: io.env },
        {
          ...tokens,
          hostUrl,
          email: who.email,
          memberId: who.memberId,
          signedInAt: new Date().toISOString(),
        },
      );
      io.stdout.write(
        `Signed in to ${hostUrl} as ${who.email} (workspace member ${who.memberId}).\n` +
          `The session renews itself until ${tokens.refreshExpiresAt}; apply and drift --revert move members with it, never ${who.email}'s own role.\n`,
      );
      return EXIT.ok;
    } catch (error) {
      if (error instanceof SignInError) throw new CliError(error.message, EXIT.failed);
      if (error instanceof HostError)
        throw new CliError(`cannot sign in to ${hostUrl}: ${error.message}`, EXIT.failed);
      throw error;
    }
  },
};

export const logoutCommand: Command = {
  name: 'logout',
  summary: "Sign the admin out: revoke the session's refresh token and forget it here.",
  usage: 'tiergate logout',
  help: `Asks Twenty to revoke the refresh token (signOut) and removes .tiergate/admin-session.json.
Member moves then wait for the next tiergate login.

Options:
  -h, --help  show this help`,
  options: {},
  async run(args, io) {
    if (args.positionals.length > 0) throw new CliError('usage: logout takes no arguments');
    const session = await readAdminSession({ cwd: io.cwd, env: io.env }).catch(() => undefined);
    if (session !== undefined) {
      // Best effort: the file goes whatever Twenty answers, so nothing usable stays here.
      await fetch(`${session.hostUrl.replace(/\/+$/, '')}/metadata`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: new URL(session.hostUrl).origin },
        body: JSON.stringify({
          query: 'mutation SignOut($refreshToken: String) { signOut(refreshToken: $refreshToken) }',
          variables: { refreshToken: session.refreshToken },
        }),
        signal: AbortSignal.timeout(10_000),
      }).catch(() => undefined);
    }
    const removed = await removeAdminSession(io.cwd);
    io.stdout.write(removed ? 'Signed out.\n' : 'Nobody was signed in here.\n');
    return EXIT.ok;
  },
};
