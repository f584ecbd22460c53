/**
 * Runs the add-on server: the express app (app.ts) on a port (0: any free one), with timeouts
 * that keep a slow or stalled client from holding a connection, and a graceful stop: no new
 * connections, idle ones closed, requests in flight allowed to finish (up to a grace period,
 * so that an event being persisted is answered), then the store closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import express from 'express';
import { createApp, deliveriesHandler, metricsHandler, type AppDeps } from './intake-app.js';
import { createMetrics, type Metrics } from './metrics.js';
import { DELIVERIES_PATH } from '../twenty-app/names.js';

export const DEFAULT_BIND = '127.0.0.1';
/** How long a stop waits for requests in flight before it cuts their connections. */
export const DEFAULT_GRACE_MS = 10_000;

export interface ServerOptions extends Omit<AppDeps, 'metrics' | 'serveMetrics'> {
  readonly metrics?: Metrics;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** The address to listen on (default 127.0.0.1). */
  readonly bind?: string;
  /** Stops the server when aborted. */
  readonly signal?: AbortSignal;
  /** Whether stopping closes the store too (default true). */
  readonly closeStore?: boolean;
  readonly graceMs?: number;
  /**
   * Serves GET /metrics on a listener of its own at this address (port 0: any free one) instead
   * of beside the webhooks, so that it can stay on an internal interface.
   */
  readonly metricsListen?: { readonly bind: string; readonly port: number };
}

export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  /** Where GET /metrics is served: `url` unless it has a listener of its own. */
  readonly metricsUrl: string;
  readonly server: Server;
  readonly metrics: Metrics;
  readonly store: Store;
  readonly logger: Logger;
  /** Resolves once the server has stopped (by close() or the signal). */
  readonly closed: Promise<void>;
  /** Stops gracefully; later calls return the same promise. */
  close(): Promise<void>;
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const metrics = options.metrics ?? createMetrics();
  const { logger, store } = options;
  const app = createApp({ ...options, metrics, serveMetrics: options.metricsListen === undefined });
  const server = createServer(app);
  // A webhook is small and Twenty gives up after 5 s: a request still arriving after 10 s is
  // not Twenty's. Headers must come within 5 s.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.bind ?? DEFAULT_BIND, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = urlOf(server.address() as AddressInfo);
  let metricsServer: Server | undefined;
  if (options.metricsListen !== undefined) {
    const metricsApp = express();
    metricsApp.disable('x-powered-by');
    metricsApp.get('/metrics', metricsHandler({ ...options, metrics }));
    metricsApp.get(`${DELIVERIES_PATH}/:recordId`, deliveriesHandler({ ...options, metrics }));
    metricsApp.use((req, res) => {
      res
        .status(404)
        .json({ error: 'not-found', message: `no route for ${req.method} ${req.path}` });
    });
    const listening = createServer(metricsApp);
    const { bind, port } = options.metricsListen;
    try {
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, bind, () => {
          listening.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw Object.assign(error as Error, { listener: 'metrics' });
    }
    metricsServer = listening;
  }
  const metricsUrl = metricsServer ? urlOf(metricsServer.address() as AddressInfo) : url;

  // Responses not yet sent: on stop, each is told to close its connection once answered, so
  // that keep-alive connections do not hold the stop open.
  let stopping = false;
  const unanswered = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (stopping) res.setHeader('connection', 'close');
    unanswered.add(res);
    res.once('close', () => unanswered.delete(res));
  });

  let closing: Promise<void> | undefined;
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopping = true;
      for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
      const stopped = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      server.closeIdleConnections();
      if (metricsServer !== undefined) {
        metricsServer.close();
        metricsServer.closeAllConnections();
      }
      const grace = setTimeout(
        () => server.closeAllConnections(),
        options.graceMs ?? DEFAULT_GRACE_MS,
      );
      try {
        await stopped;
      } finally {
        clearTimeout(grace);
      }
      if (options.closeStore ?? true) await store.close();
      logger.info({ url }, 'stopped');
      markClosed();
    })();
    return closing;
  };
  if (options.signal) {
    if (options.signal.aborted) void close();
    else options.signal.addEventListener('abort', () => void close(), { once: true });
  }
  logger.info({ url, metricsUrl, store: store.location }, 'listening');
  return { url, metricsUrl, server, metrics, store, logger, closed, close };
}
