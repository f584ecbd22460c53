/** A seeded sandbox served over HTTP, and a REST client for it, for the REST API tests. */
import { expect } from 'vitest';
import { createSandbox, type Sandbox } from '../sandbox.js';
import { MEMBER_ROLE_ID } from '../seed-state.js';
import { startSandboxServer, type RunningSandbox } from '../server.js';
import type { Principal } from '../workspace.js';

export const COUNTS = { members: 16, companies: 12, people: 30, opportunities: 10 };
export const NOW = new Date('2026-06-30T12:00:00Z');

let running: RunningSandbox | undefined;

/** Stops the server `start` started; each test file runs it after each test. */
export async function stopServer(): Promise<void> {
  await running?.close();
  running = undefined;
}

export interface Started {
  readonly sandbox: Sandbox;
  readonly url: string;
  /** The token of a member with the Member role. */
  readonly memberToken: string;
  readonly member: Principal;
}

export async function start(fetcher?: typeof fetch): Promise<Started> {
  const sandbox = await createSandbox({
    rls: false,
    seed: 'default',
    seedCounts: COUNTS,
    now: () => NOW,
    adminKey: 'admin-key',
    ...(fetcher ? { fetch: fetcher } : {}),
  });
  running = await startSandboxServer(sandbox.serverOptions);
  const m = sandbox.state().members.find((candidate) => candidate.roleId === MEMBER_ROLE_ID);
  if (!m) throw new Error('the seed has no member with the Member role');
  return {
    sandbox,
    url: running.url,
    memberToken: m.token,
    member: { kind: 'member', memberId: m.id, roleId: m.roleId },
  };
}

export interface Reply {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

export async function rest(
  url: string,
  method: string,
  path: string,
  options: { token?: string | undefined; body?: unknown; query?: Record<string, string> } = {},
): Promise<Reply> {
  const search = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
  const response = await fetch(`${url}${path}${search}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

export interface Company {
  readonly id: string;
  readonly name: string | null;
  readonly employees: number | null;
  readonly [key: string]: unknown;
}

export function companiesOf(reply: Reply): Company[] {
  const data = reply.json.data as { companies?: Company[] } | undefined;
  return data?.companies ?? [];
}

export async function graphqlCompanyIds(
  sandbox: Sandbox,
  principal: Principal,
  filter: unknown,
  orderBy: unknown = [{ id: 'AscNullsFirst' }],
): Promise<{ ids: string[]; totalCount: unknown }> {
  const result = await sandbox.serverOptions.core.execute({
    source:
      'query($filter: CompanyFilterInput, $orderBy: [CompanyOrderByInput]) { companies(filter: $filter, orderBy: $orderBy, first: 200) { totalCount edges { node { id } } } }',
    variables: { filter, orderBy },
    principal,
  });
  expect(result.errors).toBeUndefined();
  const connection = (
    result.data as { companies: { totalCount: unknown; edges: { node: { id: string } }[] } }
  ).companies;
  return { ids: connection.edges.map((edge) => edge.node.id), totalCount: connection.totalCount };
}
