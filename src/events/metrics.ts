/**
 * The add-on server's Prometheus metrics (prom-client), in a registry of their own so that two
 * servers in one process (tests, the benchmark) never share counts:
 * - `tiergate_webhooks_received_total{outcome}`: every webhook request, by how it ended;
 * - `tiergate_webhook_persist_seconds`: time to write an event to the inbox;
 * - `tiergate_webhook_inbox_events{status}`: inbox events by status, read when scraped;
 * - Node's default process metrics, prefixed `tiergate_`.
 * Beside them, not exported to Prometheus: the record ids the last webhooks carried
 * (recent-deliveries.ts), which the delivery proof asks about one id at a time.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { INBOX_STATUSES } from '../store/inbox.js';
import { RecentDeliveries } from './recent-deliveries.js';
import { WEBHOOK_OUTCOMES } from './webhook-outcomes.js';

export interface Metrics {
  readonly registry: Registry;
  readonly webhooksReceived: Counter<'outcome'>;
  readonly persistSeconds: Histogram;
  readonly inboxEvents: Gauge<'status'>;
  readonly recentDeliveries: RecentDeliveries;
}

export interface MetricsOptions {
  /** Node's default process metrics (default true; the tests that count outcomes keep them). */
  readonly processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'tiergate_' });
  const webhooksReceived = new Counter({
    name: 'tiergate_webhooks_received_total',
    help: 'Webhook requests received on POST /webhooks/twenty, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  // Every outcome is exported from the start, at 0, so that rate() and alerts see the series.
  for (const outcome of WEBHOOK_OUTCOMES) webhooksReceived.inc({ outcome }, 0);
  const persistSeconds = new Histogram({
    name: 'tiergate_webhook_persist_seconds',
    help: 'Time to write a webhook event to the inbox, in seconds.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const inboxEvents = new Gauge({
    name: 'tiergate_webhook_inbox_events',
    help: 'Events in the webhook inbox, by status (read at scrape time).',
    labelNames: ['status'],
    registers: [registry],
  });
  for (const status of INBOX_STATUSES) inboxEvents.set({ status }, 0);
  return {
    registry,
    webhooksReceived,
    persistSeconds,
    inboxEvents,
    recentDeliveries: new RecentDeliveries(),
  };
}
