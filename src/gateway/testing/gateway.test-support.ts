/**
 * A gateway in front of a running, seeded sandbox, with the demo policy and the seeded
 * members' own tokens: what the gateway's tests (and its bypass suite) run against.
 */
import { readFileSync } from 'node:fs';
import { compilePolicy, type Engine } from '../../policy/engine.js';
import { loadPolicy } from '../../policy/load.js';
import type { Member, Policy } from '../../policy/schema.js';
import { createSandbox, type Sandbox } from '../../sandbox/sandbox.js';
import { startSandboxServer, type RunningSandbox } from '../../sandbox/server.js';
import type { DeniedEvent } from '../core/denial.js';
import { startHostTap, type HostTap } from './host-tap.test-support.js';
import { openGateway, type OpenedGateway } from '../http/open.js';
import { InMemoryTotpSecrets } from '../core/step-up.js';

export const DEMO_POLICY: Policy = loadPolicy(
  readFileSync(new URL('../../../examples/demo/tiergate.policy.yaml', import.meta.url), 'utf8'),
);

/**
 * The demo policy with these roles' objects replaced (each role keeps its label, duties and
 * the rest), and any other top-level keys of the policy given in `rest`.
 */
export function demoPolicyWith(
  objectsOf: Record<string, Record<string, unknown>>,
  rest: Record<string, unknown> = {},
): Policy {
  const roles: Record<string, unknown> = { ...DEMO_POLICY.roles };
  for (const [role, objects] of Object.entries(objectsOf)) {
    roles[role] = { ...DEMO_POLICY.roles[role], objects };
  }
  return loadPolicy(JSON.stringify({ ...DEMO_POLICY, ...rest, roles }));
}

/** The policy with the export limit set (and step-up as the policy has it, or none). */
export function withExportLimit(policy: Policy, maxRowsWithoutStepUp: number): Policy {
  return {
    ...policy,
    security: {
      ...policy.security,
      stepUp: policy.security?.stepUp ?? [],
      export: { maxRowsWithoutStepUp },
    },
  };
}

export interface Answer {
  readonly status: number;
  readonly body: {
    readonly data?: Record<string, unknown> | null;
    readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  };
  /** The body as text, to search for values that must not appear. */
  readonly text: string;
}

export interface GatewayFixture {
  readonly sandbox: Sandbox;
  readonly host: RunningSandbox;
  readonly gateway: OpenedGateway;
  readonly policy: Policy;
  readonly engine: Engine;
  readonly denials: DeniedEvent[];
  /** Step-ups the gateway reported (what the CLI journals). */
  readonly stepUps: { member: string; elevatedUntil: Date }[];
  readonly totp: InMemoryTotpSecrets;
  /** The tap the gateway reaches the sandbox through, when asked for. */
  readonly tap: HostTap | undefined;
  /** A member of the policy with this role and tier (the first in the org's order). */
  member(role: string, tier: string): Member;
  tokenOf(memberId: string): string;
  /** POST a GraphQL body to the gateway (or, with `direct`, to the sandbox itself). */
  graphql(token: string, body: unknown, direct?: boolean): Promise<Answer>;
  /** POST a body to the metadata API through the gateway (or directly). */
  metadata(token: string, body: unknown, direct?: boolean): Promise<Answer>;
  /** A REST call through the gateway (or directly). */
  rest(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    direct?: boolean,
  ): Promise<Answer>;
  /** Every record of an object in the sandbox, as stored. */
  records(object: string): Record<string, unknown>[];
  close(): Promise<void>;
}

export interface FixtureOptions {
  readonly policy?: Policy;
  readonly counts?: { companies?: number; people?: number; opportunities?: number };
  readonly now?: () => number;
  /** Puts a tap between the gateway and the sandbox (src/gateway/testing/host-tap.test-support.ts). */
  readonly tap?: boolean;
  /** Tiergate's secret key, which the gateway's cursor seal is derived from. */
  readonly secretKey?: Uint8Array;
}

/** A request's answer: status, JSON body (empty when it is not JSON) and raw text. */
export async function fetchAnswer(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = {};
  }
  return { status: response.status, body, text };
}

export async function gatewayFixture(options: FixtureOptions = {}): Promise<GatewayFixture> {
  const policy = options.policy ?? DEMO_POLICY;
  const sandbox = await createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: { companies: 80, people: 120, opportunities: 120, ...options.counts },
    adminKey: 'gateway-test-admin',
  });
  const host = await startSandboxServer(sandbox.serverOptions);
  const denials: DeniedEvent[] = [];
  const stepUps: { member: string; elevatedUntil: Date }[] = [];
  const totp = new InMemoryTotpSecrets();
  const tap = options.tap ? await startHostTap(host.url) : undefined;
  const gateway = await openGateway({
    hostUrl: tap?.url ?? host.url,
    apiKey: sandbox.adminKey,
    policy,
    totpSecrets: totp,
    onDenied: (event) => denials.push(event),
    onStepUp: (event) => stepUps.push(event),
    ...(options.now ? { now: options.now } : {}),
    ...(options.secretKey ? { secretKey: options.secretKey } : {}),
  });
  const engine = compilePolicy(policy);
  const post = (path: string, token: string, body: unknown, direct: boolean): Promise<Answer> =>
    fetchAnswer(`${direct ? host.url : gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const tokenOf = (memberId: string): string => {
    const token = sandbox.state().members.find((m) => m.id === memberId)?.token;
    if (token === undefined) throw new Error(`no sandbox member ${memberId}`);
    return token;
  };
  return {
    sandbox,
    host,
    gateway,
    policy,
    engine,
    denials,
    stepUps,
    totp,
    tap,
    member(role, tier) {
      const found = policy.org.members.find((m) => m.role === role && m.tier === tier);
      if (!found) throw new Error(`no ${role} at ${tier} in the policy`);
      return found;
    },
    tokenOf,
    graphql: (token, body, direct = false) => post('/graphql', token, body, direct),
    metadata: (token, body, direct = false) => post('/metadata', token, body, direct),
    rest: (token, method, path, body, direct = false) =>
      fetchAnswer(`${direct ? host.url : gateway.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    records: (object) => Object.values(sandbox.state().records[object] ?? {}),
    async close() {
      await gateway.close();
      await tap?.close();
      await host.close();
    },
  };
}
