import type { IncomingMessage, ServerResponse } from 'node:http';
import { Denial } from '../core/denial.js';
import { callerFor } from './caller.js';
import type { GatewayContext } from './context.js';
import { readBody, sendJson } from './headers.js';

/** `POST /tiergate/step-up`: a TOTP code lifts the member's export limit for a while. */
export async function stepUpEndpoint(
  ctx: GatewayContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { options } = ctx;
  const caller = await callerFor(ctx, request);
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
  const result = await options.stepUp.verify(caller.member, code, ctx.now());
  if (!result.ok) {
    ctx.onDenied({ member: caller.member, code: 'STEP_UP_FAILED', message: result.reason });
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
}
