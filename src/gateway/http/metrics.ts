import { Counter, Registry } from 'prom-client';

/** The gateway's counters, in a registry of their own (served at /tiergate/metrics). */
export interface GatewayMetrics {
  readonly registry: Registry;
  readonly denials: Counter<'code'>;
  readonly requests: Counter<'surface'>;
  readonly rowsServed: Counter;
}

export function gatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  const denials = new Counter({
    name: 'tiergate_gateway_denials_total',
    help: 'Requests the gateway refused, by code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const requests = new Counter({
    name: 'tiergate_gateway_requests_total',
    help: 'Requests through the gateway, by surface',
    labelNames: ['surface'] as const,
    registers: [registry],
  });
  const rowsServed = new Counter({
    name: 'tiergate_gateway_rows_total',
    help: 'Records passed to clients through the gateway',
    registers: [registry],
  });
  return { registry, denials, requests, rowsServed };
}
