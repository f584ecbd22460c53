/**
 * The gateway assembled from a host and a policy: the org resolved against the host's
 * workspace members (so member ids are workspace member ids, as the tokens resolve to), the
 * data model read once (the core schema the gateway validates and rewrites against), the
 * limits and export settings from the policy, and the server started. What `tiergate gateway`
 * and `npm start` run.
 */
import { connectHost } from '../../host/host.js';
import type { RateLimit } from '../../host/rate-limit.js';
import { compilePolicy } from '../../policy/engine.js';
import type { Policy } from '../../policy/schema.js';
import { pullOrg } from '../../twenty-app/host-org.js';
import { cursorSealFrom } from '../core/cursor-seal.js';
import { ExportMeter } from '../core/export-meter.js';
import type { DeniedEvent } from '../core/denial.js';
import { httpIdentityLookup, IdentityResolver } from './identity.js';
import { limitsFrom } from '../core/limits.js';
import { GatewayModel } from '../core/model.js';
import { startGateway, type Gateway } from './server.js';
import { StepUp, type TotpSecrets } from '../core/step-up.js';

export interface OpenGatewayOptions {
  /** Twenty's server. */
  readonly hostUrl: string;
  /** A key that may read the data model and the workspace members (the add-on's own key). */
  readonly apiKey: string;
  readonly policy: Policy;
  readonly port?: number;
  /** The address to listen on (default 127.0.0.1). */
  readonly bind?: string;
  readonly totpSecrets?: TotpSecrets;
  readonly onDenied?: (event: DeniedEvent) => void;
  readonly onStepUp?: (event: { member: string; elevatedUntil: Date }) => void;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
  /** Tiergate's secret key: cursors sealed under it open after a restart and on every replica. */
  readonly secretKey?: Uint8Array;
  /** The pace of the gateway's own calls with `apiKey` (`--rate`); 10,000 a minute unless said. */
  readonly rateLimit?: RateLimit;
}

export interface OpenedGateway extends Gateway {
  /** Members the org resolution left out, and why (they are denied everything). */
  readonly problems: readonly string[];
}

/** A duration like PT1H or PT30M in milliseconds (the policy's schema has checked the form). */
export function durationMs(text: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!match) throw new RangeError(`${text} is not a duration such as PT1H`);
  const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return (((d ?? 0) * 24 + (h ?? 0)) * 60 * 60 + (m ?? 0) * 60 + (s ?? 0)) * 1000;
}

export async function openGateway(options: OpenGatewayOptions): Promise<OpenedGateway> {
  const host = connectHost({
    baseUrl: options.hostUrl,
    token: options.apiKey,
    rateLimit: options.rateLimit ?? { requests: 10_000, windowMs: 60_000 },
  });
  const [org, model] = await Promise.all([pullOrg(host, options.policy), host.dataModel.get()]);
  const policy = org.policy;
  const engine = compilePolicy(policy);
  const resolvedMember = (id: string) => org.aliases.get(id) ?? id;
  const apiKeys = Object.fromEntries(
    Object.entries(policy.gateway?.apiKeys ?? {}).map(([key, member]) => [
      key,
      resolvedMember(member),
    ]),
  );
  const exportSettings = policy.security?.export;
  const meter =
    exportSettings && exportSettings.maxRowsWithoutStepUp > 0
      ? new ExportMeter({
          maxRowsWithoutStepUp: exportSettings.maxRowsWithoutStepUp,
          windowMs: durationMs(exportSettings.window ?? 'PT1H'),
        })
      : undefined;
  const stepUp =
    meter && options.totpSecrets ? new StepUp({ secrets: options.totpSecrets, meter }) : undefined;
  const gateway = await startGateway({
    upstream: options.hostUrl,
    policy,
    engine,
    model: new GatewayModel(model.objects),
    identity: new IdentityResolver({ lookup: httpIdentityLookup(options.hostUrl), apiKeys }),
    limits: limitsFrom(policy.gateway?.limits ?? {}, 'gateway.limits'),
    meter,
    stepUp,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.bind !== undefined ? { hostname: options.bind } : {}),
    ...(options.onDenied ? { onDenied: options.onDenied } : {}),
    ...(options.onStepUp ? { onStepUp: options.onStepUp } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.secretKey ? { cursorSeal: cursorSealFrom(options.secretKey) } : {}),
  });
  return {
    ...gateway,
    problems: org.problems.map((p) => `${p.member}: ${p.message}`),
  };
}
