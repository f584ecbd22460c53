/**
 * The gateway's HTTP face: a reverse proxy in front of Twenty's server. GraphQL on `/graphql`
 * and the REST API under `/rest/` are enforced; the metadata API is checked and passed on;
 * everything else (the web app's files, SSE, websockets) passes through unchanged.
 *
 * Enforced requests are identified first, then judged for the member with the policy, and
 * forwarded with the caller's own token, so Twenty's native checks still apply and the caller
 * sees the intersection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Registry } from 'prom-client';
import { Denial, denialBody, type DeniedEvent } from '../core/denial.js';
import type { GatewayContext, GatewayOptions } from './context.js';
import { enforceGraphql, enforceRest } from './enforce.js';
import { sendJson } from './headers.js';
import { metadataEndpoint } from './metadata-endpoint.js';
import { gatewayMetrics } from './metrics.js';
import { rawTarget, surfaceOf } from './routes.js';
import { stepUpEndpoint } from './step-up-endpoint.js';
import { Upstream } from './upstream.js';
import { relayUpgrade } from './websocket.js';

export interface Gateway {
  readonly url: string;
  readonly server: Server;
  readonly metrics: Registry;
  close(): Promise<void>;
}

/** Sends one request where its path says; returns the path it was routed by. */
async function route(
  ctx: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  routed: (path: string) => void,
): Promise<void> {
  const target = rawTarget(request.url);
  const surface = surfaceOf(target.path);
  const path = surface.path;
  routed(path);
  if (surface.surface === 'graphql') return enforceGraphql(ctx, request, response);
  if (surface.surface === 'metadata')
    return metadataEndpoint(ctx, request, response, target.search);
  if (surface.surface === 'rest') {
    const url = new URL('http://gateway.invalid/');
    url.pathname = surface.path;
    url.search = target.search;
    return enforceRest(ctx, request, response, url);
  }
  if (path === '/tiergate/step-up' && request.method === 'POST')
    return stepUpEndpoint(ctx, request, response);
  if (path === '/tiergate/healthz') {
    sendJson(response, 200, { ok: true });
    return;
  }
  if (path === '/tiergate/metrics') {
    response.writeHead(200, { 'content-type': ctx.metrics.registry.contentType });
    response.end(await ctx.metrics.registry.metrics());
    return;
  }
  ctx.upstream.passThrough(request, response);
}

/** Any failure becomes a refusal: a Denial as it is, anything else as the gateway's error. */
function refuse(
  ctx: GatewayContext,
  error: unknown,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): void {
  const denial =
    error instanceof Denial
      ? error
      : new Denial('GATEWAY_ERROR', 'The gateway could not decide this request, so it denies it');
  if (!(error instanceof Denial))
    ctx.options.log?.(`gateway error on ${request.method} ${path}: ${String(error)}`);
  ctx.onDenied({ member: undefined, code: denial.code, message: denial.journal });
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (path.toLowerCase().startsWith('/rest'))
    sendJson(response, denial.status, {
      statusCode: denial.status,
      error: denial.code,
      messages: [denial.message],
    });
  else sendJson(response, denial.status, denialBody(denial));
}

function contextOf(options: GatewayOptions): GatewayContext {
  const metrics = gatewayMetrics();
  return {
    options,
    upstream: new Upstream(options.upstream),
    metrics,
    now: options.now ?? Date.now,
    maxBody: options.maxBodyBytes ?? 1024 * 1024,
    onDenied: (event: DeniedEvent): void => {
      metrics.denials.inc({ code: event.code });
      options.onDenied?.(event);
    },
  };
}

export async function startGateway(
  options: GatewayOptions & { readonly port?: number; readonly hostname?: string },
): Promise<Gateway> {
  const ctx = contextOf(options);
  const server = createServer((request, response) => {
    let path = '/';
    route(ctx, request, response, (routed) => (path = routed)).catch((error: unknown) =>
      refuse(ctx, error, request, response, path),
    );
  });
  // Websockets: relayed both ways once the host switches protocols, and ended on close.
  const relayed = new Set<Socket>();
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    const { url: upstream, port } = ctx.upstream;
    relayUpgrade({ request, socket, head, upstream, port, relayed });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.hostname ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    server,
    metrics: ctx.metrics.registry,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of relayed) socket.destroy();
        ctx.upstream.close();
        server.close(() => resolve());
      }),
  };
}
