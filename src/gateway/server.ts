/**
 * The gateway's HTTP face: a reverse proxy in front of Twenty's server. GraphQL on `/graphql`
 * and the REST API under `/rest/` are enforced (src/gateway/graphql, src/gateway/rest.ts);
 * everything else — the web app's files, the metadata API, SSE, websockets — passes through
 * unchanged, streamed both ways. Headers an intermediary sets (`X-Forwarded-*`) are the
 * gateway's own, never the client's.
 *
 * Enforced requests are identified first (src/gateway/identity.ts), then judged for the member
 * with the policy, and forwarded with the caller's own token, so Twenty's native checks still
 * apply and the caller sees the intersection. `POST /tiergate/step-up` takes a TOTP code and
 * lifts the export limit for ten minutes.
 */
import type { CursorSeal } from './core/cursor-seal.js';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import type { Engine } from '../policy/engine.js';
import type { Policy } from '../policy/schema.js';
import type { ExportMeter } from './core/export-meter.js';
import { Denial, denialBody, type DeniedEvent } from './core/denial.js';
import { handleGraphql, type GraphqlRequest } from './graphql/handle.js';
import type { HostAnswer } from './core/host-answer.js';
import type { Caller } from './core/caller.js';
import type { IdentityResolver } from './identity.js';
import type { GraphqlLimits } from './core/limits.js';
import type { GatewayModel } from './core/model.js';
import { handleRest } from './rest/handle.js';
import {
  forwardedHeaders,
  headerText,
  readBody,
  relayedHeaders,
  sendJson,
  STRIPPED_FROM_ENFORCED,
} from './http.js';
import { checkMetadataDocument } from './metadata-surface.js';
import { rawTarget, subscribes, surfaceOf } from './routes.js';
import { relayUpgrade } from './websocket.js';
import type { StepUp } from './core/step-up.js';

/** The most the gateway reads of one host answer it must judge (64 MiB). */
const MAX_HOST_ANSWER_BYTES = 64 * 1024 * 1024;
/** The longest a host may take over one answer the gateway must judge. */
const HOST_DEADLINE_MS = 30_000;

export interface GatewayOptions {
  /** Twenty's server, e.g. http://127.0.0.1:3000. */
  readonly upstream: string;
  readonly policy: Policy;
  readonly engine: Engine;
  readonly model: GatewayModel;
  readonly identity: IdentityResolver;
  readonly limits: GraphqlLimits;
  readonly meter?: ExportMeter | undefined;
  readonly stepUp?: StepUp | undefined;
  /** Bodies of enforced requests larger than this are refused (413). */
  readonly maxBodyBytes?: number;
  /** Each successful step-up (the CLI journals them, as it journals refusals). */
  readonly onStepUp?: ((event: { member: string; elevatedUntil: Date }) => void) | undefined;
  /** Each refusal, after it is counted (the CLI journals them). */
  readonly onDenied?: ((event: DeniedEvent) => void) | undefined;
  readonly log?: ((line: string) => void) | undefined;
  readonly now?: () => number;
  /** Seals the cursors the gateway hands out; a key drawn at start when not given. */
  readonly cursorSeal?: CursorSeal | undefined;
}

export interface Gateway {
  readonly url: string;
  readonly server: Server;
  readonly metrics: Registry;
  close(): Promise<void>;
}

export async function startGateway(
  options: GatewayOptions & { readonly port?: number; readonly hostname?: string },
): Promise<Gateway> {
  const upstream = new URL(options.upstream);
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const registry = new Registry();
  const denials = new Counter({
    name: 'tiergate_gateway_denials_total',
    help: 'Requests the gateway refused, by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const requests = new Counter({
    name: 'tiergate_gateway_requests_total',
    help: 'Requests through the gateway, by surface',
    labelNames: ['surface'] as const,
    registers: [registry],
  });
  const rowsServed = new Counter({
    name: 'tiergate_gateway_rows_total',
    help: 'Records passed to clients through the gateway',
    registers: [registry],
  });
  // Twenty over http or https; enforced calls reuse connections (the pass-through keeps the
  // client's own).
  const secure = upstream.protocol === 'https:';
  const upstreamRequest = secure ? httpsRequest : httpRequest;
  const upstreamPort = Number(upstream.port || (secure ? 443 : 80));
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 256 })
    : new Agent({ keepAlive: true, maxSockets: 256 });
  const onDenied = (event: DeniedEvent): void => {
    denials.inc({ code: event.code });
    options.onDenied?.(event);
  };

  /** A request to the host with the caller's headers and a JSON body; its JSON answer. */
  const hostJson = async (
    path: string,
    method: string,
    request: IncomingMessage,
    body: unknown,
  ): Promise<HostAnswer> => {
    // The client's own headers (its token, locale, cookies, Twenty's schema-version header…),
    // but the body is the gateway's JSON, uncompressed.
    const headers = forwardedHeaders(request, false, STRIPPED_FROM_ENFORCED);
    headers['content-type'] = 'application/json';
    headers.accept = 'application/json';
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    if (payload) headers['content-length'] = String(payload.length);
    const { status, text, answerHeaders } = await new Promise<{
      status: number;
      text: string;
      answerHeaders: Record<string, string | string[]>;
    }>((resolve, reject) => {
      const outgoing = upstreamRequest(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method,
          path,
          headers,
          agent,
          timeout: 30_000,
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          let size = 0;
          incoming.on('data', (chunk: Buffer) => {
            size += chunk.length;
            // An answer past the cap is not judged piecemeal: it is refused whole.
            if (size > MAX_HOST_ANSWER_BYTES)
              outgoing.destroy(new Error(`an answer larger than ${MAX_HOST_ANSWER_BYTES} bytes`));
            else chunks.push(chunk);
          });
          incoming.on('end', () => {
            clearTimeout(deadline);
            resolve({
              status: incoming.statusCode ?? 502,
              text: Buffer.concat(chunks).toString('utf8'),
              answerHeaders: relayedHeaders(incoming.headers),
            });
          });
          incoming.on('error', reject);
        },
      );
      // The whole exchange within 30 s, however slowly the host trickles its bytes.
      const deadline = setTimeout(
        () => outgoing.destroy(new Error('no full answer within 30 s')),
        HOST_DEADLINE_MS,
      );
      outgoing.on('close', () => clearTimeout(deadline));
      outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 30 s')));
      outgoing.on('error', (error) =>
        reject(new Denial('GATEWAY_ERROR', `The host could not be read in full: ${error.message}`)),
      );
      outgoing.end(payload);
    });
    let parsed: unknown;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      throw new Denial('GATEWAY_ERROR', `The host answered ${status} with a body that is not JSON`);
    }
    return { status, body: parsed, headers: answerHeaders };
  };

  const callerFor = async (request: IncomingMessage): Promise<Caller> => {
    const identity = await options.identity.resolve(
      headerText(request.headers, 'authorization'),
      headerText(request.headers, 'cookie'),
    );
    const member = identity.workspaceMemberId;
    // The member is resolved here, once: every decision of the request asks this judge.
    const judge = options.engine.for(member);
    if (!judge.known)
      throw new Denial(
        'FORBIDDEN',
        'This workspace member is not in the Tiergate policy, so the gateway denies every record',
      );
    return {
      judge,
      policy: options.policy,
      member,
      cursors: options.cursorSeal,
    };
  };

  const graphqlDeps = {
    model: options.model,
    limits: options.limits,
    meter: options.meter,
    now,
    onDenied,
    onRows: (_member: string, rows: number) => rowsServed.inc(rows),
  };

  const enforceGraphql = async (request: IncomingMessage, response: ServerResponse) => {
    requests.inc({ surface: 'graphql' });
    if (request.method !== 'POST')
      throw new Denial(
        'BAD_USER_INPUT',
        'GraphQL goes through the gateway as POST with a JSON body',
      );
    const type = headerText(request.headers, 'content-type') ?? '';
    if (!/^application\/(graphql-response\+)?json\b/i.test(type))
      throw new Denial('BAD_USER_INPUT', `Content-Type must be application/json, not "${type}"`);
    const caller = await callerFor(request);
    const raw = await readBody(request, maxBody);
    if (raw === undefined) {
      sendJson(response, 413, { errors: [{ message: `Body larger than ${maxBody} bytes` }] });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new Denial('BAD_USER_INPUT', 'The body is not valid JSON');
    }
    const answer = await handleGraphql(
      body,
      {
        caller,
        forward: (forward: GraphqlRequest) =>
          hostJson('/graphql', 'POST', request, {
            query: forward.query,
            variables: forward.variables,
            ...(forward.operationName ? { operationName: forward.operationName } : {}),
          }),
      },
      graphqlDeps,
    );
    sendJson(response, answer.status, answer.body, answer.headers);
  };

  const enforceRest = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    requests.inc({ surface: 'rest' });
    const caller = await callerFor(request);
    const raw =
      request.method === 'GET' || request.method === 'DELETE'
        ? Buffer.alloc(0)
        : await readBody(request, maxBody);
    if (raw === undefined) {
      sendJson(response, 413, {
        statusCode: 413,
        error: 'Payload Too Large',
        messages: [`Body larger than ${maxBody} bytes`],
      });
      return;
    }
    const answer = await handleRest(
      { method: request.method ?? 'GET', url, body: raw },
      {
        caller,
        model: options.model,
        limits: options.limits,
        meter: options.meter,
        now,
        onDenied,
        onRows: (_member, rows) => rowsServed.inc(rows),
        host: (method, path, body) => hostJson(path, method, request, body),
      },
    );
    sendJson(response, answer.status, answer.body, answer.headers);
  };

  const stepUp = async (request: IncomingMessage, response: ServerResponse) => {
    const caller = await callerFor(request);
    if (!options.stepUp || !options.meter)
      throw new Denial('FORBIDDEN', 'Step-up is not configured on this gateway (security.export)');
    const raw = await readBody(request, 4096);
    let code: unknown;
    try {
      code = (JSON.parse(raw?.toString('utf8') ?? '') as { code?: unknown }).code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string')
      throw new Denial('BAD_USER_INPUT', 'Send {"code": "<6-digit TOTP code>"} as JSON');
    const result = await options.stepUp.verify(caller.member, code, now());
    if (!result.ok) {
      onDenied({ member: caller.member, code: 'STEP_UP_FAILED', message: result.reason });
      sendJson(response, result.status, {
        errors: [{ message: result.reason, extensions: { code: 'STEP_UP_FAILED' } }],
      });
      return;
    }
    options.log?.(
      `step-up: member ${caller.member} elevated until ${result.elevatedUntil.toISOString()}`,
    );
    options.onStepUp?.({ member: caller.member, elevatedUntil: result.elevatedUntil });
    sendJson(response, 200, { elevatedUntil: result.elevatedUntil.toISOString() });
  };

  /**
   * Everything else: streamed to the host and back, unchanged (a body already read, as the
   * metadata API's is, goes as it was read).
   */
  const passThrough = (request: IncomingMessage, response: ServerResponse, body?: Buffer) => {
    const headers = forwardedHeaders(request, body === undefined);
    if (body !== undefined) headers['content-length'] = String(body.length);
    const outgoing = upstreamRequest(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers,
      },
      (upstreamResponse) => {
        const answer: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(upstreamResponse.headers))
          if (value !== undefined && name !== 'connection' && name !== 'keep-alive')
            answer[name] = value;
        response.writeHead(
          upstreamResponse.statusCode ?? 502,
          upstreamResponse.statusMessage,
          answer,
        );
        upstreamResponse.pipe(response);
      },
    );
    outgoing.on('error', (error) => {
      if (!response.headersSent)
        sendJson(response, 502, { error: `The host is unreachable: ${error.message}` });
      else response.destroy(error);
    });
    if (body === undefined) request.pipe(outgoing);
    else outgoing.end(body);
  };

  /**
   * The metadata API passes through, but not its subscriptions (Twenty's live updates stream
   * record events from there, past the policy), its record-derived fields, nor anything Twenty
   * 2.43's metadata schema does not have (metadata-surface.ts, metadata-closed.ts).
   */
  const metadata = async (request: IncomingMessage, response: ServerResponse, search: string) => {
    requests.inc({ surface: 'metadata' });
    const nativeObjects = options.policy.gateway?.nativeObjects ?? [];
    const noSubscriptions = () =>
      new Denial(
        'FORBIDDEN',
        'Subscriptions (live updates) are not available through the gateway: they would stream records past the policy',
      );
    // Streaming answers (SSE, incremental multipart) are what subscriptions travel on.
    if (/text\/event-stream|multipart\/mixed/i.test(headerText(request.headers, 'accept') ?? ''))
      throw noSubscriptions();
    if (request.method === 'GET' || request.method === 'HEAD') {
      const params = new URLSearchParams(search);
      const queries = params.getAll('query');
      // One document, written out: a persisted query names one the gateway cannot read.
      if (queries.length > 1 || params.has('extensions'))
        throw new Denial(
          'BAD_USER_INPUT',
          'The metadata API takes one written-out query per request through the gateway',
        );
      if (queries[0] !== undefined && subscribes(queries[0])) throw noSubscriptions();
      if (queries[0] !== undefined) checkMetadataDocument(queries[0], nativeObjects);
      passThrough(request, response);
      return;
    }
    // Only what the gateway can read goes on: JSON, not compressed, each operation a written-out
    // query (Twenty's server also takes GraphQL text, forms and multipart, which could carry a
    // subscription past this check).
    const type = headerText(request.headers, 'content-type') ?? '';
    const encoding = headerText(request.headers, 'content-encoding') ?? 'identity';
    if (!/^application\/json\s*(;|$)/i.test(type) || !/^identity$/i.test(encoding.trim()))
      throw new Denial(
        'BAD_USER_INPUT',
        `The metadata API takes uncompressed application/json through the gateway, not "${type}"${encoding === 'identity' ? '' : ` (${encoding})`}`,
      );
    const body = await readBody(request, maxBody);
    if (body === undefined) {
      sendJson(response, 413, { errors: [{ message: `Body larger than ${maxBody} bytes` }] });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      throw new Denial('BAD_USER_INPUT', 'The body is not valid JSON');
    }
    for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
      const query =
        typeof item === 'object' && item !== null ? (item as { query?: unknown }).query : undefined;
      if (typeof query !== 'string')
        throw new Denial(
          'BAD_USER_INPUT',
          'Each operation to the metadata API needs a written-out query through the gateway',
        );
      if (subscribes(query)) throw noSubscriptions();
      checkMetadataDocument(query, nativeObjects);
    }
    passThrough(request, response, body);
  };

  const server = createServer((request, response) => {
    let path = '/';
    const handle = async (): Promise<void> => {
      const target = rawTarget(request.url);
      const surface = surfaceOf(target.path);
      path = surface.path;
      if (surface.surface === 'graphql') return enforceGraphql(request, response);
      if (surface.surface === 'metadata') return metadata(request, response, target.search);
      if (surface.surface === 'rest') {
        const url = new URL('http://gateway.invalid/');
        url.pathname = surface.path;
        url.search = target.search;
        return enforceRest(request, response, url);
      }
      if (path === '/tiergate/step-up' && request.method === 'POST')
        return stepUp(request, response);
      if (path === '/tiergate/healthz') {
        sendJson(response, 200, { ok: true });
        return;
      }
      if (path === '/tiergate/metrics') {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(await registry.metrics());
        return;
      }
      passThrough(request, response);
    };
    handle().catch((error: unknown) => {
      const denial =
        error instanceof Denial
          ? error
          : new Denial(
              'GATEWAY_ERROR',
              'The gateway could not decide this request, so it denies it',
            );
      if (!(error instanceof Denial))
        options.log?.(`gateway error on ${request.method} ${path}: ${String(error)}`);
      onDenied({ member: undefined, code: denial.code, message: denial.journal });
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
    });
  });

  // Websockets: relayed both ways once the host switches protocols, and ended on close.
  const relayed = new Set<Socket>();
  server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    relayUpgrade({ request, socket, head, upstream, port: upstreamPort, relayed });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.hostname ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    server,
    metrics: registry,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of relayed) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
