/**
 * Twenty's outbound safe mode, as its worker applies it to webhook calls
 * (twentyhq/twenty `engine/core-modules/secure-http-client/`: `secure-http-client.service.ts`,
 * `utils/create-ssrf-safe-agent.util.ts`, `utils/get-is-blocked-ip.util.ts`,
 * `utils/is-private-ip.util.ts`, `utils/is-link-local-ip.util.ts`,
 * `utils/is-allowed-internal-host.util.ts`, `utils/normalize-allowed-internal-host.util.ts`):
 * - `OUTBOUND_HTTP_SAFE_MODE_ENABLED` (default true) turns the check on;
 * - a target whose address is loopback, private (10/8, 172.16/12, 192.168/16), 0/8, link-local,
 *   `::`, `::1`, fc00::/7 or fe80::/10 is refused before any byte is sent;
 * - a host named in `OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS` (or `*`) may reach private addresses,
 *   never link-local ones (the cloud metadata service lives there);
 * - the webhook job swallows the refusal: the write succeeds, nothing is delivered, nothing is
 *   said to the caller.
 * Each Twenty process reads its own environment: the worker's settings decide webhook delivery.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  ALLOWED_INTERNAL_HOSTS_VARIABLE,
  SAFE_MODE_VARIABLE,
  isLinkLocalIp,
  isPrivateIp,
  type HostLookup,
} from '../host/outbound-rules.js';

export {
  ALLOWED_INTERNAL_HOSTS_VARIABLE,
  SAFE_MODE_VARIABLE,
  isLinkLocalIp,
  isPrivateIp,
  type HostLookup,
};

/** `ALLOW_ALL_INTERNAL_HOSTS` in Twenty: every host may reach private (not link-local) addresses. */
export const ALLOW_ALL_INTERNAL_HOSTS = '*';

/** One Twenty process's outbound settings. */
export interface OutboundHttpConfig {
  readonly safeModeEnabled: boolean;
  /** Normalised host names (see `normalizeAllowedInternalHost`). */
  readonly allowedInternalHosts: readonly string[];
}

/** The server's and the worker's settings: two processes, two environments. */
export interface OutboundSettings {
  readonly server: OutboundHttpConfig;
  readonly worker: OutboundHttpConfig;
}

/** Twenty's defaults: safe mode on, no host allowed inside. */
export const DEFAULT_OUTBOUND_CONFIG: OutboundHttpConfig = {
  safeModeEnabled: true,
  allowedInternalHosts: [],
};
export const DEFAULT_OUTBOUND_SETTINGS: OutboundSettings = {
  server: DEFAULT_OUTBOUND_CONFIG,
  worker: DEFAULT_OUTBOUND_CONFIG,
};

export function isAllowedInternalHost(host: string, allowed: readonly string[]): boolean {
  return allowed.includes(ALLOW_ALL_INTERNAL_HOSTS) || allowed.includes(host.toLowerCase());
}

/** Allow-listed hosts may reach private addresses but never link-local ones. */
export function getIsBlockedIp(
  host: string | undefined,
  allowed: readonly string[],
): (address: string) => boolean {
  return host !== undefined && host !== '' && isAllowedInternalHost(host, allowed)
    ? isLinkLocalIp
    : isPrivateIp;
}

/** A bare host, host:port or a URL, matched on the host name alone (as Twenty normalises). */
export function normalizeAllowedInternalHost(entry: string): string {
  const trimmed = entry.trim();
  try {
    return new URL(trimmed.includes('://') ? trimmed : `http://${trimmed}`).hostname.replace(
      /^\[|\]$/g,
      '',
    );
  } catch {
    return trimmed.toLowerCase();
  }
}

/** `OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS` as an environment variable: a comma-separated list. */
export function parseAllowedInternalHosts(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) =>
      entry === ALLOW_ALL_INTERNAL_HOSTS ? entry : normalizeAllowedInternalHost(entry),
    );
}

/** `OUTBOUND_HTTP_SAFE_MODE_ENABLED`: true unless `false` (or 0, no, off); other text refused. */
export function parseSafeMode(value: string | undefined): boolean {
  if (value === undefined || value.trim() === '') return true;
  const text = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new Error(
    `${SAFE_MODE_VARIABLE}="${value}" is not a boolean: use true (Twenty's default) or false`,
  );
}

/** One process's settings from its environment (Twenty reads the same two names everywhere). */
export function outboundConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): OutboundHttpConfig {
  return {
    safeModeEnabled: parseSafeMode(env[SAFE_MODE_VARIABLE]),
    allowedInternalHosts: parseAllowedInternalHosts(env[ALLOWED_INTERNAL_HOSTS_VARIABLE]),
  };
}

const defaultLookup: HostLookup = (hostname) => dnsLookup(hostname);

/**
 * DNS lookups remembered for `ttlMs`, failures included, as a resolver cache would: a sandbox
 * delivering many events to one host asks DNS once, not once per event.
 */
export function cachedLookup(lookup: HostLookup = defaultLookup, ttlMs = 60_000): HostLookup {
  const cache = new Map<
    string,
    { readonly at: number; readonly answer: Promise<{ address: string }> }
  >();
  return (hostname) => {
    const now = Date.now();
    const hit = cache.get(hostname);
    if (hit !== undefined && now - hit.at < ttlMs) return hit.answer;
    const answer = lookup(hostname).then(({ address }) => ({ address }));
    // A settled failure is remembered too; an unhandled rejection is not raised for the cache.
    answer.catch(() => undefined);
    cache.set(hostname, { at: now, answer });
    return answer;
  };
}

/**
 * Why Twenty's safe agent would refuse a request to `targetUrl`, in its words, or undefined when
 * it would open the connection. An IP literal is checked as given; a name is checked on the
 * address it resolves to. A name that does not resolve is not a refusal: the request fails in
 * DNS, as it would anyway.
 */
export async function outboundRefusal(
  targetUrl: string,
  config: OutboundHttpConfig,
  lookup: HostLookup = defaultLookup,
): Promise<string | undefined> {
  if (!config.safeModeEnabled) return undefined;
  let hostname: string;
  try {
    hostname = new URL(targetUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
  const isBlockedIp = getIsBlockedIp(hostname, config.allowedInternalHosts);
  if (isIP(hostname) !== 0) {
    return isBlockedIp(hostname)
      ? `Request to internal IP address ${hostname} is not allowed.`
      : undefined;
  }
  let address: string;
  try {
    ({ address } = await lookup(hostname));
  } catch {
    return undefined;
  }
  try {
    return isBlockedIp(address)
      ? `Request to internal IP address ${address} is not allowed.`
      : undefined;
  } catch {
    return `Request to unvalidatable IP address ${address} is not allowed.`;
  }
}
