/** HTTP plumbing of the gateway: which headers go where, bodies read with a limit, JSON sent. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

/**
 * Headers an enforced request does not pass on: the body is the gateway's JSON, uncompressed,
 * and validators or ranges are about the host's body, not the one the client gets.
 */
export const STRIPPED_FROM_ENFORCED: ReadonlySet<string> = new Set([
  'x-http-method-override',
  'x-http-method',
  'x-method-override',
  'accept-encoding',
  'if-none-match',
  'if-modified-since',
  'range',
  'if-range',
]);

/** The client's headers as the host should get them: hop-by-hop and forwarding ones replaced. */
export function forwardedHeaders(
  request: IncomingMessage,
  keepLength: boolean,
  without: ReadonlySet<string> = new Set(),
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || without.has(name)) continue;
    if (name.startsWith('x-forwarded-') || name === 'forwarded') continue;
    if (HOP_BY_HOP.has(name) && !(keepLength && name === 'content-length')) continue;
    out[name] = value;
  }
  const remote = request.socket.remoteAddress;
  if (remote) out['x-forwarded-for'] = remote;
  out['x-forwarded-proto'] = 'http';
  if (request.headers.host) out['x-forwarded-host'] = request.headers.host;
  return out;
}

export async function readBody(
  request: IncomingMessage,
  limit: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string | string[]>> = {},
): void {
  const bytes = Buffer.from(JSON.stringify(body));
  response.writeHead(status, {
    ...headers,
    'cache-control': 'private, no-store',
    'content-type': 'application/json; charset=utf-8',
    'content-length': bytes.length,
  });
  response.end(bytes);
}

const RELAYED_NOT: ReadonlySet<string> = new Set([
  'content-type',
  'content-encoding',
  'etag',
  'last-modified',
  'location',
  'cache-control',
  'expires',
  'age',
]);

/** The host's answer headers a client may see on an enforced answer (the body is the gateway's). */
export function relayedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    // The body is the gateway's: no validator, no redirect, and no shared caching of one
    // member's judged answer (sendJson marks every answer private).
    if (RELAYED_NOT.has(name)) continue;
    out[name] = value;
  }
  return out;
}

export function headerText(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
