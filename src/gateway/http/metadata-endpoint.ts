/**
 * The metadata API passes through, but not its subscriptions (Twenty's live updates stream
 * record events from there, past the policy), its record-derived fields, nor anything Twenty
 * 2.43's metadata schema does not have (src/gateway/metadata).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Denial } from '../core/denial.js';
import { checkMetadataDocument } from '../metadata/metadata-surface.js';
import type { GatewayContext } from './context.js';
import { headerText, readBody, sendJson } from './headers.js';
import { subscribes } from './routes.js';

function noSubscriptions(): Denial {
  return new Denial(
    'FORBIDDEN',
    'Subscriptions (live updates) are not available through the gateway: they would stream records past the policy',
  );
}

export async function metadataEndpoint(
  ctx: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
  search: string,
): Promise<void> {
  ctx.metrics.requests.inc({ surface: 'metadata' });
  // Streaming answers (SSE, incremental multipart) are what subscriptions travel on.
  if (/text\/event-stream|multipart\/mixed/i.test(headerText(request.headers, 'accept') ?? ''))
    throw noSubscriptions();
  if (request.method === 'GET' || request.method === 'HEAD') {
    checkMetadataQueryString(ctx, search);
    ctx.upstream.passThrough(request, response);
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
  const body = await readBody(request, ctx.maxBody);
  if (body === undefined) {
    sendJson(response, 413, { errors: [{ message: `Body larger than ${ctx.maxBody} bytes` }] });
    return;
  }
  checkMetadataBody(ctx, body);
  ctx.upstream.passThrough(request, response, body);
}

/** A GET's query: one written-out document (a persisted query names one the gateway cannot read). */
function checkMetadataQueryString(ctx: GatewayContext, search: string): void {
  const params = new URLSearchParams(search);
  const queries = params.getAll('query');
  if (queries.length > 1 || params.has('extensions'))
    throw new Denial(
      'BAD_USER_INPUT',
      'The metadata API takes one written-out query per request through the gateway',
    );
  if (queries[0] !== undefined && subscribes(queries[0])) throw noSubscriptions();
  if (queries[0] !== undefined) checkMetadataDocument(queries[0], nativeObjectsOf(ctx));
}

function checkMetadataBody(ctx: GatewayContext, body: Buffer): void {
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
    checkMetadataDocument(query, nativeObjectsOf(ctx));
  }
}

function nativeObjectsOf(ctx: GatewayContext): readonly string[] {
  return ctx.options.policy.gateway?.nativeObjects ?? [];
}
