/**
 * The sandbox's outbound safe mode settings from its command line and environment. Twenty's
 * server and worker each read OUTBOUND_HTTP_SAFE_MODE_ENABLED and
 * OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS from their own environment; a shared .env gives both the
 * same, and the flags set one or both so a set-up like "allowed on the server only" can be played.
 */
import {
  ALLOWED_INTERNAL_HOSTS_VARIABLE,
  isAllowedInternalHost,
  outboundConfigFromEnv,
  parseAllowedInternalHosts,
  parseSafeMode,
  type OutboundHttpConfig,
  type OutboundSettings,
} from '../sandbox/outbound-safe-mode.js';
import type { ParsedArgs } from './command.js';
import { CliError, type CliIo } from './io.js';

export const SANDBOX_OUTBOUND_OPTIONS = {
  'outbound-safe-mode': { type: 'string' },
  'allowed-internal-hosts': { type: 'string' },
  'server-allowed-internal-hosts': { type: 'string' },
  'worker-allowed-internal-hosts': { type: 'string' },
} as const;

export const SANDBOX_OUTBOUND_HELP = `  --outbound-safe-mode on|off
                     Twenty's outbound safe mode on the server and the worker (default:
                     $OUTBOUND_HTTP_SAFE_MODE_ENABLED, else on, as in Twenty): webhooks to private
                     and loopback addresses are dropped silently unless their host is allowed
  --allowed-internal-hosts LIST
                     OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS for the server and the worker, comma-
                     separated host names or * (default: $OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS)
  --server-allowed-internal-hosts LIST, --worker-allowed-internal-hosts LIST
                     the same for one process only (the worker's decides webhook delivery)`;

const text = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * The settings, and whether any was given. With `demoAddonHost` (the demo's own add-on) and no
 * setting given, that host is allowed on both, so the demo's webhooks arrive as they would on a
 * Twenty set up for it.
 */
export function sandboxOutbound(
  args: ParsedArgs,
  io: CliIo,
  demoAddonHost?: string,
): { readonly settings: OutboundSettings; readonly allowedForDemo: string | undefined } {
  let base: OutboundHttpConfig;
  try {
    base = outboundConfigFromEnv(io.env);
    const mode = text(args, 'outbound-safe-mode');
    if (mode !== undefined) {
      if (!['on', 'off'].includes(mode))
        throw new CliError(`usage: --outbound-safe-mode takes on or off, not "${mode}"`);
      base = { ...base, safeModeEnabled: parseSafeMode(mode) };
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`usage: ${(error as Error).message}`);
  }
  const both = text(args, 'allowed-internal-hosts');
  if (both !== undefined) base = { ...base, allowedInternalHosts: parseAllowedInternalHosts(both) };
  const one = (name: string): OutboundHttpConfig => {
    const given = text(args, name);
    return given === undefined
      ? base
      : { ...base, allowedInternalHosts: parseAllowedInternalHosts(given) };
  };
  let settings: OutboundSettings = {
    server: one('server-allowed-internal-hosts'),
    worker: one('worker-allowed-internal-hosts'),
  };
  const anyGiven =
    io.env[ALLOWED_INTERNAL_HOSTS_VARIABLE] !== undefined ||
    Object.keys(SANDBOX_OUTBOUND_OPTIONS).some((name) => text(args, name) !== undefined);
  if (
    demoAddonHost === undefined ||
    anyGiven ||
    isAllowedInternalHost(demoAddonHost, settings.worker.allowedInternalHosts)
  )
    return { settings, allowedForDemo: undefined };
  const allow = (config: OutboundHttpConfig): OutboundHttpConfig => ({
    ...config,
    allowedInternalHosts: [...config.allowedInternalHosts, demoAddonHost.toLowerCase()],
  });
  settings = { server: allow(settings.server), worker: allow(settings.worker) };
  return { settings, allowedForDemo: demoAddonHost };
}
