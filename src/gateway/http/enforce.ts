/** The enforced surfaces: GraphQL on /graphql and the REST API under /rest/. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Denial } from '../core/denial.js';
import { handleGraphql, type GraphqlRequest } from '../graphql/handle.js';
import { handleRest } from '../rest/handle.js';
import { callerFor } from './caller.js';
import type { GatewayContext } from './context.js';
import { headerText, readBody, sendJson } from './headers.js';

export async function enforceGraphql(
  ctx: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { options, maxBody } = ctx;
  ctx.metrics.requests.inc({ surface: 'graphql' });
  if (request.method !== 'POST')
    throw new Denial('BAD_USER_INPUT', 'GraphQL goes through the gateway as POST with a JSON body');
  const type = headerText(request.headers, 'content-type') ?? '';
  if (!/^application\/(graphql-response\+)?json\b/i.test(type))
    throw new Denial('BAD_USER_INPUT', `Content-Type must be application/json, not "${type}"`);
  const caller = await callerFor(ctx, request);
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
        ctx.upstream.json('/graphql', 'POST', request, {
          query: forward.query,
          variables: forward.variables,
          ...(forward.operationName ? { operationName: forward.operationName } : {}),
        }),
    },
    {
      model: options.model,
      limits: options.limits,
      meter: options.meter,
      now: ctx.now,
      onDenied: ctx.onDenied,
      onRows: (_member: string, rows: number) => ctx.metrics.rowsServed.inc(rows),
    },
  );
  sendJson(response, answer.status, answer.body, answer.headers);
}

export async function enforceRest(
  ctx: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  const { options, maxBody } = ctx;
  ctx.metrics.requests.inc({ surface: 'rest' });
  const caller = await callerFor(ctx, request);
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
      now: ctx.now,
      onDenied: ctx.onDenied,
      onRows: (_member, rows) => ctx.metrics.rowsServed.inc(rows),
      host: (method, path, body) => ctx.upstream.json(path, method, request, body),
    },
  );
  sendJson(response, answer.status, answer.body, answer.headers);
}
