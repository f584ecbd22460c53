/**
 * The sandbox assembled: one workspace state, the core API (records) and the metadata API
 * (schema, roles, webhooks, keys) over it, Twenty's native permissions in between, record
 * events delivered to webhooks, and the state saved to a file after every change when asked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createCoreApi } from './core/core-api.js';
import { createMetadataApi } from './metadata/metadata-api.js';
import { nativeAuthorizer } from './permissions/native-authorizer.js';
import { rateLimitFromEnv, SandboxThrottler, type SandboxRateLimitSettings } from './rate-limit.js';
import { seedWorkspace, type SeedCounts } from './seed/seed.js';
import { hashPassword } from './metadata/auth-state.js';
import { ADMIN_API_KEY_ID, ADMIN_ROLE_ID, stateFromSeed } from './seed-state.js';
import type { SandboxServerOptions } from './server.js';
import { loadState, saveState } from './state-file.js';
import {
  cachedLookup,
  DEFAULT_OUTBOUND_CONFIG,
  type HostLookup,
  type OutboundHttpConfig,
} from './outbound-safe-mode.js';
import { deliverRecordEvent, type DeliveryResult } from './webhook-delivery.js';
import type { WorkspaceState } from './workspace.js';

export interface SandboxOptions {
  /** The row-level-permission entitlement (`--rls on`). */
  readonly rls: boolean;
  /** `default`: the seeded organisation; `none`: standard objects, roles and the admin key only. */
  readonly seed: 'default' | 'none';
  readonly seedCounts?: Partial<SeedCounts>;
  /** Load the workspace from this file when it exists, and save it there after each change. */
  readonly statePath?: string;
  /** The admin API key's token; a random one otherwise. */
  readonly adminKey?: string;
  /** The password of the workspace's admin member (password sign-in); a random one otherwise. */
  readonly adminPassword?: string;
  readonly now?: () => Date;
  /** Used for webhook deliveries (tests pass msw's or a recorder). */
  readonly fetch?: typeof fetch;
  /**
   * Twenty's outbound safe mode, per process (outbound-safe-mode.ts). Only the worker's setting
   * decides webhook delivery; the server's is kept so a set-up can be described as it is.
   * Default: Twenty's, safe mode on and no host allowed inside, for both.
   */
  readonly outbound?: {
    readonly server?: OutboundHttpConfig;
    readonly worker?: OutboundHttpConfig;
    /** How webhook target names resolve (default: DNS); tests play a private network with it. */
    readonly lookup?: HostLookup;
  };
  /**
   * Twenty's API rate limit. By default on, read like Twenty from API_RATE_LIMITING_* in the
   * environment (Twenty's defaults when unset); the test suite raises it there (vitest.config.ts).
   */
  readonly rateLimit?: SandboxRateLimitSettings;
  /**
   * The rate limit's clock; the wall clock unless said. Not `now`: tests freeze that for record
   * dates, and Twenty's buckets refill with real time whatever the records say.
   */
  readonly rateLimitClock?: () => number;
}

export interface Sandbox {
  state(): WorkspaceState;
  readonly adminKey: string;
  /** The admin member's sign-in, for `tiergate login` (none in a workspace without members). */
  readonly adminLogin: { readonly email: string; readonly password: string } | undefined;
  /** For `startSandboxServer` and for the msw handlers. */
  readonly serverOptions: SandboxServerOptions;
  /** Webhook deliveries made so far, oldest first (the last 1,000). */
  readonly deliveries: readonly DeliveryResult[];
  /** The outbound settings in force (the worker's decide webhook delivery). */
  readonly outbound: { readonly server: OutboundHttpConfig; readonly worker: OutboundHttpConfig };
  /** Resolves when every delivery and save started so far has finished. */
  settle(): Promise<void>;
}

const token = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;
const MAX_DELIVERIES_KEPT = 1000;

async function initialState(
  options: SandboxOptions,
  adminKey: string,
  now: Date,
): Promise<WorkspaceState> {
  const saved = options.statePath === undefined ? undefined : await loadState(options.statePath);
  if (saved) {
    // A key given on the command line opens a saved workspace too.
    return {
      ...saved,
      rlsEnabled: options.rls,
      apiKeyTokens: { ...saved.apiKeyTokens, [adminKey]: ADMIN_API_KEY_ID },
    };
  }
  const counts =
    options.seed === 'none'
      ? { members: 0, companies: 0, people: 0, opportunities: 0 }
      : options.seedCounts;
  const seed =
    options.seed === 'none'
      ? { members: [], teams: [], companies: [], people: [], opportunities: [] }
      : seedWorkspace({ ...(counts ? { counts } : {}) });
  return stateFromSeed(seed, {
    rlsEnabled: options.rls,
    adminKey,
    newToken: () => token('tg_member'),
    now,
  });
}

/** The first admin member signs in with `password` (set anew each start; only its hash is kept). */
function withAdminPassword(state: WorkspaceState, password: string): WorkspaceState {
  const admin = state.members.find((m) => m.roleId === ADMIN_ROLE_ID);
  if (admin === undefined) return state;
  const passwordHash = hashPassword(password);
  return {
    ...state,
    members: state.members.map((m) => (m === admin ? { ...m, passwordHash } : m)),
  };
}

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const now = options.now ?? (() => new Date());
  const adminKey = options.adminKey ?? token('tg_admin');
  const adminPassword = options.adminPassword ?? token('tg_password');
  let state = withAdminPassword(await initialState(options, adminKey, now()), adminPassword);
  const adminMember = state.members.find((m) => m.roleId === ADMIN_ROLE_ID);
  const getState = (): WorkspaceState => state;
  const deliveries: DeliveryResult[] = [];
  const outbound = {
    server: options.outbound?.server ?? DEFAULT_OUTBOUND_CONFIG,
    worker: options.outbound?.worker ?? DEFAULT_OUTBOUND_CONFIG,
  };
  const lookup = options.outbound?.lookup ?? cachedLookup();
  let pending: Promise<unknown> = Promise.resolve();
  const track = (work: Promise<unknown>): void => {
    pending = Promise.all([pending, work]);
  };
  const save = (): void => {
    if (options.statePath !== undefined) track(saveState(options.statePath, state));
  };

  const core = createCoreApi({
    getState,
    authorizer: nativeAuthorizer(getState),
    now,
    newId: randomUUID,
    onEvent: (event) => {
      save();
      track(
        deliverRecordEvent(state, event, {
          now: () => now().getTime(),
          ...(options.fetch ? { fetch: options.fetch } : {}),
          outbound: outbound.worker,
          lookup,
        }).then((results) => {
          deliveries.push(...results);
          deliveries.splice(0, Math.max(0, deliveries.length - MAX_DELIVERIES_KEPT));
        }),
      );
    },
  });
  const metadata = createMetadataApi({
    getState,
    update: (mutator) => {
      state = mutator(state);
      save();
    },
    now,
    newId: randomUUID,
    newToken: () => token('tg_key'),
  });

  return {
    state: getState,
    adminKey,
    adminLogin:
      adminMember === undefined
        ? undefined
        : { email: adminMember.userEmail, password: adminPassword },
    deliveries,
    outbound,
    serverOptions: {
      getState,
      core,
      metadata,
      now: () => now().getTime(),
      throttler: new SandboxThrottler(
        options.rateLimit ?? rateLimitFromEnv(process.env),
        options.rateLimitClock ?? Date.now,
      ),
    },
    settle: async () => {
      // New work may be queued while waiting; wait until none is.
      for (let seen: Promise<unknown> | undefined; seen !== pending;) {
        seen = pending;
        await seen;
      }
    },
  };
}
