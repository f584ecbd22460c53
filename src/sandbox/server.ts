/**
 * The sandbox's HTTP face: `POST /graphql` (core API), `POST /metadata` (metadata API) and the
 * core REST API under `/rest/` (rest/rest-api.ts), as Twenty serves them and reached by the
 * targets Twenty's router sends there (routing.ts), behind
 * `Authorization: Bearer <token>` (a member's token or an API key's).
 * Only loopback is listened on: the sandbox is a test double, never a service for a network.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { gateGraphql, throttledRestAnswer, type SandboxThrottler } from './rate-limit.js';
import { sessionPrincipal } from './metadata/auth-state.js';
import { answerRest } from './rest/rest-api.js';
import { routeTarget } from './routing.js';
import type { Principal, WorkspaceState } from './workspace.js';

/** An API answering GraphQL for a principal (the core API or the metadata API). */
export interface GraphqlApi {
  execute(request: {
    readonly source: string;
    readonly variables?: Readonly<Record<string, unknown>> | undefined;
    readonly operationName?: string | undefined;
    readonly principal: Principal;
  }): Promise<ExecutionResult>;
  /**
   * A request without any Authorization header: only Twenty's public endpoints (sign-in) answer
   * it; an API without this answers 401 as before.
   */
  executePublic?(request: {
    readonly source: string;
    readonly variables?: Readonly<Record<string, unknown>> | undefined;
    readonly operationName?: string | undefined;
  }): Promise<ExecutionResult | undefined>;
}

export interface SandboxServerOptions {
  readonly getState: () => WorkspaceState;
  readonly core: GraphqlApi;
  readonly metadata: GraphqlApi;
  readonly now: () => number;
  /** Bodies larger than this are refused (413) before they are parsed. */
  readonly maxBodyBytes?: number;
  /** Twenty's API rate limit on the core API (rate-limit.ts); none when absent. */
  readonly throttler?: SandboxThrottler;
}

const MAX_BODY_BYTES = 5_000_000;

/** The principal behind a bearer token, or why there is none. */
export function principalOf(
  state: WorkspaceState,
  authorization: string | undefined,
  now: number,
): Principal | string {
  const match = /^Bearer (.+)$/.exec(authorization ?? '');
  if (!match?.[1]) return 'missing bearer token';
  const token = match[1];
  const member = state.members.find((m) => m.token === token);
  if (member) return { kind: 'member', memberId: member.id, roleId: member.roleId };
  const session = sessionPrincipal(state, token, now);
  if (session !== undefined) return session;
  const keyId = Object.hasOwn(state.apiKeyTokens, token) ? state.apiKeyTokens[token] : undefined;
  const key = state.apiKeys.find((k) => k.id === keyId);
  if (!key) return 'invalid token';
  if (key.revokedAt !== null) return 'API key revoked';
  if (Date.parse(key.expiresAt) <= now) return 'API key expired';
  return { kind: 'apiKey', apiKeyId: key.id, roleId: key.roleId };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function graphqlError(message: string, code: string): { errors: unknown[] } {
  return { errors: [{ message, extensions: { code } }] };
}

async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface GraphqlBody {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  readonly operationName?: string;
}

function parseBody(text: string): GraphqlBody | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null) return undefined;
    const { query, variables, operationName } = body as Record<string, unknown>;
    if (typeof query !== 'string') return undefined;
    return {
      query,
      ...(typeof variables === 'object' && variables !== null
        ? { variables: variables as Record<string, unknown> }
        : {}),
      ...(typeof operationName === 'string' ? { operationName } : {}),
    };
  } catch {
    return undefined;
  }
}

/** An HTTP answer, whatever carries it (node:http here, msw in unit tests). */
export interface SandboxAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** One HTTP request as `answer` reads it, whatever carried it. */
export interface SandboxRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly readBody: () => Promise<string | undefined>;
  /** The query string without `?` (read by the REST API only). */
  readonly search?: string;
}

/** `/rest/...`: each record call runs one query runner, which takes one token (rate-limit.ts). */
function answerRestRequest(
  options: SandboxServerOptions,
  request: SandboxRequest,
): Promise<SandboxAnswer> {
  // The REST metadata API runs no query runner, so it takes no token.
  const caller =
    options.throttler && !request.path.startsWith('/rest/metadata/')
      ? principalOf(options.getState(), request.authorization, options.now())
      : undefined;
  const refused =
    caller !== undefined && typeof caller !== 'string'
      ? options.throttler?.take(caller)
      : undefined;
  if (refused !== undefined) return Promise.resolve(throttledRestAnswer(refused));
  return answerRest(options, { ...request, search: request.search ?? '' });
}

/** Runs an admitted GraphQL request; the refused root fields answer null beside the others. */
async function executeGated(
  options: SandboxServerOptions,
  api: GraphqlApi,
  body: GraphqlBody,
  principal: Principal,
): Promise<SandboxAnswer> {
  const gate =
    api === options.core && options.throttler
      ? gateGraphql(options.throttler, principal, {
          source: body.query,
          operationName: body.operationName,
        })
      : { source: body.query, errors: [] };
  if (gate.source === undefined) return { status: 200, body: { data: null, errors: gate.errors } };
  const result = await api.execute({
    source: gate.source,
    variables: body.variables,
    operationName: body.operationName,
    principal,
  });
  if (gate.errors.length === 0) return { status: 200, body: result };
  const refusedData = Object.fromEntries(gate.errors.map((e) => [String(e.path?.[0]), null]));
  return {
    status: 200,
    body: {
      ...result,
      data:
        result.data === null || result.data === undefined
          ? result.data
          : { ...result.data, ...refusedData },
      errors: [...(result.errors ?? []), ...gate.errors],
    },
  };
}

/**
 * Answers one HTTP request to the sandbox. Transport-free, so the server and the msw handlers
 * (sandbox/msw.ts) give the same answers. `readBody` yields undefined when over the size limit.
 */
export async function answer(
  options: SandboxServerOptions,
  request: SandboxRequest,
): Promise<SandboxAnswer> {
  const { method, path } = request;
  if (method === 'GET' && path === '/healthz') return { status: 200, body: { ok: true } };
  if (path.startsWith('/rest/')) return answerRestRequest(options, request);
  const api =
    path === '/graphql' ? options.core : path === '/metadata' ? options.metadata : undefined;
  if (!api) return { status: 404, body: { error: `no route ${method} ${path}` } };
  if (method !== 'POST') return { status: 405, body: graphqlError('use POST', 'BAD_REQUEST') };
  const text = await request.readBody();
  if (text === undefined)
    return { status: 413, body: graphqlError('request body too large', 'BAD_REQUEST') };
  const body = parseBody(text);
  if (!body)
    return {
      status: 400,
      body: graphqlError('expected a JSON body with a query string', 'BAD_REQUEST'),
    };
  const principal = principalOf(options.getState(), request.authorization, options.now());
  if (typeof principal === 'string' && request.authorization === undefined && api.executePublic) {
    const result = await api.executePublic({
      source: body.query,
      variables: body.variables,
      operationName: body.operationName,
    });
    if (result !== undefined) return { status: 200, body: result };
  }
  // The code Twenty's clients react to (CSDK refreshes on 401 or UNAUTHENTICATED).
  if (typeof principal === 'string')
    return { status: 401, body: graphqlError(principal, 'UNAUTHENTICATED') };
  return executeGated(options, api, body, principal);
}

async function handle(
  options: SandboxServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = request.url ?? '/';
  const method = request.method ?? 'GET';
  const routed = routeTarget(method, url);
  // What Twenty's router sends to no API gets no API's answer.
  if (routed.api === 'none') {
    send(response, 404, { error: `no route ${method} ${url}` });
    return;
  }
  const beforeFragment = url.split('#')[0] ?? '';
  const query = beforeFragment.indexOf('?');
  const { status, body } = await answer(options, {
    method,
    path: routed.path,
    search: query < 0 ? '' : beforeFragment.slice(query + 1),
    authorization: request.headers.authorization,
    readBody: () => readBody(request, options.maxBodyBytes ?? MAX_BODY_BYTES),
  });
  send(response, status, body);
}

export interface RunningSandbox {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (port 0: any free port). */
export async function startSandboxServer(
  options: SandboxServerOptions,
  port = 0,
): Promise<RunningSandbox> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      // An error escaping the APIs is a sandbox bug: answer it, and keep serving.
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent)
        send(response, 500, graphqlError(`sandbox error: ${message}`, 'INTERNAL_SERVER_ERROR'));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
