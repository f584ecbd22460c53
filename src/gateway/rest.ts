/** The REST API through the gateway (work in progress in this commit: every request refused). */
import type { ExportMeter } from './export-meter.js';
import { Denial } from './graphql/denial.js';
import type { DeniedEvent, HostAnswer } from './graphql/handle.js';
import type { Caller } from './graphql/prepare.js';
import type { GraphqlLimits } from './limits.js';
import type { GatewayModel } from './model.js';

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
  readonly host: (method: string, path: string, body: unknown) => Promise<HostAnswer>;
}

export function handleRest(request: RestRequest, deps: RestDeps): Promise<HostAnswer> {
  return Promise.reject(
    new Denial(
      'FORBIDDEN',
      `${request.method} ${request.url.pathname} is refused (member ${deps.caller.member})`,
    ),
  );
}
