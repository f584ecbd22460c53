import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../policy/schema.js';
import { MEMBER_ROLE_ID } from '../sandbox/seed-state.js';
import type { DeniedEvent } from './core/denial.js';
import {
  DEMO_POLICY,
  gatewayFixture,
  type GatewayFixture,
} from './testing/gateway.test-support.js';
import { openGateway, type OpenedGateway } from './http/open.js';
import { NOT_ENROLLED_REASON } from './core/step-up.js';
import { generateTotpSecret, totp } from './core/totp.js';

const COMPANIES = { query: '{ companies(first: 200) { edges { node { id name } } } }' };

const PAGE = `query Page($after: String) {
  companies(first: 10, after: $after) {
    edges { node { id name } }
    pageInfo { endCursor hasNextPage }
  }
}`;

interface Page {
  readonly edges: readonly { readonly node: { readonly id: string } }[];
  readonly pageInfo: { readonly endCursor: string | null; readonly hasNextPage: boolean };
}

function companyIds(data: Record<string, unknown> | null | undefined): string[] {
  const companies = data?.companies as { edges: { node: { id: string } }[] } | undefined;
  return (companies?.edges ?? []).map((edge) => edge.node.id).sort();
}

function allowedCompanies(fx: GatewayFixture, member: string): string[] {
  return fx
    .records('company')
    .filter(
      (record) =>
        fx.engine.decide({ member, object: 'company', action: 'read', record }).effect === 'allow',
    )
    .map((record) => record.id as string)
    .sort();
}

/** A request with a bearer token to any gateway (or host) address, with its JSON answer. */
async function post(
  url: string,
  token: string,
  body: unknown,
): Promise<{ status: number; text: string; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

function firstError(body: Record<string, unknown>): {
  message: string;
  extensions?: Record<string, unknown>;
} {
  const errors = body.errors as { message: string; extensions?: Record<string, unknown> }[];
  const first = errors[0];
  if (first === undefined) throw new Error(`no error in ${JSON.stringify(body)}`);
  return first;
}

/** The denial counter's value for a code, from the gateway's metrics page. */
async function deniedCount(gatewayUrl: string, code: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/tiergate/metrics`)).text();
  const line = text
    .split('\n')
    .find((candidate) => candidate.startsWith(`tiergate_gateway_denials_total{code="${code}"} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

/** Every member of the policy, as text that must not leak into an answer about someone else. */
function memberTraces(policy: Policy): string[] {
  return policy.org.members
    .flatMap((member) => [member.id, member.email ?? '', member.name ?? ''])
    .filter((text) => text !== '');
}

const SANNE = '0d03353e-9ae5-4f46-94bf-ee2590b191e7';

/** The demo policy without one member (an intern nobody reports to). */
const POLICY_WITHOUT_SANNE: Policy = {
  ...DEMO_POLICY,
  org: { ...DEMO_POLICY.org, members: DEMO_POLICY.org.members.filter((m) => m.id !== SANNE) },
};

describe('identity through the gateway', () => {
  let fx: GatewayFixture;
  let keyed: OpenedGateway;
  let mappedKeyId: string;
  let mappedToken: string;
  let unmappedKeyId: string;
  let unmappedToken: string;
  let keyMember: string;

  /** A new API key on the sandbox, through its metadata API, and its token. */
  async function createKey(name: string): Promise<{ id: string; token: string }> {
    const metadata = `${fx.host.url}/metadata`;
    const expiresAt = '2099-01-01T00:00:00.000Z';
    const created = await post(metadata, fx.sandbox.adminKey, {
      query: 'mutation Create($input: CreateApiKeyInput!) { createApiKey(input: $input) { id } }',
      variables: { input: { name, expiresAt, roleId: MEMBER_ROLE_ID } },
    });
    const id = (created.body.data as { createApiKey: { id: string } }).createApiKey.id;
    const generated = await post(metadata, fx.sandbox.adminKey, {
      query:
        'mutation Token($id: UUID!, $at: String!) { generateApiKeyToken(apiKeyId: $id, expiresAt: $at) { token } }',
      variables: { id, at: expiresAt },
    });
    const token = (generated.body.data as { generateApiKeyToken: { token: string } })
      .generateApiKeyToken.token;
    return { id, token };
  }

  beforeAll(async () => {
    fx = await gatewayFixture({ policy: POLICY_WITHOUT_SANNE });
    keyMember = fx.member('sales-rep', 'junior').id;
    ({ id: mappedKeyId, token: mappedToken } = await createKey('mapped'));
    ({ id: unmappedKeyId, token: unmappedToken } = await createKey('unmapped'));
    keyed = await openGateway({
      hostUrl: fx.host.url,
      apiKey: fx.sandbox.adminKey,
      policy: {
        ...POLICY_WITHOUT_SANNE,
        gateway: { apiKeys: { [mappedKeyId]: keyMember }, nativeObjects: [], limits: {} },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await keyed.close();
    await fx.close();
  });

  it('refuses a token the host rejects with 401, a reason to act on, and no member data', async () => {
    const answer = await fx.graphql('not-a-token-the-host-knows', COMPANIES);
    expect(answer.status).toBe(401);
    expect(answer.body.data).toBeUndefined();
    const error = answer.body.errors?.[0];
    expect(error?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error?.message).toContain('The host rejected this token');
    expect(error?.message).toContain('invalid token');
    for (const trace of memberTraces(fx.policy)) expect(answer.text).not.toContain(trace);
  });

  it('refuses a REST call with a rejected token with 401 in the REST error shape', async () => {
    const answer = await fx.rest('not-a-token-the-host-knows', 'GET', '/rest/companies');
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({
      statusCode: 401,
      error: 'UNAUTHENTICATED',
      messages: [expect.stringContaining('The host rejected this token') as unknown],
    });
  });

  it('refuses a request without a bearer token with 401 saying how to send one', async () => {
    const response = await fetch(`${fx.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(COMPANIES),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(401);
    expect(firstError(body).message).toContain('Authorization: Bearer');
  });

  it('refuses a workspace member who is not in the policy with 403 and no data', async () => {
    const answer = await fx.graphql(fx.tokenOf(SANNE), COMPANIES);
    expect(answer.status).toBe(403);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(answer.body.errors?.[0]?.message).toContain('not in the Tiergate policy');
    expect(fx.denials.some((d) => d.code === 'FORBIDDEN')).toBe(true);
  });

  it('lets an API key the policy maps act as that member, seeing exactly their scope', async () => {
    const through = await post(`${keyed.url}/graphql`, mappedToken, COMPANIES);
    expect(through.status).toBe(200);
    expect(through.body.errors).toBeUndefined();
    const ids = companyIds(through.body.data as Record<string, unknown>);
    const allowed = allowedCompanies(fx, keyMember);
    expect(allowed.length).toBeGreaterThan(0);
    expect(allowed.length).toBeLessThan(fx.records('company').length);
    expect(ids).toEqual(allowed);
    const asMember = await post(`${keyed.url}/graphql`, fx.tokenOf(keyMember), COMPANIES);
    expect(companyIds(asMember.body.data as Record<string, unknown>)).toEqual(ids);
  });

  it('refuses an API key the policy does not map with 403 naming gateway.apiKeys', async () => {
    const answer = await post(`${keyed.url}/graphql`, unmappedToken, COMPANIES);
    expect(answer.status).toBe(403);
    expect(answer.body.data).toBeUndefined();
    const error = firstError(answer.body);
    expect(error.extensions?.code).toBe('FORBIDDEN');
    expect(error.message).toContain(unmappedKeyId);
    expect(error.message).toContain('gateway.apiKeys');
    expect(answer.text).not.toContain(unmappedToken);
    for (const trace of memberTraces(fx.policy)) expect(answer.text).not.toContain(trace);
  });

  it('refuses every API key on a gateway whose policy maps none', async () => {
    const answer = await fx.graphql(mappedToken, COMPANIES);
    expect(answer.status).toBe(403);
    expect(answer.body.errors?.[0]?.message).toContain('gateway.apiKeys');
  });
});

describe('the export limit and step-up through the gateway', () => {
  const EXPORT_POLICY: Policy = {
    ...DEMO_POLICY,
    security: {
      ...DEMO_POLICY.security,
      stepUp: DEMO_POLICY.security?.stepUp ?? [],
      export: { maxRowsWithoutStepUp: 30 },
    },
  };
  const clock = { now: Date.now() };
  const secret = generateTotpSecret();
  let fx: GatewayFixture;
  let reader: string;
  let token: string;
  let cursor: string | null = null;
  /** What the REST test's refusals recorded, for the test after it. */
  let restRefusals: DeniedEvent[] = [];

  /** The next page of 10 companies for the reader. */
  async function readPage() {
    const answer = await fx.graphql(token, { query: PAGE, variables: { after: cursor } });
    if (answer.status === 200) {
      const page = answer.body.data?.companies as Page;
      cursor = page.pageInfo.endCursor;
    }
    return answer;
  }

  async function stepUp(code: string) {
    return post(`${fx.gateway.url}/tiergate/step-up`, token, { code });
  }

  /** A six-digit code that is none of the codes valid around now. */
  function wrongCode(): string {
    const valid = [-30_000, 0, 30_000].map((offset) => totp(secret, clock.now + offset));
    const wrong = ['000000', '111111', '222222', '333333'].find((code) => !valid.includes(code));
    if (wrong === undefined) throw new Error('no wrong code found');
    return wrong;
  }

  beforeAll(async () => {
    fx = await gatewayFixture({ policy: EXPORT_POLICY, now: () => clock.now });
    reader = fx.member('analyst', 'intermediate').id;
    token = fx.tokenOf(reader);
    fx.totp.enrol(reader, secret);
  }, 60_000);
  afterAll(async () => fx.close());

  it('serves pages until 30 records are read, then answers STEP_UP_REQUIRED', async () => {
    for (let page = 0; page < 3; page++) {
      const answer = await readPage();
      expect(answer.status).toBe(200);
      expect((answer.body.data?.companies as Page).edges).toHaveLength(10);
    }
    const refused = await readPage();
    expect(refused.status).toBe(403);
    expect(refused.body.data).toBeUndefined();
    const error = refused.body.errors?.[0];
    expect(error?.extensions?.code).toBe('STEP_UP_REQUIRED');
    expect(error?.extensions?.limit).toBe(30);
    expect(error?.extensions?.rowsInWindow).toBe(30);
    expect(error?.message).toContain('POST /tiergate/step-up');
  });

  it('refuses a wrong TOTP code with 401 and keeps reads refused', async () => {
    const answer = await stepUp(wrongCode());
    expect(answer.status).toBe(401);
    expect(firstError(answer.body).extensions?.code).toBe('STEP_UP_FAILED');
    expect(answer.text).not.toContain(secret);
    const read = await readPage();
    expect(read.status).toBe(403);
    expect(read.body.errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
  });

  it('accepts the current TOTP code with 200, elevating the member for 10 minutes', async () => {
    const answer = await stepUp(totp(secret, clock.now));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ elevatedUntil: new Date(clock.now + 600_000).toISOString() });
    // The step-up is reported for the record, under the member.
    expect(fx.stepUps.at(-1)?.elevatedUntil.getTime()).toBe(clock.now + 600_000);
    const read = await readPage();
    expect(read.status).toBe(200);
    expect((read.body.data?.companies as Page).edges).toHaveLength(10);
  });

  it('refuses the same code a second time', async () => {
    const answer = await stepUp(totp(secret, clock.now));
    expect(answer.status).toBe(401);
    expect(firstError(answer.body).message).toContain('already been used');
  });

  it('keeps reads working until the elevation ends at exactly 10 minutes', async () => {
    const elevatedAt = clock.now;
    clock.now = elevatedAt + 599_999;
    expect((await readPage()).status).toBe(200);
    clock.now = elevatedAt + 600_000;
    const refused = await readPage();
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
  });

  it('counts rows read over REST in the same window as GraphQL reads', async () => {
    const restReader = fx.member('support', 'intermediate').id;
    const restToken = fx.tokenOf(restReader);
    const recordedBefore = fx.denials.length;
    // 29 records and the totalCount beside them: 30 rows.
    const first = await fx.rest(restToken, 'GET', '/rest/companies?limit=29');
    expect(first.status).toBe(200);
    expect(first.body.data?.companies as unknown[]).toHaveLength(29);
    const again = await fx.rest(restToken, 'GET', '/rest/companies?limit=5');
    expect(again.status).toBe(403);
    expect(again.text).toContain('STEP_UP_REQUIRED');
    restRefusals = fx.denials.slice(recordedBefore);
    const viaGraphql = await fx.graphql(restToken, { query: PAGE, variables: { after: null } });
    expect(viaGraphql.status).toBe(403);
    expect(viaGraphql.body.errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
  });

  it('records a REST refusal with the member it refused, as it does for GraphQL', () => {
    expect(restRefusals.map((denial) => [denial.code, denial.member])).toContainEqual([
      'STEP_UP_REQUIRED',
      fx.member('support', 'intermediate').id,
    ]);
  });

  it('refuses records read through a mutation once the member needs a step-up', async () => {
    const director = fx.member('sales-manager', 'director').id;
    const directorToken = fx.tokenOf(director);
    const read = await fx.graphql(directorToken, {
      query: '{ companies(first: 30) { edges { node { id } } } }',
    });
    expect(read.status).toBe(200);
    expect(companyIds(read.body.data)).toHaveLength(30);
    const refused = await fx.graphql(directorToken, COMPANIES);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
    // A write that changes nothing answers with the records it matched: a read by another name.
    const ids = fx
      .records('company')
      .slice(30, 80)
      .map((record) => record.id as string);
    const viaMutation = await fx.graphql(directorToken, {
      query:
        'mutation Touch($ids: [UUID!]) { updateCompanies(filter: { id: { in: $ids } }, data: {}) { id name } }',
      variables: { ids },
    });
    expect(viaMutation.status).toBe(403);
    expect(viaMutation.body.errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
    const names = fx
      .records('company')
      .slice(30, 80)
      .map((record) => String(record.name));
    expect(names.filter((name) => viaMutation.text.includes(name))).toEqual([]);
  });

  it('refuses a step-up by a member with no TOTP enrolment with 403', async () => {
    const other = fx.member('support', 'intermediate').id;
    const answer = await post(`${fx.gateway.url}/tiergate/step-up`, fx.tokenOf(other), {
      code: totp(secret, clock.now),
    });
    expect(answer.status).toBe(403);
    expect(firstError(answer.body)).toEqual({
      message: NOT_ENROLLED_REASON,
      extensions: { code: 'STEP_UP_FAILED' },
    });
  });

  it('refuses a step-up with a token the host rejects with 401', async () => {
    const answer = await post(`${fx.gateway.url}/tiergate/step-up`, 'not-a-token-the-host-knows', {
      code: totp(secret, clock.now),
    });
    expect(answer.status).toBe(401);
    expect(firstError(answer.body).extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('counts every refusal by code in /tiergate/metrics and records it', async () => {
    const unauthenticatedBefore = await deniedCount(fx.gateway.url, 'UNAUTHENTICATED');
    const recordedBefore = fx.denials.length;
    const rejected = await fx.graphql('not-a-token-the-host-knows', COMPANIES);
    expect(rejected.status).toBe(401);
    expect(await deniedCount(fx.gateway.url, 'UNAUTHENTICATED')).toBe(unauthenticatedBefore + 1);
    expect(fx.denials.slice(recordedBefore)).toEqual([
      { member: undefined, code: 'UNAUTHENTICATED', message: expect.any(String) as unknown },
    ]);
    for (const code of ['STEP_UP_REQUIRED', 'STEP_UP_FAILED', 'UNAUTHENTICATED']) {
      const recorded = fx.denials.filter((denial) => denial.code === code).length;
      expect(recorded, code).toBeGreaterThan(0);
      expect(await deniedCount(fx.gateway.url, code), code).toBe(recorded);
    }
    const stepUpRequired = fx.denials.filter((denial) => denial.code === 'STEP_UP_REQUIRED');
    expect(stepUpRequired.some((denial) => denial.member === reader)).toBe(true);
  });
});

describe('limits through the gateway', () => {
  let fx: GatewayFixture;
  const DEEP = { query: '{ companies(first: 1) { edges { node { id } } } }' };

  beforeAll(async () => {
    fx = await gatewayFixture({
      policy: {
        ...DEMO_POLICY,
        gateway: { apiKeys: {}, nativeObjects: [], limits: { maxDepth: 3 } },
      },
      counts: { companies: 5, people: 5, opportunities: 5 },
    });
  }, 60_000);
  afterAll(async () => fx.close());

  it("refuses a query deeper than gateway.limits.maxDepth with graphql-armor's message", async () => {
    const member = fx.member('analyst', 'intermediate').id;
    const answer = await fx.graphql(fx.tokenOf(member), DEEP);
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toEqual([
      {
        message: 'Query depth limit of 3 exceeded, found 4.',
        extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxDepth' },
      },
    ]);
  });

  it('serves a query within the tuned depth', async () => {
    const member = fx.member('analyst', 'intermediate').id;
    const answer = await fx.graphql(fx.tokenOf(member), {
      query: '{ companies(first: 1) { totalCount } }',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  it('counts the limit refusal in /tiergate/metrics and records it for the member', async () => {
    const member = fx.member('support', 'intermediate').id;
    const before = await deniedCount(fx.gateway.url, 'LIMIT_EXCEEDED');
    await fx.graphql(fx.tokenOf(member), DEEP);
    expect(await deniedCount(fx.gateway.url, 'LIMIT_EXCEEDED')).toBe(before + 1);
    expect(fx.denials.filter((d) => d.code === 'LIMIT_EXCEEDED').at(-1)).toEqual({
      member,
      code: 'LIMIT_EXCEEDED',
      message: 'Query depth limit of 3 exceeded, found 4.',
      object: undefined,
    });
  });
});
