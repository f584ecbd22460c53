/**
 * The address rules of Twenty's outbound safe mode (twentyhq/twenty
 * `engine/core-modules/secure-http-client/utils/is-private-ip.util.ts`,
 * `is-link-local-ip.util.ts`, `matches-ip-ranges.util.ts`) and the settings' names: facts about
 * the host that the sandbox enforces and `install`/`doctor` use to explain a silent webhook.
 */
import { BlockList } from 'node:net';

export const SAFE_MODE_VARIABLE = 'OUTBOUND_HTTP_SAFE_MODE_ENABLED';
export const ALLOWED_INTERNAL_HOSTS_VARIABLE = 'OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS';

/** What `getIsBlockedIp` resolves names with; injectable so tests can play a private network. */
export type HostLookup = (hostname: string) => Promise<{ readonly address: string }>;

const PRIVATE_RANGES = new BlockList();
PRIVATE_RANGES.addSubnet('0.0.0.0', 8);
PRIVATE_RANGES.addSubnet('10.0.0.0', 8);
PRIVATE_RANGES.addSubnet('127.0.0.0', 8);
PRIVATE_RANGES.addSubnet('169.254.0.0', 16);
PRIVATE_RANGES.addSubnet('172.16.0.0', 12);
PRIVATE_RANGES.addSubnet('192.168.0.0', 16);
PRIVATE_RANGES.addSubnet('::1', 128, 'ipv6');
PRIVATE_RANGES.addSubnet('::', 128, 'ipv6');
PRIVATE_RANGES.addSubnet('fc00::', 7, 'ipv6');
PRIVATE_RANGES.addSubnet('fe80::', 10, 'ipv6');

const LINK_LOCAL_RANGES = new BlockList();
LINK_LOCAL_RANGES.addSubnet('169.254.0.0', 16);
LINK_LOCAL_RANGES.addSubnet('fe80::', 10, 'ipv6');

/** An IPv4 part in decimal, octal (0…) or hex (0x…), as inet_aton reads it; NaN otherwise. */
function ipv4Part(part: string): number {
  if (/^0x[0-9a-f]*$/i.test(part)) return parseInt(part, 16);
  if (/^0[0-7]+$/.test(part)) return parseInt(part, 8);
  if (/^(0|[1-9]\d*)$/.test(part)) return parseInt(part, 10);
  return NaN;
}

/** IPv4 in any encoding (dotted, octal, hex, bare integer) as dotted decimal; undefined if none. */
function dottedIpv4(address: string): string | undefined {
  const parts = address.split('.').map(ipv4Part);
  if (parts.some(Number.isNaN)) return undefined;
  const [a = 0, b = 0, c = 0, d = 0] = parts;
  let value: number;
  if (parts.length === 1) value = a;
  else if (parts.length === 2 && a <= 0xff && b <= 0xffffff) value = a * 2 ** 24 + b;
  else if (parts.length === 3 && a <= 0xff && b <= 0xff && c <= 0xffff)
    value = a * 2 ** 24 + b * 2 ** 16 + c;
  else if (parts.length === 4 && parts.every((p) => p <= 0xff))
    value = a * 2 ** 24 + b * 2 ** 16 + c * 2 ** 8 + d;
  else return undefined;
  if (value > 0xffffffff) return undefined;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Twenty's `matchesIpRanges`: IPv4-mapped IPv6 read as IPv4; throws on an unparseable IPv4. */
function matchesRanges(ranges: BlockList, address: string): boolean {
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1] ?? '0', 16);
    const lo = parseInt(hexMapped[2] ?? '0', 16);
    return ranges.check(`${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`);
  }
  const dottedMapped = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(address);
  if (dottedMapped?.[1] !== undefined) return ranges.check(dottedMapped[1]);
  if (address.includes(':')) return ranges.check(address, 'ipv6');
  const dotted = dottedIpv4(address);
  if (dotted === undefined) throw new Error('invalid ipv4 address');
  return ranges.check(dotted);
}

export const isPrivateIp = (address: string): boolean => matchesRanges(PRIVATE_RANGES, address);
export const isLinkLocalIp = (address: string): boolean =>
  matchesRanges(LINK_LOCAL_RANGES, address);
