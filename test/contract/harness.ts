/** Shared pieces of the host contract suite: its types, fixtures, queries and host openers. */
import { describe, it } from 'vitest';
import { HostError } from '../../src/host/host-error.js';
import { HostClient, type HostClientOptions } from '../../src/host/client.js';
import { allNodes, type Connection } from '../../src/host/paging.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { ADMIN_ROLE_ID, MEMBER_ROLE_ID } from '../../src/sandbox/seed-state.js';

/** The endpoints of a running host (the sandbox behind some transport). */
export interface HostEndpoints {
  readonly coreUrl: string;
  readonly metadataUrl: string;
  close(): Promise<void>;
}

export type Connect = (sandbox: Sandbox) => Promise<HostEndpoints>;

/** One request a webhook receiver got, as it arrived (the raw body is what was signed). */
export interface ReceivedRequest {
  readonly method: string;
  readonly rawBody: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Where webhook deliveries go: a URL, and what arrived there so far. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedRequest[];
  close(): Promise<void>;
}

export type Receive = () => Promise<WebhookReceiver>;

export const CONTRACT_COUNTS = { members: 16, companies: 12, people: 30, opportunities: 20 };
export const CONTRACT_NOW = new Date('2026-06-30T12:00:00Z');
export const WEBHOOK_SECRET = 'whsec-contract-0123456789abcdef';

// ---------------------------------------------------------------------------------------------
// Shapes read back through the API

export interface Opportunity {
  readonly id: string;
  readonly name: string | null;
  readonly stage: string;
  readonly ownerId: string | null;
  readonly amount: { readonly amountMicros: number | string | null; readonly currencyCode: string };
}

export interface Person {
  readonly id: string;
  readonly name: { readonly firstName: string; readonly lastName: string };
  readonly emails: { readonly primaryEmail: string; readonly additionalEmails: unknown };
  readonly phones: {
    readonly primaryPhoneNumber: string;
    readonly primaryPhoneCountryCode: string;
    readonly primaryPhoneCallingCode: string;
    readonly additionalPhones: unknown;
  };
  readonly jobTitle: string | null;
  readonly city: string | null;
  readonly deletedAt: string | null;
}

export interface Company {
  readonly id: string;
  readonly annualRecurringRevenue: { readonly amountMicros: number | string | null } | null;
}

export type Page<TNode> = Connection<TNode> & {
  readonly totalCount: number;
  readonly edges: readonly { readonly node: TNode; readonly cursor: string }[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
};

export const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
export const OPPORTUNITY = 'id name stage ownerId amount { amountMicros currencyCode }';
export const PERSON =
  'id name { firstName lastName } emails { primaryEmail additionalEmails } phones { primaryPhoneNumber primaryPhoneCountryCode primaryPhoneCallingCode additionalPhones } jobTitle city deletedAt';

export const OPPORTUNITIES = `query Opportunities($filter: OpportunityFilterInput, $orderBy: [OpportunityOrderByInput], $first: Int, $after: String) {
  opportunities(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { cursor node { ${OPPORTUNITY} } } ${PAGE_INFO}
  }
}`;

export const PEOPLE = `query People($filter: PersonFilterInput, $orderBy: [PersonOrderByInput], $first: Int, $after: String, $last: Int, $before: String) {
  people(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { ${PERSON} } } ${PAGE_INFO}
  }
}`;

export const COMPANIES = `query Companies($orderBy: [CompanyOrderByInput], $first: Int, $after: String) {
  companies(orderBy: $orderBy, first: $first, after: $after) {
    totalCount edges { cursor node { id annualRecurringRevenue { amountMicros } } } ${PAGE_INFO}
  }
}`;

export const OBJECTS = `query Objects {
  objects(paging: { first: 1000 }, filter: {}) {
    edges { node { id nameSingular fieldsList { id name } } }
  }
}`;

export type Variables = Record<string, unknown>;

/** Every node of a findMany, page after page (60 a page, Twenty's maximum). */
export async function everything<TNode>(
  client: HostClient,
  document: string,
  field: string,
  variables: Variables = {},
  pageSize = 60,
): Promise<TNode[]> {
  const nodes: TNode[] = [];
  const pages = allNodes<TNode>(field, async (after) => {
    const data = await client.request<Record<string, Page<TNode>>>(document, {
      ...variables,
      first: pageSize,
      ...(after === undefined ? {} : { after }),
    });
    const page = data[field];
    if (page === undefined) throw new Error(`no ${field} in the answer`);
    return page;
  });
  for await (const node of pages) nodes.push(node);
  return nodes;
}

/** The HostError a request fails with (the test fails if it succeeds). */
export async function failure(request: Promise<unknown>): Promise<HostError> {
  try {
    await request;
  } catch (error) {
    if (error instanceof HostError) return error;
    throw error;
  }
  throw new Error('expected the host to refuse the request, but it answered');
}

export const ids = (nodes: readonly { readonly id: string }[]): string[] =>
  nodes.map((n) => n.id).sort();
export const micros = (value: number | string | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Postgres orders UUIDs and ASCII text bytewise; so does `<` on these strings. */
export function compareNullable(
  a: string | number | null,
  b: string | number | null,
  direction: 'AscNullsFirst' | 'DescNullsLast',
): number {
  if (a === null && b === null) return 0;
  if (a === null) return direction === 'AscNullsFirst' ? -1 : 1;
  if (b === null) return direction === 'AscNullsFirst' ? 1 : -1;
  const order = a < b ? -1 : a > b ? 1 : 0;
  return direction === 'AscNullsFirst' ? order : -order;
}

/** The JSON type of every leaf, composite values kept nested: `{ name: { firstName: 'string' } }`. */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]));
  }
  return typeof value;
}

export function isSorted<T>(values: readonly T[], compare: (a: T, b: T) => number): boolean {
  return values.every((value, i) => i === 0 || compare(values[i - 1] as T, value) <= 0);
}

// ---------------------------------------------------------------------------------------------
// What a host can offer beyond its API

/**
 * Fixtures only the sandbox can give. A live Twenty is reached with an API key and an admin's
 * session only, so a test needing one of these is skipped there by declaration, and the live run
 * lists it with the reason below before anything runs.
 */
export type Capability = 'seed' | 'memberTokens' | 'freshHost' | 'sandboxState' | 'webhookReceiver';

export const CAPABILITY_REASONS: Readonly<Record<Capability, string>> = {
  seed: 'the workspace holds the contract seed (CONTRACT_COUNTS records, the Member role); a live workspace holds its own data',
  memberTokens:
    "tokens of members with the Member role; Twenty mints a member's token only when that person signs in",
  freshHost:
    'a new workspace per test that the test may change freely; a live workspace is shared and real, so roles, permissions and records it would change stay untouched',
  sandboxState:
    "the sandbox's own state (settling webhook deliveries, switching row-level security on or off); a live Twenty has no such handle",
  webhookReceiver:
    'a receiver the host can deliver to; a live Twenty cannot reach this machine in general, and its outbound safe mode drops private addresses',
};

export const ALL_CAPABILITIES: ReadonlySet<Capability> = new Set(
  Object.keys(CAPABILITY_REASONS) as Capability[],
);

/** A test the host cannot check, and the capabilities it lacks. */
export interface Unchecked {
  readonly name: string;
  readonly missing: readonly Capability[];
}

function missingCapability(what: string, capability: Capability): Error {
  return new Error(
    `${what} is a sandbox-only fixture (${CAPABILITY_REASONS[capability]}). ` +
      `Declare it: hosts.needs('${capability}').it(name, …) or .describe(name, …), ` +
      'so a live run lists the test as unchecked instead of failing it.',
  );
}

// ---------------------------------------------------------------------------------------------
// A host under test

export interface Host {
  /** The sandbox behind the endpoints (capability 'sandboxState'). */
  readonly sandbox: Sandbox;
  readonly adminCore: HostClient;
  readonly adminMetadata: HostClient;
  /** A signed-in admin user (not an API key): what `UserAuthGuard` mutations need. */
  readonly adminSession: { readonly token: string };
  core(token: string): HostClient;
  metadata(token: string): HostClient;
  /** A seeded member with the Member role (index among those; capability 'memberTokens'). */
  member(index?: number): { readonly id: string; readonly token: string };
  /** Object and field ids, read through the metadata API. */
  objectId(nameSingular: string): Promise<string>;
  fieldId(nameSingular: string, field: string): Promise<string>;
}

/** Arrow-typed so a file can take them apart: `const { it } = hosts.needs('seed')`. */
export interface Gated {
  readonly it: (name: string, fn: () => Promise<void>, timeout?: number) => void;
  readonly describe: (name: string, fn: () => void) => void;
}

/** Opens hosts under test; `closeOpened` closes those not adopted. */
export interface HostOpener {
  readonly mode: 'sandbox' | 'live';
  readonly capabilities: ReadonlySet<Capability>;
  open(options?: { rls?: boolean }): Promise<Host>;
  /** Takes the endpoints opened so far out of `closeOpened`'s reach (a shared, long-lived host). */
  adopt(): HostEndpoints[];
  closeOpened(): Promise<void>;
  /** vitest's `it` for a test that needs nothing beyond the API: it runs on every host. */
  readonly it: (name: string, fn: () => Promise<void>, timeout?: number) => void;
  /**
   * `it` and `describe` that run only when the host has every capability named; on a host
   * without one, the test is skipped by declaration and listed by `unchecked()`.
   */
  needs(...capabilities: Capability[]): Gated;
  /** The tests declared so far that this host cannot check. */
  unchecked(): readonly Unchecked[];
}

interface HostShape {
  readonly endpoints: HostEndpoints;
  readonly adminKey: string;
  readonly adminSessionToken: string;
  readonly sandbox: () => Sandbox;
  readonly member: (index: number) => { readonly id: string; readonly token: string };
  readonly clientOptions: Pick<HostClientOptions, 'retry' | 'rateLimit'>;
}

function hostOver(shape: HostShape): Host {
  const { endpoints, clientOptions } = shape;
  const core = (token: string): HostClient =>
    new HostClient({ url: endpoints.coreUrl, token, ...clientOptions });
  const metadata = (token: string): HostClient =>
    new HostClient({ url: endpoints.metadataUrl, token, ...clientOptions });
  const adminMetadata = metadata(shape.adminKey);
  let objects: Map<string, { id: string; fields: Map<string, string> }> | undefined;
  const object = async (nameSingular: string) => {
    if (objects === undefined) {
      const data = await adminMetadata.request<{
        objects: {
          edges: {
            node: { id: string; nameSingular: string; fieldsList: { id: string; name: string }[] };
          }[];
        };
      }>(OBJECTS);
      objects = new Map(
        data.objects.edges.map(({ node }) => [
          node.nameSingular,
          { id: node.id, fields: new Map(node.fieldsList.map((f) => [f.name, f.id])) },
        ]),
      );
    }
    const found = objects.get(nameSingular);
    if (found === undefined) throw new Error(`no object ${nameSingular} in the metadata`);
    return found;
  };
  return {
    get sandbox() {
      return shape.sandbox();
    },
    adminCore: core(shape.adminKey),
    adminMetadata,
    adminSession: { token: shape.adminSessionToken },
    core,
    metadata,
    member: (index = 0) => shape.member(index),
    objectId: async (nameSingular) => (await object(nameSingular)).id,
    fieldId: async (nameSingular, field) => {
      const id = (await object(nameSingular)).fields.get(field);
      if (id === undefined) throw new Error(`no field ${nameSingular}.${field}`);
      return id;
    },
  };
}

function opener(
  mode: 'sandbox' | 'live',
  capabilities: ReadonlySet<Capability>,
  openHost: (options: { rls?: boolean }) => Promise<Host>,
  opened: HostEndpoints[],
): HostOpener {
  const unchecked: Unchecked[] = [];
  const label = (name: string, missing: readonly Capability[]) => {
    unchecked.push({ name, missing });
    return `${name} [not checked on a ${mode} host: needs ${missing.join(', ')}]`;
  };
  return {
    mode,
    capabilities,
    open: (options = {}) => openHost(options),
    adopt: () => opened.splice(0),
    closeOpened: async () => {
      await Promise.all(opened.splice(0).map((endpoints) => endpoints.close()));
    },
    it: (name, fn, timeout) => {
      it(name, fn, timeout);
    },
    needs: (...needs) => {
      const missing = needs.filter((c) => !capabilities.has(c));
      return {
        // Skipped only where a capability is missing (a live Twenty), and listed by `unchecked()`.
        it: (name, fn, timeout) => {
          const lacking = missing.length > 0;
          it.skipIf(lacking)(lacking ? label(name, missing) : name, fn, timeout);
        },
        describe: (name, fn) => {
          const lacking = missing.length > 0;
          describe.skipIf(lacking)(lacking ? label(name, missing) : name, fn);
        },
      };
    },
    unchecked: () => [...unchecked],
  };
}

/** Opens fresh seeded sandboxes behind `connect`: every capability. */
export function hostOpener(connect: Connect): HostOpener {
  const opened: HostEndpoints[] = [];
  const clientOptions = { retry: { attempts: 1 }, rateLimit: { requests: 10_000, windowMs: 1 } };

  async function openHost(options: { rls?: boolean } = {}): Promise<Host> {
    const sandbox = await createSandbox({
      rls: options.rls ?? false,
      seed: 'default',
      seedCounts: CONTRACT_COUNTS,
      now: () => CONTRACT_NOW,
      // As Twenty's own webhook integration tests set it up: every host allowed inside.
      outbound: { worker: { safeModeEnabled: true, allowedInternalHosts: ['*'] } },
    });
    const endpoints = await connect(sandbox);
    opened.push(endpoints);
    const admin = sandbox.state().members.find((m) => m.roleId === ADMIN_ROLE_ID);
    if (admin === undefined) throw new Error('the contract seed has no member with the Admin role');
    return hostOver({
      endpoints,
      adminKey: sandbox.adminKey,
      adminSessionToken: admin.token,
      sandbox: () => sandbox,
      member: (index) => {
        const members = sandbox.state().members.filter((m) => m.roleId === MEMBER_ROLE_ID);
        const found = members[index];
        if (found === undefined) throw new Error(`no member #${index} with the Member role`);
        return { id: found.id, token: found.token };
      },
      clientOptions,
    });
  }

  return opener('sandbox', ALL_CAPABILITIES, openHost, opened);
}

/** `receive` on a host that cannot reach a receiver here (capability 'webhookReceiver'). */
export const unreachableReceiver: Receive = () =>
  Promise.reject(missingCapability('receive()', 'webhookReceiver'));

/** Where a live Twenty is, and the two credentials the contract uses there. */
export interface LiveTarget {
  /** The server's base URL, e.g. `https://crm.example.com` (no `/graphql`). */
  readonly url: string;
  readonly apiKey: string;
  readonly adminToken: string;
}

/**
 * A live Twenty: every `open()` is the same workspace, reached with the API key and the admin's
 * session; none of the sandbox-only capabilities.
 */
export function liveHostOpener(target: LiveTarget): HostOpener {
  const base = target.url.replace(/\/+$/, '');
  const endpoints: HostEndpoints = {
    coreUrl: `${base}/graphql`,
    metadataUrl: `${base}/metadata`,
    close: () => Promise.resolve(),
  };
  // A real server: its own rate limit applies, and a transient failure is worth a retry.
  const clientOptions = { retry: { attempts: 3 } };
  const openHost = () =>
    Promise.resolve(
      hostOver({
        endpoints,
        adminKey: target.apiKey,
        adminSessionToken: target.adminToken,
        sandbox: () => {
          throw missingCapability('host.sandbox', 'sandboxState');
        },
        member: () => {
          throw missingCapability('host.member()', 'memberTokens');
        },
        clientOptions,
      }),
    );
  return opener('live', new Set(), openHost, []);
}
