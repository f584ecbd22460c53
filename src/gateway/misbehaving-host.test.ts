/**
 * The gateway in front of a host that misbehaves. A fake host (node:http) answers
 * exactly what each test sets; whatever it answers, the client must get only what the policy
 * allows (nothing out of scope, nothing hidden, masks applied), or a refusal.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STANDARD_OBJECTS } from '../host/core-schema/standard-objects.js';
import { compilePolicy } from '../policy/engine.js';
import { DEMO_POLICY, fetchAnswer, type Answer } from './testing/gateway.test-support.js';
import { httpIdentityLookup, IdentityResolver, type IdentityLookup } from './http/identity.js';
import { DEFAULT_LIMITS } from './core/limits.js';
import { GatewayModel } from './core/model.js';
import { startGateway, type Gateway } from './http/server.js';

/** A sales rep at intern: companies read own (accountOwnerId), ARR hidden; people own. */
const INTERN = '0d03353e-9ae5-4f46-94bf-ee2590b191e7';
/** A sales rep at junior: companies read team, update own. */
const JUNIOR = '400d58ef-93da-4057-85f7-16f24eba51c7';
/** Someone else's id: records owned by it are out of the intern's scope. */
const OTHER = '1051a35b-c592-4b14-9b08-f8dd2053a69b';
const MINE = '11111111-1111-4111-8111-111111111111';
const THEIRS = '22222222-2222-4222-8222-222222222222';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

type Reply = (request: Seen, response: ServerResponse) => void;

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

/** An in-scope company for the intern, as the host would answer it (with the policy's field). */
const mine = {
  id: MINE,
  name: 'Mine Inc',
  _tg_accountOwnerId: INTERN,
};

describe('the gateway in front of a misbehaving host', () => {
  const seen: Seen[] = [];
  let reply: Reply = (_request, response) => json(response, 200, { data: null });
  let member: unknown = INTERN;
  let upstream: Server;
  let gateway: Gateway;

  const lookup: IdentityLookup = {
    currentMember: () => Promise.resolve({ id: member } as { id: string }),
    acceptsApiKey: () => Promise.resolve({ rejected: 'no keys here' }),
  };

  beforeAll(async () => {
    upstream = createServer((request, response) => {
      void bodyOf(request).then((body) => {
        const one = { method: request.method ?? '', url: request.url ?? '', body };
        seen.push(one);
        reply(one, response);
      });
    });
    const port = await listen(upstream);
    gateway = await startGateway({
      upstream: `http://127.0.0.1:${port}`,
      policy: DEMO_POLICY,
      engine: compilePolicy(DEMO_POLICY),
      model: new GatewayModel(STANDARD_OBJECTS),
      identity: new IdentityResolver({ lookup, apiKeys: {}, ttlMs: 0 }),
      limits: DEFAULT_LIMITS,
    });
  });

  afterAll(async () => {
    await gateway.close();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  beforeEach(() => {
    seen.length = 0;
    member = INTERN;
  });

  const graphql = (query: string, token = 'tok'): Promise<Answer> =>
    fetchAnswer(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });

  const rest = (method: string, path: string, body?: unknown): Promise<Answer> =>
    fetchAnswer(`${gateway.url}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        authorization: 'Bearer tok',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const COMPANIES = '{ companies { edges { node { id name } } } }';

  describe('GraphQL answers of odd shapes', () => {
    it('keeps only in-scope records when the host adds edges, keys and broken owner fields', async () => {
      reply = (_request, response) =>
        json(response, 200, {
          data: {
            companies: {
              edges: [
                { node: { ...mine, annualRecurringRevenue: { amountMicros: 9 }, secretKey: 'S1' } },
                { node: { id: THEIRS, name: 'Out Of Scope', _tg_accountOwnerId: OTHER } },
                { node: { id: THEIRS, name: 'No Owner Field' } },
                { node: { id: THEIRS, name: 'Owner As List', _tg_accountOwnerId: [INTERN] } },
                {
                  node: { id: THEIRS, name: 'Owner As Object', _tg_accountOwnerId: { eq: INTERN } },
                },
                { node: { id: THEIRS, name: 'Owner Null', _tg_accountOwnerId: null } },
                { node: [{ id: THEIRS, name: 'Node As List', _tg_accountOwnerId: INTERN }] },
                { node: 42 },
                42,
                'Edge As Text',
              ],
              extraEdges: [{ node: { id: THEIRS, name: 'Extra Edges' } }],
            },
            people: { edges: [{ node: { id: THEIRS, name: 'Unasked Root' } }] },
          },
        });
      const answer = await graphql(COMPANIES);
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual({
        companies: { edges: [{ node: { id: MINE, name: 'Mine Inc' } }] },
      });
    });

    it('answers null for a connection whose edges are an object or whose value is a number', async () => {
      reply = (_request, response) =>
        json(response, 200, {
          data: { companies: { edges: { 0: { node: { id: THEIRS, name: 'Edges As Object' } } } } },
        });
      const first = await graphql(COMPANIES);
      expect(first.text).not.toContain('Edges As Object');
      reply = (_request, response) => json(response, 200, { data: { companies: 42 } });
      const second = await graphql(COMPANIES);
      expect(second.body.data).toEqual({ companies: null });
    });

    it('judges a record of another type under companies by the rules of companies', async () => {
      reply = (_request, response) =>
        json(response, 200, {
          data: {
            companies: {
              edges: [
                {
                  node: {
                    __typename: 'Opportunity',
                    id: THEIRS,
                    name: 'Some Deal',
                    amount: { amountMicros: 5 },
                    ownerId: INTERN,
                  },
                },
              ],
            },
          },
        });
      const answer = await graphql(COMPANIES);
      expect(answer.text).not.toContain('Some Deal');
      expect(answer.text).not.toContain('amountMicros');
    });

    it('judges data the host sends with an error status, beside errors, or partly null', async () => {
      for (const status of [401, 403, 500]) {
        reply = (_request, response) =>
          json(response, status, {
            data: {
              companies: {
                edges: [
                  { node: mine },
                  null,
                  { node: null },
                  { node: { id: THEIRS, name: 'Out Of Scope', _tg_accountOwnerId: OTHER } },
                ],
              },
            },
            errors: [{ message: 'partial failure', path: ['companies', 'edges', 1] }],
          });
        const answer = await graphql(COMPANIES);
        expect(answer.status).toBe(status);
        expect(answer.text).not.toContain('Out Of Scope');
        expect(answer.body.data).toEqual({
          companies: { edges: [{ node: { id: MINE, name: 'Mine Inc' } }] },
        });
      }
    });

    it('judges a large answer record by record', async () => {
      const edges = Array.from({ length: 20_000 }, (_, index) => ({
        node: {
          id: `${index}`,
          name: `Theirs ${index} ${'x'.repeat(100)}`,
          _tg_accountOwnerId: OTHER,
        },
      }));
      reply = (_request, response) =>
        json(response, 200, { data: { companies: { edges: [{ node: mine }, ...edges] } } });
      const answer = await graphql(COMPANIES);
      expect(answer.body.data).toEqual({
        companies: { edges: [{ node: { id: MINE, name: 'Mine Inc' } }] },
      });
    });

    it('judges an answer the host sends in many chunks', async () => {
      reply = (_request, response) => {
        const text = JSON.stringify({
          data: {
            companies: {
              edges: [
                { node: mine },
                { node: { id: THEIRS, name: 'Out Of Scope', _tg_accountOwnerId: OTHER } },
              ],
            },
          },
        });
        response.writeHead(200, { 'content-type': 'application/json' });
        for (let at = 0; at < text.length; at += 7) response.write(text.slice(at, at + 7));
        response.end();
      };
      const answer = await graphql(COMPANIES);
      expect(answer.body.data).toEqual({
        companies: { edges: [{ node: { id: MINE, name: 'Mine Inc' } }] },
      });
    });

    it('refuses a body that is not JSON', async () => {
      reply = (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>Out Of Scope</html>');
      };
      const answer = await graphql(COMPANIES);
      expect(answer.status).toBe(503);
      expect(answer.text).not.toContain('Out Of Scope');
    });

    it('refuses when the host closes the connection in the middle of the body', async () => {
      reply = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '4000' });
        response.write('{"data":{"companies":{"edges":[{"node":{"id":"x","name":"Out Of Scope"');
        setImmediate(() => response.socket?.destroy());
      };
      const answer = await graphql(COMPANIES);
      expect(answer.status).toBeGreaterThanOrEqual(500);
      expect(answer.text).not.toContain('Out Of Scope');
    });

    it('does not follow a redirect from the host', async () => {
      let elsewhere = 0;
      const other = createServer((_request, response) => {
        elsewhere++;
        json(response, 200, { data: { companies: { edges: [] } } });
      });
      const port = await listen(other);
      try {
        reply = (_request, response) => {
          response.writeHead(307, { location: `http://127.0.0.1:${port}/graphql` });
          response.end();
        };
        const answer = await fetchAnswer(`${gateway.url}/graphql`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/json', authorization: 'Bearer tok' },
          body: JSON.stringify({ query: COMPANIES }),
        });
        expect(elsewhere).toBe(0);
        expect(seen).toHaveLength(1);
        expect(answer.text).not.toContain('Mine Inc');
      } finally {
        other.closeAllConnections();
        await new Promise<void>((resolve) => other.close(() => resolve()));
      }
    });

    it('does not pass through an answer that is a JSON array', async () => {
      reply = (_request, response) =>
        json(response, 200, [
          {
            data: {
              companies: {
                edges: [{ node: { id: THEIRS, name: 'Out Of Scope', _tg_accountOwnerId: OTHER } }],
              },
            },
          },
        ]);
      const answer = await graphql(COMPANIES);
      expect(answer.text).not.toContain('Out Of Scope');
    });

    it('does not pass through an answer without a data key', async () => {
      reply = (_request, response) =>
        json(response, 200, {
          result: { companies: { edges: [{ node: { id: THEIRS, name: 'Out Of Scope' } }] } },
        });
      const answer = await graphql(COMPANIES);
      expect(answer.text).not.toContain('Out Of Scope');
    });

    it('does not pass through top-level keys beside data', async () => {
      reply = (_request, response) =>
        json(response, 200, {
          data: { companies: { edges: [{ node: mine }] } },
          extensions: { debug: { id: THEIRS, name: 'Out Of Scope', annualRecurringRevenue: 9 } },
        });
      const answer = await graphql(COMPANIES);
      expect(answer.body.data).toEqual({
        companies: { edges: [{ node: { id: MINE, name: 'Mine Inc' } }] },
      });
      expect(answer.text).not.toContain('Out Of Scope');
    });
    it('does not pass records through the errors beside data', async () => {
      reply = (_request, response) =>
        json(response, 200, {
          data: { companies: { edges: [{ node: mine }] } },
          errors: [
            {
              message: 'partial failure',
              extensions: { code: 'INTERNAL', record: { id: THEIRS, name: 'Out Of Scope' } },
            },
          ],
        });
      const answer = await graphql(COMPANIES);
      expect(answer.body.data).toEqual({
        companies: { edges: [{ node: { id: MINE, name: 'Mine Inc' } }] },
      });
      expect(answer.text).not.toContain('Out Of Scope');
    });
  });

  describe('write checks when the pre-read misbehaves', () => {
    const UPDATE = `mutation { updateCompany(id: "${MINE}", data: { name: "Renamed" }) { id name } }`;
    const updated = (response: ServerResponse) =>
      json(response, 200, { data: { updateCompany: { id: MINE, name: 'Renamed' } } });

    const preRead = (answer: (response: ServerResponse) => void): Reply => {
      return (request, response) => {
        if (request.body.includes('TiergateWriteCheck')) answer(response);
        else updated(response);
      };
    };

    const refusedBeforeTheWrite = async () => {
      member = JUNIOR;
      const answer = await graphql(UPDATE);
      expect(answer.body.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|GATEWAY_ERROR/);
      expect(seen.filter((s) => !s.body.includes('TiergateWriteCheck'))).toHaveLength(0);
    };

    it('refuses when the pre-read answers errors', async () => {
      reply = preRead((response) =>
        json(response, 200, {
          data: { companies: { edges: [{ node: { id: MINE, accountOwnerId: JUNIOR } }] } },
          errors: [{ message: 'boom' }],
        }),
      );
      await refusedBeforeTheWrite();
    });

    it('refuses when the pre-read returns another id', async () => {
      reply = preRead((response) =>
        json(response, 200, {
          data: { companies: { edges: [{ node: { id: THEIRS, _tg_accountOwnerId: JUNIOR } }] } },
        }),
      );
      await refusedBeforeTheWrite();
    });

    it('refuses when the pre-read is not JSON, an array, or a 500 without data', async () => {
      for (const answer of [
        (response: ServerResponse) => {
          response.writeHead(200, { 'content-type': 'text/plain' });
          response.end('nope');
        },
        (response: ServerResponse) => json(response, 200, [{ data: {} }]),
        (response: ServerResponse) => json(response, 500, { message: 'Internal error' }),
      ]) {
        seen.length = 0;
        reply = preRead(answer);
        await refusedBeforeTheWrite();
      }
    });

    it('refuses when the pre-read record lacks the owner field', async () => {
      reply = preRead((response) =>
        json(response, 200, {
          data: { companies: { edges: [{ node: { id: MINE, name: 'Mine Inc' } }] } },
        }),
      );
      await refusedBeforeTheWrite();
    });
  });

  describe('REST answers of odd shapes', () => {
    const theirs = { id: THEIRS, name: 'Out Of Scope', accountOwnerId: OTHER };
    const own = { id: MINE, name: 'Mine Inc', accountOwnerId: INTERN };

    it('judges records and depth=1 relations of unexpected shapes', async () => {
      reply = (_request, response) =>
        json(response, 200, {
          data: {
            companies: [
              {
                ...own,
                annualRecurringRevenue: { amountMicros: 777 },
                people: [
                  {
                    id: MINE,
                    emails: { primaryEmail: 'alice@private.test' },
                    phones: { primaryPhoneNumber: '5550001234' },
                    createdBy: { workspaceMemberId: INTERN },
                  },
                  { id: THEIRS, emails: { primaryEmail: 'bob@theirs.test' } },
                  'Relation As Text',
                  42,
                ],
                accountOwner: 'Owner As Text',
              },
              theirs,
              42,
              'Record As Text',
            ],
          },
        });
      const answer = await rest('GET', '/rest/companies?depth=1');
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain('Out Of Scope');
      expect(answer.text).not.toContain('777');
      expect(answer.text).not.toContain('alice@');
      expect(answer.text).not.toContain('bob@');
      expect(answer.text).not.toContain('5550001234');
      expect(answer.text).not.toContain('Relation As Text');
      expect(answer.text).not.toContain('Record As Text');
    });

    it('does not pass through a list answered with another success or an error status', async () => {
      for (const status of [201, 206, 500]) {
        reply = (_request, response) => json(response, status, { data: { companies: [theirs] } });
        const answer = await rest('GET', '/rest/companies');
        expect(answer.text).not.toContain('Out Of Scope');
      }
    });

    it('does not pass through records under a data key other than the plural', async () => {
      reply = (_request, response) =>
        json(response, 200, { data: { companies: [own], Companies: [theirs] } });
      const answer = await rest('GET', '/rest/companies');
      expect(answer.text).toContain('Mine Inc');
      expect(answer.text).not.toContain('Out Of Scope');
    });

    it('does not pass through a list answer without data', async () => {
      reply = (_request, response) => json(response, 200, { records: [theirs] });
      const answer = await rest('GET', '/rest/companies');
      expect(answer.text).not.toContain('Out Of Scope');
    });

    it('does not pass through one record whose data is a list or missing', async () => {
      for (const body of [{ data: [theirs] }, { company: theirs }]) {
        reply = (_request, response) => json(response, 200, body);
        const answer = await rest('GET', `/rest/companies/${THEIRS}`);
        expect(answer.text).not.toContain('Out Of Scope');
      }
    });

    it('does not pass through one record answered with another status', async () => {
      for (const status of [203, 404, 500]) {
        reply = (_request, response) => json(response, status, { data: { company: theirs } });
        const answer = await rest('GET', `/rest/companies/${THEIRS}`);
        expect(answer.text).not.toContain('Out Of Scope');
      }
    });

    it('does not serve the record the host answers for the random id of a withheld one', async () => {
      reply = (_request, response) => json(response, 200, { data: { company: theirs } });
      const answer = await rest('GET', `/rest/companies/${THEIRS}`);
      expect(seen).toHaveLength(2);
      expect(answer.text).not.toContain('Out Of Scope');
    });

    it('does not serve keys the object does not have', async () => {
      member = '3d67332f-8f5e-47eb-839e-40c4068c9c65'; // analyst: all companies, no people
      reply = (_request, response) =>
        json(response, 200, {
          data: {
            companies: [
              {
                id: MINE,
                name: 'Mine Inc',
                primaryEmail: 'alice@private.test',
                personRecords: [{ emails: { primaryEmail: 'bob@private.test' } }],
              },
            ],
          },
        });
      const answer = await rest('GET', '/rest/companies');
      expect(answer.text).toContain('Mine Inc');
      expect(answer.text).not.toContain('private.test');
    });

    it('does not judge records of another object under a second data key as the route object', async () => {
      member = '3d67332f-8f5e-47eb-839e-40c4068c9c65'; // analyst: all companies, no people
      reply = (_request, response) =>
        json(response, 200, {
          data: {
            company: { id: MINE, name: 'Mine Inc' },
            people: [{ id: THEIRS, emails: { primaryEmail: 'bob@private.test' } }],
          },
        });
      const answer = await rest('GET', `/rest/companies/${MINE}`);
      expect(answer.text).toContain('Mine Inc');
      expect(answer.text).not.toContain('private.test');
    });

    it('refuses a REST update when the pre-read fails', async () => {
      member = JUNIOR;
      reply = (request, response) => {
        if (request.url === '/graphql') json(response, 500, { errors: [{ message: 'down' }] });
        else json(response, 200, { data: { updateCompany: own } });
      };
      const answer = await rest('PATCH', `/rest/companies/${MINE}`, { name: 'Renamed' });
      // Refused as a permission refusal, in Twenty 2.43's REST shape (src/gateway/rest/refusals.ts).
      expect(answer.status).toBe(400);
      expect(seen.filter((s) => s.url !== '/graphql')).toHaveLength(0);
    });
  });

  describe('identity lookups of odd shapes', () => {
    it('refuses a member id that is not a string or not in the policy', async () => {
      for (const odd of [42, undefined, null, { id: INTERN }, [INTERN], '']) {
        member = odd;
        const answer = await graphql(COMPANIES, `tok-${JSON.stringify(odd) ?? 'undefined'}`);
        expect(answer.status).toBe(403);
        expect(seen).toHaveLength(0);
      }
    });
  });
});

describe('the identity lookup against a misbehaving host', () => {
  const DIRECTOR = '1051a35b-c592-4b14-9b08-f8dd2053a69b';
  let host: Server;
  let elsewhere: Server;
  let gateway: Gateway;
  const asked: string[] = [];
  let redirect = false;
  let whoAmI: (response: ServerResponse) => void = (response) =>
    json(response, 200, { data: { currentUser: { workspaceMember: { id: INTERN } } } });

  beforeAll(async () => {
    elsewhere = createServer((request, response) => {
      void bodyOf(request).then(() => {
        asked.push(`elsewhere ${request.url ?? ''} ${request.headers.authorization ?? '-'}`);
        json(response, 200, { data: { currentUser: { workspaceMember: { id: DIRECTOR } } } });
      });
    });
    const elsewherePort = await listen(elsewhere);
    host = createServer((request, response) => {
      void bodyOf(request).then((body) => {
        asked.push(`host ${request.url ?? ''} ${body}`);
        if ((request.url ?? '').startsWith('/metadata')) {
          if (redirect) {
            response.writeHead(307, { location: `http://127.0.0.1:${elsewherePort}/who` });
            response.end();
          } else whoAmI(response);
          return;
        }
        json(response, 200, { data: { companies: { edges: [] } } });
      });
    });
    const port = await listen(host);
    gateway = await startGateway({
      upstream: `http://127.0.0.1:${port}`,
      policy: DEMO_POLICY,
      engine: compilePolicy(DEMO_POLICY),
      model: new GatewayModel(STANDARD_OBJECTS),
      identity: new IdentityResolver({
        lookup: httpIdentityLookup(`http://127.0.0.1:${port}`),
        apiKeys: {},
        ttlMs: 0,
      }),
      limits: DEFAULT_LIMITS,
    });
  });

  afterAll(async () => {
    await gateway.close();
    for (const server of [host, elsewhere]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  beforeEach(() => {
    asked.length = 0;
    redirect = false;
  });

  const companies = (token: string) =>
    fetchAnswer(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ companies { edges { node { id name } } } }' }),
    });

  it('refuses identities of odd shapes', async () => {
    const shapes: unknown[] = [
      { data: { currentUser: { workspaceMember: { id: 42 } } } },
      { data: { currentUser: { workspaceMember: { id: [INTERN] } } } },
      { data: { currentUser: { workspaceMember: [{ id: INTERN }] } } },
      { data: 'currentUser' },
      [{ data: { currentUser: { workspaceMember: { id: INTERN } } } }],
    ];
    for (const [index, shape] of shapes.entries()) {
      whoAmI = (response) => json(response, 200, shape);
      const answer = await companies(`odd-${index}`);
      expect(answer.status).toBe(401);
      expect(asked.filter((line) => line.startsWith('host /graphql'))).toHaveLength(0);
    }
  });

  it("does not take the caller's identity from where a redirect of the host points", async () => {
    redirect = true;
    const answer = await companies('redirected');
    // Served as the member the other server named (a director: the forwarded filter is empty).
    expect(answer.status).not.toBe(200);
    expect(asked.filter((line) => line.startsWith('elsewhere'))).toHaveLength(0);
  });
});
