/**
 * Which Twenty host a command talks to, the same way for every command that talks to one:
 * the URL from `--host`, else the installation record (.tiergate/installation.json, written by
 * `tiergate install`), else the local sandbox's connection file (.tiergate/sandbox.json); the
 * key from `--api-key`, else `$TIERGATE_API_KEY`, else the add-on's own key that install sealed
 * in the installation record (when the URL is the installation's and the command asks for it),
 * else the sandbox's admin key. The pace of requests from `--rate`, else the installation's,
 * else the host layer's default (Twenty's default API limit, src/host/rate-limit.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectHost, type Host } from '../host/host.js';
import type { RateLimit } from '../host/rate-limit.js';
import { readInstallation } from '../sync/installation.js';
import { open, secretKey } from '../sync/secret-box.js';
import type { ParsedArgs } from './command.js';
import { CliError, EXIT, type CliIo } from './io.js';

export interface HostTarget {
  readonly url: string;
  readonly apiKey: string;
  /** Whether the key is the add-on's own, which install made and sealed. */
  readonly addonKey?: boolean;
  /** How fast to send requests; the host layer's default when absent. */
  readonly rateLimit?: RateLimit;
}

export const HOST_TARGET_OPTIONS = {
  host: { type: 'string' },
  'api-key': { type: 'string' },
  rate: { type: 'string' },
} as const;

export const HOST_TARGET_HELP = `  --host URL      the Twenty server's base URL (default: the installation's, from
                  .tiergate/installation.json, else the sandbox's, from .tiergate/sandbox.json)
  --api-key KEY   an API key (default: $TIERGATE_API_KEY, then the sandbox's)
  --rate N/PERIOD requests to send at most, e.g. 100/min, 5/s, 1000/h (default: the
                  installation's, else 100/min, Twenty's default API limit); slower still
                  when the host answers that its limit is lower`;

const RATE_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
};

/** `--rate`: REQUESTS/PERIOD, the period a unit with an optional count (`100/min`, `20/10s`). */
export function parseRate(text: string): RateLimit {
  const match = /^\s*(\d+)\s*\/\s*(\d*)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match?.[3]?.toLowerCase();
  const unitMs = unit === undefined ? undefined : RATE_UNITS[unit];
  if (!match || unitMs === undefined) {
    throw new CliError(
      `usage: --rate "${text}" is not a rate; give REQUESTS/PERIOD with a unit of ms, s, min or h, e.g. --rate 100/min`,
    );
  }
  const requests = Number(match[1]);
  const count = match[2] === '' || match[2] === undefined ? 1 : Number(match[2]);
  if (requests < 1 || count < 1) {
    throw new CliError(
      `usage: --rate "${text}" allows nothing; both numbers must be at least 1, e.g. --rate 100/min`,
    );
  }
  return { requests, windowMs: count * unitMs };
}

const flag = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** Whether the command line names a host itself (not through the local files). */
export function namesHost(args: ParsedArgs): boolean {
  return flag(args, 'host') !== undefined;
}

async function sandboxFile(io: CliIo): Promise<{ url?: string; adminKey?: string } | undefined> {
  try {
    return JSON.parse(await readFile(join(io.cwd, '.tiergate', 'sandbox.json'), 'utf8')) as {
      url?: string;
      adminKey?: string;
    };
  } catch {
    return undefined; // No sandbox here: the flags or the installation must say.
  }
}

/** The host and key to use; a usage error naming what to give when nothing says. */
export async function hostTarget(
  args: ParsedArgs,
  io: CliIo,
  options: {
    /** Fall back to the add-on's own key (not for install and uninstall, which manage it). */
    readonly addonKey?: boolean;
  } = {},
): Promise<HostTarget> {
  const installed = await readInstallation(io.cwd).catch((error: unknown) => {
    throw new CliError((error as Error).message, EXIT.failed);
  });
  const sandbox = await sandboxFile(io);
  const url = flag(args, 'host') ?? installed?.hostUrl ?? sandbox?.url;
  const sealed =
    options.addonKey === true && installed?.sealedApiKey != null && url === installed.hostUrl
      ? await secretKey(io.env, io.cwd).then((key) => open(installed.sealedApiKey ?? '', key))
      : undefined;
  const apiKey = flag(args, 'api-key') ?? io.env.TIERGATE_API_KEY ?? sealed ?? sandbox?.adminKey;
  const rateFlag = flag(args, 'rate');
  const rateLimit =
    rateFlag !== undefined
      ? parseRate(rateFlag)
      : url === installed?.hostUrl
        ? installed?.rateLimit
        : undefined;
  if (url !== undefined && apiKey !== undefined && apiKey !== '')
    return {
      url,
      apiKey,
      addonKey: sealed !== undefined && apiKey === sealed,
      ...(rateLimit ? { rateLimit } : {}),
    };
  throw new CliError(
    url === undefined
      ? 'usage: give --host URL and --api-key KEY (or run `tiergate sandbox` or `tiergate install` here first)'
      : `usage: give --api-key KEY or set $TIERGATE_API_KEY for ${url}`,
  );
}

/** A client for the target; a bad URL is a usage error. */
export function connectTarget(target: HostTarget): Host {
  try {
    return connectHost({
      baseUrl: target.url,
      token: target.apiKey,
      ...(target.rateLimit ? { rateLimit: target.rateLimit } : {}),
    });
  } catch (error) {
    throw new CliError(`usage: ${(error as Error).message}`);
  }
}
