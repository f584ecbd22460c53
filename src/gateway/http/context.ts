/** What the gateway is started with, and what its request handlers share. */
import type { CursorSeal } from '../core/cursor-seal.js';
import type { DeniedEvent } from '../core/denial.js';
import type { Engine } from '../../policy/engine.js';
import type { Policy } from '../../policy/schema.js';
import type { ExportMeter } from '../core/export-meter.js';
import type { GraphqlLimits } from '../core/limits.js';
import type { GatewayModel } from '../core/model.js';
import type { StepUp } from '../core/step-up.js';
import type { IdentityResolver } from './identity.js';
import type { GatewayMetrics } from './metrics.js';
import type { Upstream } from './upstream.js';

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

export interface GatewayContext {
  readonly options: GatewayOptions;
  readonly upstream: Upstream;
  readonly metrics: GatewayMetrics;
  readonly now: () => number;
  readonly maxBody: number;
  /** Counts a refusal, then reports it. */
  readonly onDenied: (event: DeniedEvent) => void;
}
