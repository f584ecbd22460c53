import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { RAISED_RATE_LIMIT, RATE_LIMIT_ENV } from '../../sandbox/rate-limit.js';
import { createSandbox, type Sandbox } from '../../sandbox/sandbox.js';
import { startSandboxServer } from '../../sandbox/server.js';
import { StateFileError } from '../../sandbox/state-file.js';
import type { Command } from '../command.js';
import { CliError, EXIT, readPolicy, type CliIo } from '../io.js';
import { applyDemoPolicy, listenDemoAddon, startDemoGateway } from './sandbox-demo.js';
import {
  SANDBOX_OUTBOUND_HELP,
  SANDBOX_OUTBOUND_OPTIONS,
  sandboxOutbound,
} from '../sandbox-outbound.js';

const DEFAULT_PORT = 3030;

function choice<T extends string>(
  name: string,
  value: string | boolean | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  throw new CliError(`usage: --${name} takes ${allowed.join(' or ')}, not "${String(value)}"`);
}

/** The add-on's URL for --apply: the flag, else the port after the sandbox's. */
function addonUrlOf(value: string | boolean | undefined, sandboxPort: number): string {
  if (typeof value !== 'string') return `http://127.0.0.1:${sandboxPort + 1}`;
  if (!/^https?:\/\/[^\s]+$/.test(value))
    throw new CliError(`usage: --addon-url takes an http or https URL, not "${value}"`);
  return value.replace(/\/+$/, '');
}

function portOf(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65_535) {
    throw new CliError(`usage: --port takes a port number from 0 to 65535, not "${String(value)}"`);
  }
  return port;
}

/** `.tiergate/sandbox.json`: how tests and demos reach the sandbox and act as anyone in it. */
async function writeConnectionFile(io: CliIo, url: string, sandbox: Sandbox): Promise<string> {
  const state = sandbox.state();
  const members = state.members.map((m) => {
    const record = state.records.workspaceMember?.[m.id] as
      { name?: { firstName?: string; lastName?: string } } | undefined;
    const role = state.roles.find((r) => r.id === m.roleId)?.label ?? m.roleId;
    return {
      id: m.id,
      email: m.userEmail,
      name: `${record?.name?.firstName ?? ''} ${record?.name?.lastName ?? ''}`.trim(),
      role,
      token: m.token,
    };
  });
  const folder = join(io.cwd, '.tiergate');
  await mkdir(folder, { recursive: true });
  const path = join(folder, 'sandbox.json');
  const connection = {
    url,
    graphqlUrl: `${url}/graphql`,
    metadataUrl: `${url}/metadata`,
    workspaceId: state.id,
    rls: state.rlsEnabled,
    adminKey: sandbox.adminKey,
    // The admin member's password sign-in (tiergate login), in this owner-only file like the tokens.
    ...(sandbox.adminLogin === undefined
      ? {}
      : { adminEmail: sandbox.adminLogin.email, adminPassword: sandbox.adminLogin.password }),
    members,
  };
  // The file holds credentials: readable by its owner only.
  await writeFile(path, `${JSON.stringify(connection, null, 2)}\n`, { mode: 0o600 });
  return path;
}

function waitForStop(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run a Twenty-compatible sandbox CRM on localhost, seeded with an organisation.',
  usage:
    'tiergate sandbox [--port N] [--api-key KEY] [--rls on|off] [--seed default|none] [--state FILE] [--apply FILE]',
  help: `Serves Twenty 2.43's core API (/graphql) and metadata API (/metadata) on 127.0.0.1, with
Twenty's native permissions and webhooks, and writes .tiergate/sandbox.json with the URL, the admin
API key and a bearer token for every member, so that tests and demos can act as anyone.

Options:
  --port N           port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --api-key KEY      the admin API key (default: a random one, printed)
  --rls on|off       the row-level-permission entitlement (default off, as on Twenty's free plans)
  --seed default|none  seed 60 members, 2,000 companies, 5,000 people, 3,000 opportunities (default),
                     or start with no members and records
  --state FILE       load the workspace from FILE when it exists and save every change to it
  --apply FILE       install Tiergate into the sandbox and apply this policy once it is up (as
                     \`tiergate install\` and \`tiergate apply\` would), then show what members of
                     different tiers see
  --addon-url URL    where --apply's webhook points (default http://127.0.0.1:<port + 1>, where
                     the add-on server listens)
${SANDBOX_OUTBOUND_HELP}
                     (with --apply and none of these, the add-on's host is allowed on both)
  -h, --help         show this help

Stops on Ctrl-C.`,
  options: {
    port: { type: 'string' },
    'api-key': { type: 'string' },
    rls: { type: 'string' },
    seed: { type: 'string' },
    state: { type: 'string' },
    apply: { type: 'string' },
    'addon-url': { type: 'string' },
    ...SANDBOX_OUTBOUND_OPTIONS,
  },
  async run(args, io) {
    if (args.positionals.length > 0) throw new CliError('usage: sandbox takes no arguments');
    const port = portOf(args.values.port);
    const rls = choice('rls', args.values.rls, ['on', 'off'] as const, 'off') === 'on';
    const seed = choice('seed', args.values.seed, ['default', 'none'] as const, 'default');
    const apiKey = args.values['api-key'];
    if (apiKey !== undefined && (typeof apiKey !== 'string' || apiKey.length < 8)) {
      throw new CliError('usage: --api-key needs at least 8 characters');
    }
    const policy =
      typeof args.values.apply === 'string' ? await readPolicy(io, args.values.apply) : undefined;
    const statePath =
      typeof args.values.state === 'string' ? join(io.cwd, args.values.state) : undefined;
    const outbound = sandboxOutbound(
      args,
      io,
      policy === undefined
        ? undefined
        : new URL(addonUrlOf(args.values['addon-url'], port)).hostname,
    );
    let sandbox: Sandbox;
    try {
      sandbox = await createSandbox({
        rls,
        seed,
        outbound: outbound.settings,
        ...(statePath ? { statePath } : {}),
        ...(typeof apiKey === 'string' ? { adminKey: apiKey } : {}),
      });
    } catch (error) {
      if (error instanceof StateFileError) throw new CliError(error.message, EXIT.failed);
      throw error;
    }
    const running = await startSandboxServer(sandbox.serverOptions, port).catch(
      (error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliError(
          code === 'EADDRINUSE'
            ? `port ${port} is in use; pick another with --port`
            : `cannot listen: ${String(error)}`,
        );
      },
    );
    const connection = await writeConnectionFile(io, running.url, sandbox);
    const state = sandbox.state();
    const example = state.members.find((m) => m.roleId === state.defaultRoleId);
    io.stdout.write(
      [
        `Tiergate sandbox (Twenty 2.43-compatible) listening on ${running.url}`,
        `  core API:       ${running.url}/graphql`,
        `  metadata API:   ${running.url}/metadata`,
        `  admin API key:  ${sandbox.adminKey}`,
        `  workspace:      ${state.members.length} members, ${Object.keys(state.records.company ?? {}).length} companies, row-level permissions ${rls ? 'on' : 'off'}`,
        `  tokens:         ${relative(io.cwd, connection)} (a bearer token for every member)`,
        ...(sandbox.adminLogin === undefined
          ? []
          : [
              `  admin sign-in:  ${sandbox.adminLogin.email} (password in ${relative(io.cwd, connection)}; tiergate login)`,
            ]),
        ...(example
          ? [
              `Act as a member (${example.userEmail}):`,
              `  curl -s ${running.url}/graphql -H 'authorization: Bearer ${example.token}' -H 'content-type: application/json' -d '{"query":"{ opportunities { totalCount } }"}'`,
            ]
          : []),
        ...(outbound.allowedForDemo === undefined
          ? []
          : [
              `  webhooks:       OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS=${outbound.allowedForDemo} on the server and worker (Twenty drops webhooks to private hosts otherwise)`,
            ]),
      ].join('\n') + '\n',
    );
    let addon: Awaited<ReturnType<typeof listenDemoAddon>> | undefined;
    let gateway: { close(): Promise<void> } | undefined;
    if (policy) {
      const sandboxPort = Number(new URL(running.url).port);
      // With no --addon-url, the add-on runs here too (next to a sandbox on a free port, on one
      // of its own); another URL is served elsewhere.
      if (args.values['addon-url'] === undefined) {
        addon = await listenDemoAddon(io, port === 0 ? 0 : sandboxPort + 1).catch(
          (error: unknown) => {
            io.stderr.write(
              `The add-on could not start (${(error as Error).message}); the sandbox runs without it.\n`,
            );
            return undefined;
          },
        );
      }
      const addonUrl = addon?.url ?? addonUrlOf(args.values['addon-url'], sandboxPort);
      // Twenty's API limit (100 calls a minute) would make the demo's first apply take minutes,
      // so it is raised for that apply only, as an operator would, and Twenty's comes back after.
      const throttler = sandbox.serverOptions.throttler;
      const faithful = throttler?.settings;
      const raise = throttler !== undefined && !rateLimitConfigured(io.env);
      if (raise) {
        throttler.reconfigure(RAISED_RATE_LIMIT);
        io.stdout.write(
          "API rate limit raised for the demo's apply, then back to Twenty's (set API_RATE_LIMITING_LONG_LIMIT to keep one throughout).\n",
        );
      }
      const { webhookSecret } = await applyDemoPolicy(
        io,
        running.url,
        sandbox.adminKey,
        policy,
        () => sandbox.state(),
        addonUrl,
        sandbox.adminLogin,
      ).finally(() => {
        if (raise && faithful !== undefined) throttler.reconfigure(faithful);
      });
      await addon?.activate({
        url: running.url,
        adminKey: sandbox.adminKey,
        policy,
        webhookSecret,
      });
      gateway = await startDemoGateway(io, {
        hostUrl: running.url,
        adminKey: sandbox.adminKey,
        policy,
        port: port === 0 ? 0 : sandboxPort + 2,
        state: sandbox.state(),
      });
    }
    io.stdout.write('Press Ctrl-C to stop.\n');
    await waitForStop(io.signal);
    await gateway?.close();
    await running.close();
    await sandbox.settle();
    await addon?.stop();
    io.stdout.write('Sandbox stopped.\n');
    return EXIT.ok;
  },
};

/** Whether the operator set any of Twenty's API_RATE_LIMITING_* variables themselves. */
function rateLimitConfigured(env: Readonly<Record<string, string | undefined>>): boolean {
  return Object.values(RATE_LIMIT_ENV).some((name) => (env[name] ?? '').trim() !== '');
}
