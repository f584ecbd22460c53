import type { IncomingMessage } from 'node:http';
import type { Caller } from '../core/caller.js';
import { Denial } from '../core/denial.js';
import type { GatewayContext } from './context.js';
import { headerText } from './headers.js';

/** Who an enforced request is for: identified, then bound to the policy once for the request. */
export async function callerFor(
  { options }: GatewayContext,
  request: IncomingMessage,
): Promise<Caller> {
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
  return { judge, policy: options.policy, member, cursors: options.cursorSeal };
}
