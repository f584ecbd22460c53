/**
 * Request targets: every spelling of a path is sent raw (fetch would resolve dot segments and
 * drop fragments) to the sandbox, which routes as Twenty's Express and Yoga do, and to the
 * gateway. What a spelling reaches directly is pinned; through the gateway it is enforced on the
 * surface's own path, refused, or passed on to a host that serves it nothing, and never serves
 * an out-of-scope company.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gatewayFixture,
  type Answer,
  type GatewayFixture,
} from '../testing/gateway.test-support.js';
import { distinctNames, leaked, split } from './bypass.test-support.js';

let fx: GatewayFixture;
beforeAll(async () => {
  fx = await gatewayFixture();
}, 60_000);
afterAll(async () => fx.close());

/** One request with its target written as given, byte for byte. */
function raw(base: string, method: string, target: string, token: string, body?: unknown) {
  const url = new URL(base);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = httpRequest(
      {
        hostname: url.hostname,
        port: url.port,
        method,
        path: target,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Answer['body'];
          try {
            parsed = JSON.parse(text) as Answer['body'];
          } catch {
            parsed = {};
          }
          resolve({ status: incoming.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

type Reaches = 'graphql' | 'metadata' | 'rest' | 'none';
type Outcome = 'enforced' | 'refused' | 'passed';

/** [target, what the sandbox (as Twenty) routes it to, what the gateway does with it]. */
const GRAPHQL: readonly [string, Reaches, Outcome][] = [
  ['/graphql', 'graphql', 'enforced'],
  ['/graphql/', 'graphql', 'enforced'],
  ['/graphql?x=1', 'graphql', 'enforced'],
  ['/graphql?', 'graphql', 'enforced'],
  ['/graphql#x', 'graphql', 'refused'],
  ['/graphql/#x', 'graphql', 'refused'],
  ['/GraphQL#/graphql', 'graphql', 'refused'],
  ['/graphql\\#x', 'graphql', 'refused'],
  ['/GraphQL?x=/graphql', 'graphql', 'enforced'],
  ['/graphql/x?y=/graphql', 'graphql', 'enforced'],
  ['/GRAPHQL', 'none', 'enforced'],
  ['/graphql/x', 'none', 'enforced'],
  ['//graphql', 'none', 'enforced'],
  ['/%67raphql', 'none', 'enforced'],
  ['/gr%61phql/', 'none', 'enforced'],
  ['/graphql;x', 'none', 'refused'],
  ['/graphql%2F', 'none', 'refused'],
  ['/graphql%2fx', 'none', 'refused'],
  ['/graphql/%2e%2e/metadata', 'none', 'refused'],
  ['/x/../graphql', 'none', 'refused'],
  ['/./graphql', 'none', 'refused'],
  ['/graphql/..', 'none', 'refused'],
  ['/graphql\\', 'none', 'refused'],
  ['/graphql%23x', 'none', 'refused'],
  ['/graphql%3Fx', 'none', 'refused'],
  ['/graphql%00', 'none', 'refused'],
  ['/graphql%20', 'none', 'refused'],
  ['/graphqlx', 'none', 'passed'],
];

const REST: readonly [string, Reaches, Outcome][] = [
  ['/rest/companies?limit=200', 'rest', 'enforced'],
  // Express routes these to the REST controller, whose own path reading finds no object in them.
  ['/REST/companies?limit=200', 'none', 'enforced'],
  ['/rest/companies/?limit=200', 'rest', 'enforced'],
  ['/rest/companies?limit=200#x', 'rest', 'refused'],
  ['/rest/%63ompanies?limit=200', 'none', 'enforced'],
  ['/rest/x/../companies?limit=200', 'none', 'refused'],
];

/** Spellings of /metadata: the sandbox's metadata API answers the ones Twenty routes there. */
const METADATA: readonly [string, Reaches][] = [
  ['/metadata', 'metadata'],
  ['/metadata/', 'metadata'],
  ['/METADATA?x=/metadata', 'metadata'],
  ['/metadata#x', 'metadata'],
  ['/metadata\\#x', 'metadata'],
  ['/Metadata\\#x', 'none'],
  ['/Metadata\\#/metadata', 'metadata'],
  ['/METADATA', 'none'],
  ['//metadata', 'none'],
  ['/%6Detadata', 'none'],
  ['/metadata/%2e%2e/graphql', 'none'],
];

/** Routes the gateway refuses whole, in every spelling (the sandbox serves none of them). */
const REFUSED = [
  '/mcp',
  '/mcp#x',
  '/MCP/',
  '//mcp',
  '/%6Dcp',
  '/mcp;x',
  '/file/record-export/x',
  '/FILE//record-export/x',
];

const COMPANIES = { query: '{ companies(first: 200) { edges { node { id name } } } }' };

function junior(): { id: string; token: string; outsideNames: string[] } {
  const member = fx.member('sales-rep', 'junior');
  const { inside, outside } = split(fx, member.id, 'company');
  return {
    id: member.id,
    token: fx.tokenOf(member.id),
    outsideNames: distinctNames(outside, inside),
  };
}

function expectOutcome(through: Answer, outcome: Outcome, direct: Answer, names: string[]): void {
  expect(names.length).toBeGreaterThan(0);
  expect(leaked(through.text, names)).toEqual([]);
  if (outcome === 'refused') {
    expect([400, 403]).toContain(through.status);
    expect(through.body.data ?? null).toBeNull();
  } else if (outcome === 'passed') {
    expect(through.status).toBe(direct.status);
  } else expect(through.status).toBe(200);
}

describe('§18 request targets, as Twenty routes them', () => {
  it.each(GRAPHQL)(
    'POST %s reaches %s directly; the gateway: %s',
    async (target, reaches, outcome) => {
      const rep = junior();
      const direct = await raw(fx.host.url, 'POST', target, rep.token, COMPANIES);
      if (reaches === 'graphql')
        expect(leaked(direct.text, rep.outsideNames).length).toBeGreaterThan(0);
      else expect(direct.status).toBe(404);
      const through = await raw(fx.gateway.url, 'POST', target, rep.token, COMPANIES);
      expectOutcome(through, outcome, direct, rep.outsideNames);
      if (outcome === 'enforced') expect(through.body.data?.companies).toBeDefined();
    },
  );

  it.each(REST)('GET %s reaches %s directly; the gateway: %s', async (target, reaches, outcome) => {
    const rep = junior();
    const direct = await raw(fx.host.url, 'GET', target, rep.token);
    if (reaches === 'rest') expect(leaked(direct.text, rep.outsideNames).length).toBeGreaterThan(0);
    else expect(direct.status).toBeGreaterThanOrEqual(400);
    const through = await raw(fx.gateway.url, 'GET', target, rep.token);
    expectOutcome(through, outcome, direct, rep.outsideNames);
  });

  it.each(METADATA)(
    'POST %s reaches %s directly; the gateway never serves record counts there',
    async (target, reaches) => {
      const rep = junior();
      const counts = { query: '{ objectRecordCounts { objectNamePlural totalCount } }' };
      const direct = await raw(fx.host.url, 'POST', target, rep.token, counts);
      // The sandbox's metadata API answers it (it does not compute the counts themselves).
      if (reaches === 'metadata') expect(direct.text).toContain('objectRecordCounts is not served');
      else expect(direct.status).toBe(404);
      const through = await raw(fx.gateway.url, 'POST', target, rep.token, counts);
      expect([400, 403]).toContain(through.status);
      expect(through.text).not.toContain('objectRecordCounts is not served');
    },
  );

  it.each(REFUSED)('refuses %s, never reaching the host', async (target) => {
    const rep = junior();
    const through = await raw(fx.gateway.url, 'POST', target, rep.token, COMPANIES);
    expect([400, 403]).toContain(through.status);
    expect(through.text).toMatch(/not available through the gateway|cannot tell which/);
  });
});
