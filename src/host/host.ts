/**
 * Both of Twenty's endpoints for one workspace and token: `/graphql` (records) and `/metadata`
 * (schema, roles, webhooks), sharing one rate limiter. Twenty counts only record calls, per
 * workspace (src/sandbox/rate-limit.ts); counting both keeps well inside that.
 */
import { HostClient, type HostClientOptions } from './client.js';
import { DataModel, type DataModelOptions } from './data-model.js';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimit } from './rate-limit.js';
import { systemRuntime } from './runtime.js';

export interface HostOptions extends Omit<HostClientOptions, 'url' | 'rateLimit'> {
  /** The server's base URL, e.g. `https://crm.example.com` (no trailing path). */
  readonly baseUrl: string;
  readonly rateLimit?: RateLimit;
  readonly dataModel?: DataModelOptions;
}

export interface Host {
  readonly core: HostClient;
  readonly metadata: HostClient;
  readonly dataModel: DataModel;
}

export function connectHost(options: HostOptions): Host {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new RangeError(`host base URL "${options.baseUrl}" is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new RangeError(`host base URL "${options.baseUrl}" must be http or https`);
  }
  const runtime = options.runtime ?? systemRuntime;
  const limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, runtime);
  const root = base.href.replace(/\/$/, '');
  const client = (path: string) =>
    new HostClient({ ...options, runtime, url: `${root}${path}`, rateLimit: limiter });
  const metadata = client('/metadata');
  return {
    core: client('/graphql'),
    metadata,
    dataModel: new DataModel(metadata, { runtime, ...options.dataModel }),
  };
}
