/**
 * The demo's second half: install Tiergate into the running sandbox and apply a policy to it as
 * `tiergate install` and `tiergate apply` do to Twenty (helper fields, tiergateViewers filled,
 * roles, assignments), then show what members of different tiers now see through their own
 * tokens (the restriction is the host's own, native enforcement).
 */
import { SANDBOX_ADMIN_KEY_NAME } from '../../sandbox/seed-state.js';
import { governedObjectNames } from '../../sync/compile.js';
import { connectHost } from '../../host/host.js';
import { HostError } from '../../host/host-error.js';
import type { Policy } from '../../policy/schema.js';
import type { WorkspaceState } from '../../sandbox/workspace.js';
import { applyOperations } from '../../sync/apply.js';
import { install } from '../../sync/install.js';
import { tiergateManifest } from '../../twenty-app/manifest.js';
import { openSession } from '../../sync/session.js';
import { syncViewers } from '../../twenty-app/viewers.js';
import { createLogger } from '../../events/logger.js';
import { openPipeline } from '../../events/pipeline.js';
import { startServer } from '../../events/server.js';
import { openStore, storeOptionsFromEnv } from '../../store/store.js';
import { secretKey } from '../../sync/secret-box.js';
import { loginCommand, saveAdminSession, signIn, whoIs } from '../../sync/admin-session.js';
import { CliError, EXIT, type CliIo } from '../io.js';
import { viewersProgress } from '../progress.js';
import { renderTable } from '../table.js';
import { openGateway } from '../../gateway/index.js';
import { readWorkspaceView } from '../../sync/workspace-view.js';

/** The sandbox has no request limit of its own: let the local apply run at full speed. */
const LOCAL_RATE_LIMIT = { requests: 100_000, windowMs: 60_000 };

async function seen(url: string, token: string, query: string): Promise<string> {
  const client = connectHost({ baseUrl: url, token, rateLimit: LOCAL_RATE_LIMIT }).core;
  try {
    const data = await client.request<Record<string, { totalCount: number }>>(query);
    return String(Object.values(data)[0]?.totalCount ?? '?');
  } catch (error) {
    if (error instanceof HostError && error.has('FORBIDDEN')) return 'refused';
    throw error;
  }
}

/** One member per (role, tier) worth showing: an intern, a junior, a director. */
function showcase(policy: Policy): Policy['org']['members'] {
  const pick = (role: string, tier: string) =>
    policy.org.members.find((m) => m.role === role && m.tier === tier);
  return [
    pick('sales-rep', 'intern'),
    pick('sales-rep', 'junior'),
    pick('sales-manager', 'senior'),
    pick('sales-manager', 'director'),
  ].filter((m): m is Policy['org']['members'][number] => m !== undefined);
}

/**
 * Signs the sandbox's admin in as `tiergate login` does (Twenty's password flow over HTTP) and
 * keeps the session in .tiergate/admin-session.json, so that this apply and the next
 * `tiergate apply` here can move members.
 */
async function signInSandboxAdmin(
  io: CliIo,
  url: string,
  login: { readonly email: string; readonly password: string },
): Promise<{ readonly memberId: string; readonly email: string; readonly accessToken: string }> {
  const tokens = await signIn({ hostUrl: url, email: login.email, password: login.password });
  const who = await whoIs(url, tokens.accessToken);
  await saveAdminSession(
    { cwd: io.cwd, env: io.env },
    { ...tokens, hostUrl: url, ...who, signedInAt: new Date().toISOString() },
  );
  return { memberId: who.memberId, email: who.email, accessToken: tokens.accessToken };
}

export async function applyDemoPolicy(
  io: CliIo,
  url: string,
  adminKey: string,
  policy: Policy,
  state: () => WorkspaceState,
  addonUrl: string,
  adminLogin?: { readonly email: string; readonly password: string },
): Promise<{ readonly webhookSecret: string }> {
  const host = connectHost({ baseUrl: url, token: adminKey, rateLimit: LOCAL_RATE_LIMIT });
  const admin =
    adminLogin === undefined ? undefined : await signInSandboxAdmin(io, url, adminLogin);
  if (admin !== undefined)
    io.stdout.write(
      `Signed in as the sandbox's admin ${admin.email} (tiergate login): members are moved with that session, everything else with the API key.\n`,
    );
  const installed = await install(host, tiergateManifest(), {
    addonUrl,
    governedObjects: governedObjectNames(policy),
  });
  await host.dataModel.refresh();
  io.stdout.write(
    `Installed Tiergate: ${installed.created.length} items created (the audit object, helper fields, its role and API key, the webhook to ${addonUrl}).\n`,
  );
  const session = await openSession(host, policy, undefined, {
    memberMover:
      admin === undefined
        ? { kind: 'none', loginCommand: loginCommand(url) }
        : { kind: 'admin', memberId: admin.memberId, email: admin.email },
  });
  if (session.compiled.problems.length > 0) {
    throw new CliError(
      `the demo policy does not fit the sandbox:\n${session.compiled.problems.join('\n')}`,
      EXIT.failed,
    );
  }
  // Twenty's API limit paces the backfill (about a minute per 100 calls): show how far it is.
  const progress = viewersProgress(io.stderr);
  const viewers = await syncViewers(host, session.org.policy, session.viewers, {
    onProgress: progress.onProgress,
  }).finally(() => progress.stop());
  const members =
    admin === undefined
      ? undefined
      : connectHost({ baseUrl: url, token: admin.accessToken, rateLimit: LOCAL_RATE_LIMIT })
          .metadata;
  const result = await applyOperations(
    host.metadata,
    [...session.operations],
    session.reading.roleIds,
    members === undefined ? {} : { members },
  );
  for (const skipped of session.plan.skippedAssignments)
    io.stdout.write(
      `Not moved: ${session.names.member?.(skipped.memberId) ?? skipped.memberId} (${skipped.reason}).\n`,
    );
  const viewerCalls = viewers.reduce((n, r) => n + r.calls, 0);
  io.stdout.write(
    `Applied the policy: ${session.compiled.state.roles.length} Twenty roles, tiergateViewers on ${viewers.reduce((n, r) => n + r.stale, 0)} records, ${result.mutations + viewerCalls} host calls; ` +
      `${session.compiled.gateway.length} rules are left to the gateway.\n`,
  );
  const rows: string[][] = [];
  for (const member of showcase(policy)) {
    const token = state().members.find((m) => m.id === member.id)?.token;
    if (token === undefined) continue;
    rows.push([
      member.name ?? member.id,
      `${member.role} · ${member.tier ?? '?'}`,
      await seen(url, token, '{ companies { totalCount } }'),
      await seen(url, token, '{ opportunities { totalCount } }'),
      (await seen(
        url,
        token,
        '{ opportunities(first: 1) { totalCount edges { node { amount { amountMicros } } } } }',
      )) === 'refused'
        ? 'hidden'
        : 'readable',
    ]);
  }
  io.stdout.write(
    `What members see now, through their own tokens:\n${renderTable(['member', 'role · tier', 'companies', 'opportunities', 'amount'], rows)}\n`,
  );
  return { webhookSecret: installed.webhook.secret };
}

/**
 * The add-on beside the demo sandbox: the webhook intake and the pipeline behind it, so that
 * what members change in the sandbox lands in the journal (`tiergate audit log`). It listens
 * before the demo's apply, answering 503 until `activate` gives it the webhook secret: the
 * apply's own rewrite of every record's tiergateViewers is not worth an inbox of 9,000 events.
 * The periodic sweep stays off for the same reason (a first sweep would journal the seed).
 */
export async function listenDemoAddon(
  io: CliIo,
  port: number,
): Promise<{
  readonly url: string;
  activate(options: {
    readonly url: string;
    readonly adminKey: string;
    readonly policy: Policy;
    readonly webhookSecret: string;
  }): Promise<void>;
  stop(): Promise<void>;
}> {
  const store = await openStore(storeOptionsFromEnv(io.env, io.cwd));
  await store.migrate();
  let secret: string | undefined;
  // Silent until activated: the apply's deliveries are refused on purpose, not worth a line each.
  const logger = createLogger({ level: 'silent', secrets: () => [secret] });
  const intake = await startServer({
    store,
    webhookSecret: () => secret,
    logger,
    port,
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  let pipeline: { stop(): Promise<void> } | undefined;
  return {
    url: intake.url,
    async activate(options) {
      const host = connectHost({
        baseUrl: options.url,
        token: options.adminKey,
        rateLimit: LOCAL_RATE_LIMIT,
      });
      const opened = await openPipeline({
        store,
        host,
        cwd: io.cwd,
        secretKey: await secretKey(io.env, io.cwd),
        workspace: await readWorkspaceView(host, options.policy),
        workerId: 'demo',
        // The demo's add-on writes with the sandbox's admin key.
        ownKeyName: SANDBOX_ADMIN_KEY_NAME,
        sweepEveryMs: 0,
        log: (line) => io.stderr.write(`${line}\n`),
      });
      opened.start();
      pipeline = opened;
      secret = options.webhookSecret;
      logger.level = 'warn';
      io.stdout.write(
        `Tiergate add-on on ${intake.url}: changes made in the sandbox are checked against the policy and journaled (npx tiergate audit log, once stopped).\n`,
      );
    },
    async stop() {
      await pipeline?.stop();
      await intake.close();
    },
  };
}

/**
 * The gateway in front of the sandbox: the URL to use instead of the sandbox's, and
 * a request that shows a junior's masked phone numbers. Refusals are said on standard error.
 */
export async function startDemoGateway(
  io: CliIo,
  options: {
    readonly hostUrl: string;
    readonly adminKey: string;
    readonly policy: Policy;
    readonly port: number;
    readonly state: WorkspaceState;
  },
): Promise<{ close(): Promise<void> } | undefined> {
  try {
    const gateway = await openGateway({
      hostUrl: options.hostUrl,
      apiKey: options.adminKey,
      policy: options.policy,
      port: options.port,
      onDenied: (event) =>
        io.stderr.write(`gateway refused ${event.member ?? 'a caller'}: ${event.message}\n`),
    });
    const junior = options.policy.org.members.find(
      (m) => m.role === 'sales-rep' && m.tier === 'junior',
    );
    const token = options.state.members.find((m) => m.id === junior?.id)?.token;
    const query =
      '{ people(first: 3) { edges { node { name { firstName lastName } phones { primaryPhoneNumber } } } } }';
    io.stdout.write(
      [
        `Tiergate gateway on ${gateway.url}: use it instead of ${options.hostUrl} (GraphQL ${gateway.url}/graphql, REST ${gateway.url}/rest/).`,
        '  It enforces scopes, masks and field rules for every member behind their own token.',
        ...(token === undefined
          ? []
          : [
              `  A junior rep (${junior?.email ?? junior?.id ?? ''}) sees phone numbers masked:`,
              `  curl -s ${gateway.url}/graphql -H 'authorization: Bearer ${token}' -H 'content-type: application/json' -d '${JSON.stringify({ query })}'`,
            ]),
      ].join('\n') + '\n',
    );
    return gateway;
  } catch (error) {
    io.stderr.write(
      `The gateway could not start (${(error as Error).message}); the sandbox runs without it.\n`,
    );
    return undefined;
  }
}
