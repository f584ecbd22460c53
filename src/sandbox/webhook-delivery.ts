/**
 * Webhook delivery as Twenty does it (HOST-CONTRACT.md §A; twentyhq/twenty
 * `core-modules/webhook/jobs/call-webhook-jobs.job.ts`, `call-webhook.job.ts`,
 * `utils/transform-event-batch-to-webhook-events.ts`):
 * - a webhook fires when its operations hold `object.action`, `*.action`, `object.*` or `*.*`;
 * - one POST per (webhook × record event), 5 s timeout, no retry: a failure is only recorded;
 * - the body keys in Twenty's order, `record` = after ?? before ?? {}, no `before`, no diff;
 * - with a secret: ms timestamp, hex HMAC-SHA256 over `${timestamp}:${body}`, unsigned nonce;
 * - the worker's outbound safe mode (outbound-safe-mode.ts) refuses private targets before any
 *   byte is sent, and the job swallows the refusal like any other failure.
 */
import { signedHeaders } from '../host/webhook/signature.js';
import {
  DEFAULT_OUTBOUND_CONFIG,
  outboundRefusal,
  type HostLookup,
  type OutboundHttpConfig,
} from './outbound-safe-mode.js';
import type { RecordEvent, SandboxWebhook, WorkspaceState } from './workspace.js';

export const WEBHOOK_TIMEOUT_MS = 5_000;

export interface DeliveryResult {
  readonly webhookId: string;
  readonly eventName: string;
  /** The HTTP status, or undefined when no response came (refused, timed out). */
  readonly status: number | undefined;
  readonly ok: boolean;
  readonly error?: string;
  /** The worker's safe mode refused the target: nothing was sent. */
  readonly blocked?: boolean;
}

export interface DeliveryOptions {
  readonly now: () => number;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  /** The worker's outbound settings (default: Twenty's, safe mode on, no host allowed inside). */
  readonly outbound?: OutboundHttpConfig;
  /** How names are resolved for the safe-mode check (default: DNS). */
  readonly lookup?: HostLookup;
}

/** Does a webhook's `operations` list select this event? */
export function webhookMatches(webhook: SandboxWebhook, object: string, action: string): boolean {
  return webhook.operations.some((operation) => {
    const [target, verb] = operation.split('.');
    return (target === object || target === '*') && (verb === action || verb === '*');
  });
}

/** The JSON body Twenty posts: the job data without the secret, keys in Twenty's order. */
export function webhookBody(
  state: WorkspaceState,
  webhook: SandboxWebhook,
  event: RecordEvent,
  eventDate: string,
): string {
  const principal = event.principal;
  const member =
    principal.kind === 'member'
      ? state.members.find((m) => m.id === principal.memberId)
      : undefined;
  return JSON.stringify({
    targetUrl: webhook.targetUrl,
    eventName: `${event.object.nameSingular}.${event.action}`,
    objectMetadata: { id: event.object.id, nameSingular: event.object.nameSingular },
    workspaceId: state.id,
    webhookId: webhook.id,
    eventDate,
    ...(member ? { userId: member.userId, workspaceMemberId: member.id } : {}),
    record: event.after ?? event.before ?? {},
    ...(event.updatedFields ? { updatedFields: event.updatedFields } : {}),
  });
}

/** Sends one event to every matching webhook; never throws, never retries. */
export async function deliverRecordEvent(
  state: WorkspaceState,
  event: RecordEvent,
  options: DeliveryOptions,
): Promise<DeliveryResult[]> {
  const send = options.fetch ?? fetch;
  const eventName = `${event.object.nameSingular}.${event.action}`;
  const targets = state.webhooks.filter(
    (w) => w.deletedAt === null && webhookMatches(w, event.object.nameSingular, event.action),
  );
  return Promise.all(
    targets.map(async (webhook): Promise<DeliveryResult> => {
      const now = options.now();
      const body = webhookBody(state, webhook, event, new Date(now).toISOString());
      const headers = webhook.secret
        ? signedHeaders(webhook.secret, body, now)
        : { 'content-type': 'application/json' };
      const refusal = await outboundRefusal(
        webhook.targetUrl,
        options.outbound ?? DEFAULT_OUTBOUND_CONFIG,
        options.lookup,
      );
      if (refusal !== undefined)
        return {
          webhookId: webhook.id,
          eventName,
          status: undefined,
          ok: false,
          error: refusal,
          blocked: true,
        };
      try {
        const response = await send(webhook.targetUrl, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
        });
        return { webhookId: webhook.id, eventName, status: response.status, ok: response.ok };
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return { webhookId: webhook.id, eventName, status: undefined, ok: false, error: message };
      }
    }),
  );
}
