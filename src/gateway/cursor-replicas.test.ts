/**
 * Cursors sealed under a key derived from Tiergate's secret key: a page cursor handed out by one
 * gateway opens on another that shares the key (a restart, or a second replica behind a load
 * balancer), and on no gateway with another key.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorSealFrom, processCursorSeal } from './core/cursor-seal.js';
import { openGateway, type OpenedGateway } from './http/open.js';
import {
  fetchAnswer,
  gatewayFixture,
  type GatewayFixture,
} from './testing/gateway.test-support.js';

const SECRET = randomBytes(32);
const PAGE = `query Page($after: String) {
  people(first: 5, after: $after, orderBy: [{ city: AscNullsFirst }]) {
    edges { node { id } }
    pageInfo { endCursor }
  }
}`;

interface Page {
  readonly ids: string[];
  readonly endCursor: string | undefined;
  readonly status: number;
  readonly code: unknown;
}

let fx: GatewayFixture;
let replica: OpenedGateway;
let stranger: OpenedGateway;
let token: string;
let member: string;

async function page(url: string, after?: string): Promise<Page> {
  const answer = await fetchAnswer(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: PAGE, variables: after === undefined ? {} : { after } }),
  });
  const body = answer.body as {
    data?: {
      people?: { edges: { node: { id: string } }[]; pageInfo: { endCursor?: string } } | null;
    };
    errors?: { extensions?: { code?: unknown } }[];
  };
  return {
    ids: body.data?.people?.edges.map((edge) => edge.node.id) ?? [],
    endCursor: body.data?.people?.pageInfo.endCursor,
    status: answer.status,
    code: body.errors?.[0]?.extensions?.code,
  };
}

const gatewayBeside = (secretKey: Uint8Array): Promise<OpenedGateway> =>
  openGateway({
    hostUrl: fx.host.url,
    apiKey: fx.sandbox.adminKey,
    policy: fx.policy,
    secretKey,
  });

beforeAll(async () => {
  fx = await gatewayFixture({ secretKey: SECRET });
  replica = await gatewayBeside(Buffer.from(SECRET));
  stranger = await gatewayBeside(randomBytes(32));
  member = fx.member('support', 'intern').id;
  token = fx.tokenOf(member);
}, 60_000);

afterAll(async () => {
  await Promise.all([replica?.close(), stranger?.close()]);
  await fx?.close();
});

describe('a cursor sealed under the secret key', () => {
  it('opens on another gateway with the same key, to the same next page', async () => {
    const first = await page(fx.gateway.url);
    expect(first.ids).toHaveLength(5);
    expect(first.endCursor).toMatch(/^tg1\./);
    // Sealed under the key derived from the secret, not under this process's own seal.
    const cursor = first.endCursor ?? '';
    expect(() => cursorSealFrom(SECRET).open(cursor, member, 'person', 'after')).not.toThrow();
    expect(() => processCursorSeal.open(cursor, member, 'person', 'after')).toThrow();
    const here = await page(fx.gateway.url, first.endCursor);
    const there = await page(replica.url, first.endCursor);
    expect(here.ids).toHaveLength(5);
    expect(there.ids).toEqual(here.ids);
    expect(there.ids.some((id) => first.ids.includes(id))).toBe(false);
  });

  it('is refused by a gateway with another key', async () => {
    const first = await page(fx.gateway.url);
    const refused = await page(stranger.url, first.endCursor);
    expect(refused.ids).toEqual([]);
    expect(refused.code).toBe('BAD_USER_INPUT');
  });
});
