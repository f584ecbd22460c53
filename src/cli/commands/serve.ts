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
import { WEBHOOK_PATH } from '../../events/intake-app.js';
import { openStore, storeOptionsFromEnv, StoreError, type Store } from '../../store/store.js';
import { INSTALLATION_FILE, readInstallation } from '../../sync/installation.js';
import { open, SECRET_KEY_VARIABLE, secretKey } from '../../sync/secret-box.js';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openPipeline, type Pipeline } from '../../events/pipeline.js';
import type { Command, ParsedArgs } from '../command.js';
import {
  connectTarget,
  HOST_TARGET_HELP,
  HOST_TARGET_OPTIONS,
  hostTarget,
} from '../host-target.js';
import { CliError, EXIT, readPolicy, type CliIo } from '../io.js';

export const DEFAULT_SERVE_PORT = 3031;
export const WEBHOOK_SECRET_VARIABLE = 'TIERGATE_WEBHOOK_SECRET';

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
  const host = connectTarget(await hostTarget(args, io, { addonKey: true }));
  const pipeline = await openPipeline({
    store,
    host,
    policy,
    cwd: io.cwd,
    secretKey: await secretKey(io.env, io.cwd),
    workerId: `${hostname()}:${process.pid}`,
    sweepEveryMs: minutesOf(args.values['sweep-minutes']) * 60_000,
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
    'tiergate serve [--port N] [--bind ADDR] [--policy FILE] [--host URL --api-key KEY] [--sweep-minutes N]',
  help: `Serves, on http://<bind>:<port>:
  POST ${WEBHOOK_PATH}   Twenty's webhooks: signature checked (401 with the reason), JSON of up
                           to 100 MiB, de-duplicated, stored before the 200
  GET  /healthz            200 while the process runs
  GET  /readyz             200 when the store answers and the webhook secret is known, else 503
  GET  /metrics            Prometheus metrics

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
  --policy FILE       the policy events are judged by (default ./tiergate.policy.yaml)
${HOST_TARGET_HELP}
  --sweep-minutes N   minutes between sweeps (default 5; 0 turns the sweep off)
  -h, --help          show this help

Logs are JSON lines on standard output, secrets redacted ($TIERGATE_LOG_LEVEL: info by default;
debug adds a line per accepted webhook); messages go to standard error.
Stops on Ctrl-C, finishing the requests in flight.`,
  options: {
    port: { type: 'string' },
    bind: { type: 'string' },
    policy: { type: 'string' },
    ...HOST_TARGET_OPTIONS,
    'sweep-minutes': { type: 'string' },
  },
  async run(args, io) {
    if (args.positionals.length > 0)
      throw new CliError(`usage: serve takes no arguments, not "${args.positionals[0] ?? ''}"`);
    const port = portOf(args.values.port);
    const bind = bindOf(args.values.bind);
    const { secret, source } = await webhookSecretOf(io);
    const store = await openMigratedStore(io);
    const logger = createLogger({
      destination: { write: (line: string) => void io.stdout.write(line) },
      secrets: () => [secret, io.env[SECRET_KEY_VARIABLE]],
      level: logLevelOf(io.env.TIERGATE_LOG_LEVEL),
    });
    // The pipeline stops before the server closes the store.
    const stopping = new AbortController();
    let pipeline: Pipeline | undefined;
    io.signal?.addEventListener(
      'abort',
      () => void (pipeline?.stop() ?? Promise.resolve()).finally(() => stopping.abort()),
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
      });
    } catch (error) {
      await store.close();
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(
        code === 'EADDRINUSE'
          ? `port ${port} is in use on ${bind}; pick another with --port`
          : `cannot listen on ${bind}:${port}: ${(error as Error).message}`,
        EXIT.failed,
      );
    }
    io.stderr.write(
      `Tiergate is serving on ${running.url} (webhooks: ${running.url}${WEBHOOK_PATH})\n` +
        `  store: ${store.location}\n  webhook secret: from ${source}\n`,
    );
    try {
      pipeline = await pipelineOf(args, io, store, logger);
    } catch (error) {
      await running.close();
      throw error instanceof CliError
        ? error
        : new CliError(`cannot start processing: ${(error as Error).message}`, EXIT.failed);
    }
    io.stderr.write('Press Ctrl-C to stop.\n');
    await running.closed;
    await pipeline?.stop();
    io.stderr.write('Tiergate stopped.\n');
    return EXIT.ok;
  },
};
