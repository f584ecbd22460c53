/**
 * `tiergate serve`: runs the add-on server (the intake): Twenty's webhooks on
 * POST /webhooks/twenty, persisted to the store's inbox before they are acknowledged, with
 * GET /healthz, GET /readyz and GET /metrics. The store is PostgreSQL at $DATABASE_URL, else
 * PGlite in .tiergate/store, migrated on start. The webhook secret is $TIERGATE_WEBHOOK_SECRET,
 * else the one `tiergate install` sealed in .tiergate/installation.json; without one the server
 * does not start (it would refuse every webhook). Logs are JSON lines on standard output, with
 * secrets redacted; the human messages go to standard error. Stops on Ctrl-C (io.signal).
 */
import { startServer, type RunningServer } from '../../events/server.js';
import { createLogger } from '../../events/logger.js';
import { openStore, storeOptionsFromEnv, StoreError, type Store } from '../../store/store.js';
import { INSTALLATION_FILE, readInstallation, type Installation } from '../../sync/installation.js';
import { currentWorkspace } from '../../sync/session.js';
import type { Host } from '../../host/host.js';
import { open, SECRET_KEY_FILE, SECRET_KEY_VARIABLE, secretKey } from '../../sync/secret-box.js';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openPipeline, type Pipeline } from '../../events/pipeline.js';
import { DEFAULT_RETENTION_DAYS, runRetention } from '../../store/inbox-retention.js';
import type { Command, ParsedArgs } from '../command.js';
import {
  connectTarget,
  HOST_TARGET_HELP,
  HOST_TARGET_OPTIONS,
  hostTarget,
} from '../host-target.js';
import { CliError, EXIT, readPolicy, type CliIo } from '../io.js';
import { WEBHOOK_PATH } from '../../twenty-app/names.js';
import { readWorkspaceView } from '../../sync/workspace-view.js';

export const DEFAULT_SERVE_PORT = 3031;
/**
 * How long a stop waits for webhooks in flight: each is answered within the intake's 3 s
 * persist timeout, so a few seconds suffice, and an orchestrator's SIGKILL comes later.
 */
export const SERVE_GRACE_MS = 4_000;
export const WEBHOOK_SECRET_VARIABLE = 'TIERGATE_WEBHOOK_SECRET';
export const METRICS_TOKEN_VARIABLE = 'TIERGATE_METRICS_TOKEN';
export const RETENTION_VARIABLE = 'TIERGATE_INBOX_RETENTION_DAYS';

/** `$TIERGATE_INBOX_RETENTION_DAYS`: days a done event is kept (default 7). */
export function retentionDaysOf(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(days))
    throw new CliError(
      `usage: $${RETENTION_VARIABLE} takes a number of days to keep done events, not "${value}"`,
    );
  return days;
}

export function portOf(
  value: string | boolean | undefined,
  fallback: number = DEFAULT_SERVE_PORT,
): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65_535)
    throw new CliError(`usage: --port takes a port number from 0 to 65535, not "${String(value)}"`);
  return port;
}

export function bindOf(value: string | boolean | undefined): string {
  if (value === undefined) return '127.0.0.1';
  if (typeof value !== 'string' || !/^[0-9A-Za-z.:-]+$/.test(value))
    throw new CliError(
      `usage: --bind takes an address to listen on (127.0.0.1, 0.0.0.0, ::), not "${String(value)}"`,
    );
  return value;
}

/** `--metrics-bind ADDR:PORT` (`[::1]:9464` for IPv6), or undefined when not given. */
export function metricsBindOf(
  value: string | boolean | undefined,
): { bind: string; port: number } | undefined {
  if (value === undefined) return undefined;
  const match =
    typeof value === 'string'
      ? /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9A-Za-z.-]+)):(\d+)$/.exec(value)
      : null;
  const bind = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (match === null || bind === undefined || port > 65_535)
    throw new CliError(
      `usage: --metrics-bind takes ADDR:PORT to serve /metrics on (127.0.0.1:9464, [::1]:9464), not "${String(value)}"`,
    );
  return { bind, port };
}

/** A host URL compared as a place: no trailing slash, default port and case folded by URL. */
function sameHost(a: string, b: string): boolean {
  const norm = (text: string): string => {
    try {
      const url = new URL(text);
      return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      return text.replace(/\/+$/, '');
    }
  };
  return norm(a) === norm(b);
}

/**
 * Refuses to serve another host with this directory's installation: its webhook secret and
 * add-on key belong to the host it was made for, and its journal would mix two CRMs.
 */
async function checkInstallationHost(args: ParsedArgs, io: CliIo): Promise<void> {
  const given = typeof args.values.host === 'string' ? args.values.host : undefined;
  if (given === undefined || given === '') return;
  const installation = await readInstallation(io.cwd).catch(() => undefined);
  if (installation === undefined || sameHost(installation.hostUrl, given)) return;
  throw new CliError(
    `${INSTALLATION_FILE} here belongs to ${installation.hostUrl} (installed ${installation.installedAt}), ` +
      `not to ${given} given by --host: its webhook secret and key are that host's. ` +
      `Serve ${installation.hostUrl} (drop --host), or serve ${given} from a directory of its own ` +
      `after \`tiergate install --host ${given} --addon-url <URL>\` there.`,
    EXIT.failed,
  );
}

/**
 * Why the sealing key is exposed, when it sits in .tiergate/secret.key beside the installation
 * it seals: whoever reads the directory (or a backup of it) opens the secrets.
 */
async function keyBesideSealedWarning(io: CliIo): Promise<string | undefined> {
  const fromEnv = io.env[SECRET_KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') return undefined;
  if (!existsSync(join(io.cwd, SECRET_KEY_FILE))) return undefined;
  const installation = await readInstallation(io.cwd).catch(() => undefined);
  if (installation?.sealedWebhookSecret == null && installation?.sealedApiKey == null)
    return undefined;
  return (
    `the key that seals the secrets in ${INSTALLATION_FILE} sits beside them in ${SECRET_KEY_FILE}: ` +
    `anyone who can read this directory, or a backup of it, can open them. Keep the key in a secret ` +
    `manager and give it as $${SECRET_KEY_VARIABLE} (the file's content), then move ${SECRET_KEY_FILE} ` +
    `out of this directory.`
  );
}

/** The webhook secret and where it came from (for the start message; never the value). */
async function webhookSecretOf(io: CliIo): Promise<{ secret: string; source: string }> {
  const fromEnv = io.env[WEBHOOK_SECRET_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '')
    return { secret: fromEnv, source: `$${WEBHOOK_SECRET_VARIABLE}` };
  const installation = await readInstallation(io.cwd).catch((error: unknown) => {
    throw new CliError(
      `cannot read ${INSTALLATION_FILE}: ${(error as Error).message}`,
      EXIT.failed,
    );
  });
  if (installation?.sealedWebhookSecret == null) {
    throw new CliError(
      `no webhook secret: ${installation === undefined ? `there is no ${INSTALLATION_FILE} here` : `${INSTALLATION_FILE} holds no webhook secret`}. ` +
        `Run \`tiergate install --addon-url <this server's public URL>\` here first (its webhook ` +
        `then points at <URL>${WEBHOOK_PATH}), or set $${WEBHOOK_SECRET_VARIABLE}.`,
      EXIT.failed,
    );
  }
  try {
    const key = await secretKey(io.env, io.cwd);
    return { secret: open(installation.sealedWebhookSecret, key), source: INSTALLATION_FILE };
  } catch (error) {
    throw new CliError(
      `cannot open the webhook secret sealed in ${INSTALLATION_FILE}: ${(error as Error).message} ` +
        `(is $${SECRET_KEY_VARIABLE}, or .tiergate/secret.key, the key install used?)`,
      EXIT.failed,
    );
  }
}

export async function openMigratedStore(io: CliIo): Promise<Store> {
  let store: Store;
  try {
    store = await openStore(storeOptionsFromEnv(io.env, io.cwd));
  } catch (error) {
    if (error instanceof StoreError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    if (error instanceof StoreError) throw new CliError(error.message, EXIT.failed);
    throw error;
  }
  return store;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `$TIERGATE_LOG_LEVEL` (default info); an unknown level is a usage error, not a silent default. */
export function logLevelOf(value: string | undefined): (typeof LOG_LEVELS)[number] {
  if (value === undefined || value === '') return 'info';
  const level = LOG_LEVELS.find((l) => l === value);
  if (level === undefined)
    throw new CliError(`usage: $TIERGATE_LOG_LEVEL takes ${LOG_LEVELS.join(', ')}, not "${value}"`);
  return level;
}

function minutesOf(value: string | boolean | undefined): number {
  if (value === undefined) return 5;
  const minutes = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(minutes) || minutes < 0)
    throw new CliError(
      `usage: --sweep-minutes takes a number of minutes (0: off), not "${String(value)}"`,
    );
  return minutes;
}

/**
 * Refuses to serve a workspace other than the one this directory's installation was made in:
 * one host serves several workspaces, and a key of another would journal that workspace's
 * changes under this one's webhook secret and checkpoints.
 */
async function checkInstallationWorkspace(
  installation: Installation | undefined,
  host: Host,
): Promise<void> {
  const made = installation?.workspace;
  if (installation === undefined || made == null) return;
  const reached = await currentWorkspace(host.metadata);
  if (reached.id === made.id) return;
  throw new CliError(
    `${INSTALLATION_FILE} here was made in workspace "${made.name}" (${made.id}) on ` +
      `${installation.hostUrl}, but the key serve was given reaches workspace "${reached.name}" ` +
      `(${reached.id}): its webhook secret and journal are the first workspace's. Give that ` +
      `workspace's key (or drop --api-key to use the add-on's own), or serve the other workspace ` +
      `from a directory of its own after \`tiergate install\` there.`,
    EXIT.failed,
  );
}

/**
 * The pipeline behind the intake, when there is a policy to judge events by: workers, the
 * sweep and the relay to the host's audit object. Without a policy file, events are only stored.
 */
async function pipelineOf(
  args: ParsedArgs,
  io: CliIo,
  store: Store,
  logger: { info(msg: string): void; warn(msg: string): void },
): Promise<Pipeline | undefined> {
  const given = typeof args.values.policy === 'string' ? args.values.policy : undefined;
  const file = given ?? 'tiergate.policy.yaml';
  if (given === undefined && !existsSync(join(io.cwd, file))) {
    io.stderr.write(
      `No ${file} here: webhooks are stored but not processed (give --policy FILE to process them).\n`,
    );
    return undefined;
  }
  const policy = await readPolicy(io, file);
  const target = await hostTarget(args, io, { addonKey: true });
  const host = connectTarget(target);
  if (target.addonKey !== true) {
    const warning =
      "serving with a key other than the add-on's own (from --api-key, $TIERGATE_API_KEY or the sandbox): Tiergate's own tiergateViewers rewrites will be journaled as that key's changes. Drop it to use the key `tiergate install` made.";
    logger.warn(warning);
    io.stderr.write(`  warning: ${warning}\n`);
  }
  const installation = await readInstallation(io.cwd).catch(() => undefined);
  await checkInstallationWorkspace(installation, host);
  // A first sweep takes what predates the install as its baseline, and what came after as changes.
  const installedAt = installation?.installedAt;
  const pipeline = await openPipeline({
    store,
    host,
    cwd: io.cwd,
    secretKey: await secretKey(io.env, io.cwd),
    workspace: await readWorkspaceView(host, policy),
    workerId: `${hostname()}:${process.pid}`,
    sweepEveryMs: minutesOf(args.values['sweep-minutes']) * 60_000,
    ...(installedAt === undefined ? {} : { sweep: { since: installedAt } }),
    log: (line) => logger.info(line),
    alert: (line) => logger.warn(`ALERT: ${line}`),
  });
  pipeline.start();
  io.stderr.write(
    `  processing: ${file}, sweeping ${pipeline.objects.join(', ')}, journal mirrored to the host's audit object\n`,
  );
  return pipeline;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: "Run the add-on server: Twenty's webhooks into the inbox, health, readiness, metrics.",
  usage:
    'tiergate serve [--port N] [--bind ADDR] [--metrics-bind ADDR:PORT] [--policy FILE] [--host URL --api-key KEY] [--sweep-minutes N]',
  help: `Serves, on http://<bind>:<port>:
  POST ${WEBHOOK_PATH}   Twenty's webhooks: signature checked (401 with the reason), JSON of up
                           to 100 MiB, de-duplicated, stored before the 200
  GET  /healthz            200 while the process runs
  GET  /readyz             200 when the store answers and the webhook secret is known, else 503
  GET  /metrics            Prometheus metrics (on --metrics-bind's listener when given; with
                           $${METRICS_TOKEN_VARIABLE} set, only for Authorization: Bearer <token>)

The store is PostgreSQL at $DATABASE_URL, else an embedded database in .tiergate/store; its
schema is brought up to date on start. The webhook secret is $${WEBHOOK_SECRET_VARIABLE}, else
the one \`tiergate install --addon-url URL\` sealed in ${INSTALLATION_FILE} (opened with
$${SECRET_KEY_VARIABLE} or .tiergate/secret.key); without one, serve does not start.

With a policy (./tiergate.policy.yaml or --policy), stored events are then processed: each
change is checked against the policy and journaled (tiergate audit log), violations included;
a sweep every few minutes finds changes whose webhook never came; and the journal is mirrored
into the host's tiergateAuditEntry object. The host is the installation's, read with the
add-on's own key unless --host/--api-key say otherwise.

Options:
  --port N            port to listen on (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)
  --bind ADDR         address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --metrics-bind ADDR:PORT
                      serve /metrics on a listener of its own (e.g. 127.0.0.1:9464), not
                      beside the webhooks
  --policy FILE       the policy events are judged by (default ./tiergate.policy.yaml)
${HOST_TARGET_HELP}
  --sweep-minutes N   minutes between sweeps (default 5; 0 turns the sweep off)
  -h, --help          show this help

Logs are JSON lines on standard output, secrets redacted ($TIERGATE_LOG_LEVEL: info by default;
debug adds a line per accepted webhook); messages go to standard error.
Once an event is processed, its stored body is reduced to the event's metadata (no record
values), and processed events are deleted after $${RETENTION_VARIABLE} days (default
${DEFAULT_RETENTION_DAYS}).
Refuses to start when --host names another host than the one ${INSTALLATION_FILE} was made
for, or its key reaches another workspace, and warns when the key sealing its secrets sits
beside it in ${SECRET_KEY_FILE}.
Stops on Ctrl-C or SIGTERM within a few seconds, answering the webhooks in flight.`,
  options: {
    port: { type: 'string' },
    bind: { type: 'string' },
    policy: { type: 'string' },
    ...HOST_TARGET_OPTIONS,
    'sweep-minutes': { type: 'string' },
    'metrics-bind': { type: 'string' },
  },
  async run(args, io) {
    if (args.positionals.length > 0)
      throw new CliError(`usage: serve takes no arguments, not "${args.positionals[0] ?? ''}"`);
    const port = portOf(args.values.port);
    const bind = bindOf(args.values.bind);
    const metricsListen = metricsBindOf(args.values['metrics-bind']);
    const metricsToken = io.env[METRICS_TOKEN_VARIABLE];
    await checkInstallationHost(args, io);
    const { secret, source } = await webhookSecretOf(io);
    const retentionDays = retentionDaysOf(io.env[RETENTION_VARIABLE]);
    const keyWarning = await keyBesideSealedWarning(io);
    const store = await openMigratedStore(io);
    const logger = createLogger({
      destination: { write: (line: string) => void io.stdout.write(line) },
      secrets: () => [secret, io.env[SECRET_KEY_VARIABLE], metricsToken],
      level: logLevelOf(io.env.TIERGATE_LOG_LEVEL),
    });
    // On a stop, the listener and the pipeline wind down side by side (one waiting for the other
    // would add their times); the store closes once both are done, below.
    const stopping = new AbortController();
    let pipeline: Pipeline | undefined;
    let pipelineStopped: Promise<void> = Promise.resolve();
    io.signal?.addEventListener(
      'abort',
      () => {
        pipelineStopped = pipeline?.stop() ?? Promise.resolve();
        stopping.abort();
      },
      { once: true },
    );
    let running: RunningServer;
    try {
      running = await startServer({
        store,
        webhookSecret: () => secret,
        logger,
        port,
        bind,
        signal: stopping.signal,
        closeStore: false,
        graceMs: SERVE_GRACE_MS,
        ...(metricsListen ? { metricsListen } : {}),
        ...(metricsToken !== undefined && metricsToken !== '' ? { metricsToken } : {}),
      });
    } catch (error) {
      await store.close();
      const code = (error as NodeJS.ErrnoException).code;
      const metricsFailed = (error as { listener?: unknown }).listener === 'metrics';
      const [at, flag] = metricsFailed
        ? [`${metricsListen?.bind}:${metricsListen?.port}`, '--metrics-bind']
        : [`${bind}:${port}`, '--port'];
      throw new CliError(
        code === 'EADDRINUSE'
          ? `${at} is in use; pick another with ${flag}`
          : `cannot listen on ${at}: ${(error as Error).message}`,
        EXIT.failed,
      );
    }
    const metricsAccess =
      metricsToken !== undefined && metricsToken !== ''
        ? `, bearer token from $${METRICS_TOKEN_VARIABLE}`
        : '';
    io.stderr.write(
      `Tiergate is serving on ${running.url} (webhooks: ${running.url}${WEBHOOK_PATH})\n` +
        `  store: ${store.location}${store.kind === 'pglite' ? ' (each commit synced to disk)' : ''}\n` +
        `  webhook secret: from ${source}\n` +
        `  metrics: ${running.metricsUrl}/metrics${metricsAccess}\n` +
        `  inbox: done events reduced to their metadata, kept ${retentionDays} days\n`,
    );
    if (keyWarning !== undefined) {
      io.stderr.write(`Warning: ${keyWarning}\n`);
      logger.warn(keyWarning);
    }
    try {
      pipeline = await pipelineOf(args, io, store, logger);
    } catch (error) {
      await running.close();
      await store.close();
      throw error instanceof CliError
        ? error
        : new CliError(`cannot start processing: ${(error as Error).message}`, EXIT.failed);
    }
    // Done events lose their record values at once and go after the retention.
    const retention = runRetention(store, stopping.signal, {
      retentionDays,
      log: (line) => logger.info(line),
    });
    io.stderr.write('Press Ctrl-C to stop.\n');
    await running.closed;
    await retention;
    await pipelineStopped;
    await pipeline?.stop();
    await store.close();
    io.stderr.write('Tiergate stopped.\n');
    return EXIT.ok;
  },
};
