/**
 * Which Twenty host a command talks to, the same way for every command that talks to one:
 * the URL from `--host`, else the installation record (.tiergate/installation.json, written by
 * `tiergate install`), else the local sandbox's connection file (.tiergate/sandbox.json); the
 * key from `--api-key`, else `$TIERGATE_API_KEY`, else the add-on's own key that install sealed
 * in the installation record (when the URL is the installation's and the command asks for it),
 * else the sandbox's admin key.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectHost, type Host } from '../host/host.js';
import { readInstallation } from '../sync/installation.js';
import { open, secretKey } from '../sync/secret-box.js';
import type { ParsedArgs } from './command.js';
import { CliError, EXIT, type CliIo } from './io.js';

export interface HostTarget {
  readonly url: string;
  readonly apiKey: string;
  /** Whether the key is the add-on's own, which install made and sealed. */
  readonly addonKey?: boolean;
}

export const HOST_TARGET_OPTIONS = {
  host: { type: 'string' },
  'api-key': { type: 'string' },
} as const;

export const HOST_TARGET_HELP = `  --host URL      the Twenty server's base URL (default: the installation's, from
                  .tiergate/installation.json, else the sandbox's, from .tiergate/sandbox.json)
  --api-key KEY   an API key (default: $TIERGATE_API_KEY, then the sandbox's)`;

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
  if (url !== undefined && apiKey !== undefined && apiKey !== '')
    return { url, apiKey, addonKey: sealed !== undefined && apiKey === sealed };
  throw new CliError(
    url === undefined
      ? 'usage: give --host URL and --api-key KEY (or run `tiergate sandbox` or `tiergate install` here first)'
      : `usage: give --api-key KEY or set $TIERGATE_API_KEY for ${url}`,
  );
}

/** A client for the target; a bad URL is a usage error. */
export function connectTarget(target: HostTarget): Host {
  try {
    return connectHost({ baseUrl: target.url, token: target.apiKey });
  } catch (error) {
    throw new CliError(`usage: ${(error as Error).message}`);
  }
}
