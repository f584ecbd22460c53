/** What a REST request through the gateway carries, and what answering it needs. */
import type { Caller } from '../core/caller.js';
import type { DeniedEvent } from '../core/denial.js';
import type { ExportMeter } from '../core/export-meter.js';
import type { HostAnswer } from '../core/host-answer.js';
import type { GraphqlLimits } from '../core/limits.js';
import type { GatewayModel } from '../core/model.js';

export interface RestRequest {
  readonly method: string;
  readonly url: URL;
  readonly body: Buffer;
}

export interface RestDeps {
  readonly caller: Caller;
  readonly model: GatewayModel;
  readonly limits: GraphqlLimits;
  readonly meter?: ExportMeter | undefined;
  readonly now: () => number;
  readonly onDenied: (event: DeniedEvent) => void;
  readonly onRows: (member: string, rows: number) => void;
  /** A request to the host with the caller's own token: method, path (with query), JSON body. */
  readonly host: (method: string, path: string, body: unknown) => Promise<HostAnswer>;
}
