/**
 * The add-on server's HTTP application (the intake):
 *
 *   POST /webhooks/twenty   Twenty's webhooks: content type, body size, signature, JSON, event
 *                           fields, then the inbox, then 200 `{ status: accepted|duplicate }`
 *                           (`ignored`, not stored: an event of Tiergate's own audit object)
 *   GET  /healthz           the process is alive
 *   GET  /readyz            the store answers and the webhook secret is known
 *   GET  /metrics           Prometheus metrics (metrics.ts)
 *   GET  /metrics/deliveries/<record id>
 *                           the webhooks lately seen for that record and how each ended, for
 *                           the delivery proof (recent-deliveries.ts); with /metrics's token
 *
 * An event is persisted before it is acknowledged. Twenty makes one attempt with a 5 s timeout
 * and never retries (HOST-CONTRACT.md §A), so an event the store cannot take in time is answered
 * 503 and logged: it is not lost silently, and the sweep reconciles it later. The body is
 * verified as received (express.raw), and never logged: it carries the full record.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type Response,
} from 'express';
import type { Logger } from 'pino';
import {
  DEFAULT_TOLERANCE_MS,
  NONCE_HEADER,
  SIGNATURE_HEADER,
  SignatureError,
  TIMESTAMP_HEADER,
  verifySignature,
} from '../host/webhook/signature.js';
import { countEventsByStatus } from '../store/inbox.js';
import { pingStore, type Store } from '../store/store.js';
import { createInboxWriter } from './inbox-writer.js';
import { loggableUrl } from './logger.js';
import type { Metrics } from './metrics.js';
import type { WebhookOutcome } from './webhook-outcomes.js';
import { ownObjectNames } from '../twenty-app/manifest.js';
import { parseWebhook } from './webhook-event.js';
import { claimedRecord } from './recent-deliveries.js';
import { DELIVERIES_PATH, WEBHOOK_PATH } from '../twenty-app/names.js';

/**
 * 100 MiB: what Twenty's API takes in one request (`MAX_REQUEST_BODY_SIZE = '100MB'`,
 * twenty-server `engine/constants/max-request-body-size.constant.ts`; `settings.storage.maxFileSize`
 * for the JSON body parser in `main.ts`), so the webhook of any record one write can make fits.
 * A record grown past it by several writes is refused (413, logged) and read by the sweep.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024 * 1024;
/** Well inside Twenty's 5 s: past this, answer 503 rather than let Twenty time out blind. */
export const DEFAULT_PERSIST_TIMEOUT_MS = 3_000;
/** How long /readyz waits for the store. */
export const READY_TIMEOUT_MS = 2_000;

export interface Readiness {
  readonly ready: boolean;
  /** Each check: `ok`, or why it failed. */
  readonly checks: Readonly<Record<string, string>>;
}

export interface AppDeps {
  readonly store: Store;
  /** The webhook's signing secret, read on each request (it may be rotated or appear later). */
  readonly webhookSecret: () => string | undefined;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The clock, in milliseconds (tests set it). */
  readonly now?: () => number;
  readonly bodyLimitBytes?: number;
  readonly persistTimeoutMs?: number;
  /** Tiergate's own objects, whose events are not stored (default: the manifest's). */
  readonly ownObjects?: ReadonlySet<string>;
  /** Replaces the default readiness checks (store and secret). */
  readonly ready?: () => Promise<Readiness>;
  /** Whether this app answers GET /metrics (false when a listener of its own serves it). */
  readonly serveMetrics?: boolean;
  /** When set, GET /metrics asks for `Authorization: Bearer <token>`. */
  readonly metricsToken?: string;
}

class Timeout extends Error {
  override readonly name = 'Timeout';
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The headers worth a log line; the credentials among them are redacted by the logger. */
function loggedHeaders(req: Request): Record<string, string | undefined> {
  const pick = (name: string): string | undefined => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    'content-type': pick('content-type'),
    'content-length': pick('content-length'),
    'user-agent': pick('user-agent'),
    authorization: pick('authorization'),
    [TIMESTAMP_HEADER]: pick(TIMESTAMP_HEADER),
    [SIGNATURE_HEADER]: pick(SIGNATURE_HEADER),
    [NONCE_HEADER]: pick(NONCE_HEADER),
  };
}

/** `application/json`, with no charset or UTF-8: what Twenty sends. */
function isJsonUtf8(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const [type, ...params] = contentType.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

/** Whether `header` is `Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+)$/i.exec(header ?? '');
  if (match?.[1] === undefined) return false;
  const given = createHash('sha256').update(match[1]).digest();
  return timingSafeEqual(given, createHash('sha256').update(token).digest());
}

/** Whether the request may read the metrics; answers 401 itself when not. */
function metricsAuthorised(req: Request, res: Response, token: string | undefined): boolean {
  if (token === undefined || token === '' || bearerMatches(req.headers.authorization, token))
    return true;
  res
    .status(401)
    .set('www-authenticate', 'Bearer realm="tiergate-metrics"')
    .json({
      error: 'unauthorized',
      message: `GET ${req.path} needs Authorization: Bearer <token>`,
    });
  return false;
}

/**
 * GET /metrics/deliveries/<record id>: the webhooks lately seen for that record, and how each
 * ended. Guarded like /metrics; it answers only for an id the caller already knows.
 */
export function deliveriesHandler(
  deps: Pick<AppDeps, 'metrics' | 'metricsToken'>,
): express.RequestHandler<{ recordId: string }> {
  return (req, res) => {
    if (!metricsAuthorised(req, res, deps.metricsToken)) return;
    const { recordId } = req.params;
    res
      .status(200)
      .set('cache-control', 'no-store')
      .json({ recordId, webhooks: deps.metrics.recentDeliveries.of(recordId) });
  };
}

/**
 * GET /metrics: Prometheus text, the inbox counted by status on each scrape. With a token, a
 * scrape without it is answered 401: the counts tell an outsider how busy the CRM is.
 */
export function metricsHandler(
  deps: Pick<AppDeps, 'store' | 'logger' | 'metrics' | 'metricsToken'>,
): express.RequestHandler {
  const { store, logger, metrics, metricsToken } = deps;
  return (req, res, next) => {
    if (!metricsAuthorised(req, res, metricsToken)) return;
    const scrape = async (): Promise<string> => {
      try {
        const counts = await withTimeout(
          countEventsByStatus(store.db),
          READY_TIMEOUT_MS,
          'the store',
        );
        for (const [status, count] of Object.entries(counts))
          metrics.inboxEvents.set({ status }, count);
      } catch (error) {
        // The other metrics still matter most when the store is down.
        logger.warn({ err: messageOf(error) }, 'metrics: cannot count the inbox');
      }
      return metrics.registry.metrics();
    };
    scrape()
      .then((text) => {
        res.status(200).set('content-type', metrics.registry.contentType).send(text);
      })
      .catch(next);
  };
}

export function createApp(deps: AppDeps): express.Express {
  const now = deps.now ?? Date.now;
  const limit = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const persistTimeoutMs = deps.persistTimeoutMs ?? DEFAULT_PERSIST_TIMEOUT_MS;
  const { store, logger, metrics } = deps;
  const writer = createInboxWriter(store);
  const ownObjects = deps.ownObjects ?? ownObjectNames();

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('trust proxy', false);

  /** Answers a webhook request, counts it and logs one line about it (never its body). */
  const finish = (
    req: Request,
    res: Response,
    started: number,
    outcome: WebhookOutcome,
    status: number,
    body: Record<string, string>,
    extra: Record<string, unknown> = {},
  ): void => {
    metrics.webhooksReceived.inc({ outcome });
    res.status(status).json(body);
    const line = {
      req: { method: req.method, url: loggableUrl(req.originalUrl), headers: loggedHeaders(req) },
      status,
      outcome,
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...extra,
    };
    if (status >= 500) logger.error(line, 'webhook not stored');
    else if (status >= 400) logger.warn(line, 'webhook refused');
    // Accepted and duplicate deliveries are counted and stored already: a line each is for
    // debugging (TIERGATE_LOG_LEVEL=debug), and costs a seventh of the intake's throughput.
    else logger.debug(line, 'webhook');
  };

  const requireJson = (req: Request, res: Response, next: NextFunction): void => {
    res.locals.started = performance.now();
    if (isJsonUtf8(req.headers['content-type'])) {
      next();
      return;
    }
    finish(req, res, res.locals.started as number, 'unsupported_media_type', 415, {
      error: 'unsupported-media-type',
      message: `content-type must be application/json (UTF-8), not ${JSON.stringify(req.headers['content-type'] ?? null)}`,
    });
  };

  const rawBody = express.raw({ type: () => true, limit, inflate: false });

  const bodyErrors: ErrorRequestHandler = (error: unknown, req, res, next) => {
    const type = (error as { type?: unknown }).type;
    const started = (res.locals.started as number | undefined) ?? performance.now();
    if (type === 'entity.too.large') {
      finish(req, res, started, 'too_large', 413, {
        error: 'too-large',
        message: `body is larger than ${limit} bytes`,
      });
    } else if (type === 'encoding.unsupported') {
      finish(req, res, started, 'unsupported_media_type', 415, {
        error: 'unsupported-encoding',
        message: 'content-encoding is not supported; send the body as is',
      });
    } else if (type === 'request.aborted' || type === 'request.size.invalid') {
      finish(req, res, started, 'bad_json', 400, {
        error: 'incomplete-body',
        message: 'the body ended before its announced length',
      });
    } else {
      next(error);
    }
  };

  const intake = async (req: Request, res: Response): Promise<void> => {
    const started = res.locals.started as number;
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const secret = deps.webhookSecret();
    if (secret === undefined || secret === '') {
      // Fail closed, and say it is the server's fault, not the sender's.
      finish(req, res, started, 'not_configured', 503, {
        error: 'no-secret',
        message: 'the webhook secret is not configured on this server',
      });
      return;
    }
    try {
      verifySignature(raw, req.headers, {
        secrets: [secret],
        now: now(),
        toleranceMs: DEFAULT_TOLERANCE_MS,
      });
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      // Noted (never stored) so that the delivery proof can say its webhook came signed with
      // another secret, rather than not at all.
      const claimed = claimedRecord(raw);
      if (claimed !== undefined)
        metrics.recentDeliveries.note(claimed.recordId, claimed.eventName, 'unauthorized');
      finish(req, res, started, 'unauthorized', 401, {
        error: error.code,
        message: error.message,
      });
      return;
    }
    const parsed = parseWebhook(raw);
    if (!parsed.ok) {
      finish(
        req,
        res,
        started,
        parsed.status === 400 ? 'bad_json' : 'invalid_event',
        parsed.status,
        {
          error: parsed.error,
          message: parsed.message,
        },
      );
      return;
    }
    const { fields } = parsed;
    if (ownObjects.has(fields.objectName)) {
      // Tiergate's own audit object: its records are the journal relayed, not changes to
      // journal (the webhook is not subscribed to them; an older subscription may still be).
      metrics.recentDeliveries.note(fields.recordId, fields.eventName, 'ignored');
      finish(req, res, started, 'ignored', 200, { status: 'ignored' });
      return;
    }
    const described = {
      eventName: fields.eventName,
      recordId: fields.recordId,
      webhookId: fields.webhookId,
    };
    const endTimer = metrics.persistSeconds.startTimer();
    let result: 'inserted' | 'duplicate';
    try {
      result = await withTimeout(
        writer.write({
          body: parsed.text,
          dedupeKey: fields.dedupeKey,
          eventName: fields.eventName,
          objectName: fields.objectName,
          recordId: fields.recordId,
          recordVersion: fields.recordVersion,
          receivedAt: new Date(now()),
        }),
        persistTimeoutMs,
        'writing to the inbox',
      );
    } catch (error) {
      // Twenty will not send it again: the log line and the counter are how it is noticed,
      // and the sweep is how it is recovered.
      metrics.recentDeliveries.note(fields.recordId, fields.eventName, 'store_unavailable');
      finish(
        req,
        res,
        started,
        'store_unavailable',
        503,
        {
          error: 'store-unavailable',
          message: 'the event could not be stored; it was not accepted',
        },
        { ...described, err: messageOf(error), store: store.location },
      );
      return;
    } finally {
      endTimer();
    }
    const outcome = result === 'inserted' ? 'accepted' : 'duplicate';
    metrics.recentDeliveries.note(fields.recordId, fields.eventName, outcome);
    finish(req, res, started, outcome, 200, { status: outcome }, described);
  };

  const handleIntake = (req: Request, res: Response, next: NextFunction): void => {
    intake(req, res).catch(next);
  };
  app.post(WEBHOOK_PATH, requireJson, rawBody, bodyErrors, handleIntake);
  app.all(WEBHOOK_PATH, (_req, res) => {
    res.set('allow', 'POST').status(405).json({ error: 'method-not-allowed', message: 'use POST' });
  });

  app.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });

  const defaultReady = async (): Promise<Readiness> => {
    const checks: Record<string, string> = {};
    try {
      await withTimeout(pingStore(store), READY_TIMEOUT_MS, 'the store');
      checks.store = 'ok';
    } catch (error) {
      checks.store = `${store.location} does not answer: ${messageOf(error)}`;
    }
    const secret = deps.webhookSecret();
    checks.webhookSecret =
      secret === undefined || secret === '' ? 'no webhook secret is configured' : 'ok';
    return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
  };
  const ready = deps.ready ?? defaultReady;
  app.get('/readyz', (_req, res, next) => {
    ready()
      .then((readiness) => {
        res
          .status(readiness.ready ? 200 : 503)
          .json({ status: readiness.ready ? 'ready' : 'not-ready', checks: readiness.checks });
        if (!readiness.ready) logger.warn({ checks: readiness.checks }, 'not ready');
      })
      .catch(next);
  });

  if (deps.serveMetrics ?? true) {
    app.get('/metrics', metricsHandler(deps));
    app.get(`${DELIVERIES_PATH}/:recordId`, deliveriesHandler(deps));
  }

  app.use((req, res) => {
    res.status(404).json({ error: 'not-found', message: `no route for ${req.method} ${req.path}` });
  });

  const lastResort: ErrorRequestHandler = (error: unknown, req, res, next) => {
    logger.error(
      { err: messageOf(error), req: { method: req.method, url: loggableUrl(req.originalUrl) } },
      'request failed',
    );
    if (res.headersSent) {
      next(error);
      return;
    }
    res.status(500).json({ error: 'internal', message: 'the server failed; see its log' });
  };
  app.use(lastResort);
  return app;
}
