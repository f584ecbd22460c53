import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

interface Connection {
  url: string;
  adminKey: string;
  members: { id: string; token: string }[];
}

/** Runs `tiergate sandbox …` in-process until `stop` is called. */
function runSandbox(args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'tiergate-sandbox-cli-'));
  const stop = new AbortController();
  let out = '';
  let err = '';
  let announced: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    announced = resolve;
  });
  const done = main(['sandbox', '--port', '0', ...args], {
    stdout: {
      write: (text: string) => {
        out += text;
        if (out.includes('Press Ctrl-C to stop.')) announced();
      },
    },
    stderr: { write: (text: string) => (err += text) },
    cwd,
    env: {},
    signal: stop.signal,
  });
  return { cwd, ready, done, stop: () => stop.abort(), output: () => ({ out, err }) };
}

async function query(url: string, token: string, source: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: source }),
  });
  return response.json();
}

describe('tiergate sandbox', () => {
  it('serves a seeded workspace and writes how to act as each member, readable by its owner only', async () => {
    const run = runSandbox(['--api-key', 'admin-key-for-test']);
    await run.ready;
    const path = join(run.cwd, '.tiergate', 'sandbox.json');
    const connection = JSON.parse(readFileSync(path, 'utf8')) as Connection;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(connection.adminKey).toBe('admin-key-for-test');
    // The admin member's password sign-in, for tiergate login.
    const login = connection as { adminEmail?: unknown; adminPassword?: unknown };
    expect(String(login.adminEmail)).toMatch(/@acme\.test$/);
    expect(typeof login.adminPassword).toBe('string');
    expect(connection.members).toHaveLength(60);
    const member = connection.members[1]?.token ?? '';
    await expect(
      query(`${connection.url}/graphql`, member, '{ opportunities { totalCount } }'),
    ).resolves.toEqual({
      data: { opportunities: { totalCount: 3000 } },
    });
    expect(run.output().out).toMatch(/admin API key: {2}admin-key-for-test/);
    run.stop();
    await expect(run.done).resolves.toBe(0);
    expect(run.output().out).toMatch(/Sandbox stopped\.\n$/);
  }, 30_000);

  it('installs Tiergate and applies a policy with --apply, and shows what members of different tiers now see', async () => {
    const policy = new URL('../../examples/demo/tiergate.policy.yaml', import.meta.url).pathname;
    const run = runSandbox(['--rls', 'on', '--apply', policy]);
    await run.ready;
    const { out } = run.output();
    expect(out).toMatch(/Installed Tiergate: 22 items created/);
    // Members are moved with the seeded admin's own session, signed in by the command itself;
    // that admin's own role is reported, never moved (Twenty forbids it).
    expect(out).toMatch(/Signed in as the sandbox's admin \S+@acme\.test \(tiergate login\)/);
    expect(out).toMatch(/Not moved: .*\(this is the signed-in admin/);
    expect(existsSync(join(run.cwd, '.tiergate', 'admin-session.json'))).toBe(true);
    expect(out).toMatch(
      /Applied the policy: 12 Twenty roles, tiergateViewers on \d+ records, \d+ host calls; \d+ rules are left to the gateway\./,
    );
    expect(out).toMatch(/sales-rep · intern\s+\d+\s+\d+\s+hidden/);
    expect(out).toMatch(/sales-manager · director\s+2000\s+3000\s+readable/);
    // A junior rep reads the team's companies, natively: some, not all, and not none.
    const junior = /sales-rep · junior\s+(\d+)\s+\d+\s+readable/.exec(out);
    expect(Number(junior?.[1])).toBeGreaterThan(0);
    expect(Number(junior?.[1])).toBeLessThan(2000);
    expect(out).toMatch(
      /Tiergate add-on on http:\/\/127\.0\.0\.1:\d+: changes made in the sandbox/,
    );

    // The add-on's metrics: deliveries it accepted, and what its inbox still has to do.
    const addonUrl = /Tiergate add-on on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
    const metric = async (pattern: RegExp): Promise<number> => {
      const metrics = await (await fetch(`${addonUrl}/metrics`)).text();
      // A counter with labels is absent until it first counts.
      return Number(pattern.exec(metrics)?.[1] ?? '0');
    };
    const accepted = () => metric(/tiergate_webhooks_received_total\{outcome="accepted"\} (\d+)/);
    const drained = async (): Promise<boolean> =>
      (await metric(/tiergate_webhook_inbox_events\{status="pending"\} (\d+)/)) === 0 &&
      (await metric(/tiergate_webhook_inbox_events\{status="processing"\} (\d+)/)) === 0;
    // The apply's own writes are delivered first. Twenty sends no event for an update that
    // changes nothing, so they may be few: wait for the rename's own delivery below.
    for (let i = 0; i < 50 && !(await drained()); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const acceptedBefore = await accepted();

    // A member renames one of its own companies through its own token: the add-on beside the
    // sandbox receives the webhook, and the change is in the journal under that member.
    const connection = JSON.parse(
      readFileSync(join(run.cwd, '.tiergate', 'sandbox.json'), 'utf8'),
    ) as Connection;
    let changed: { member: string; company: string } | undefined;
    for (const member of connection.members) {
      const found = (await query(
        `${connection.url}/graphql`,
        member.token,
        `{ companies(first: 1, filter: { accountOwnerId: { eq: "${member.id}" } }) { edges { node { id } } } }`,
      )) as { data?: { companies: { edges: { node: { id: string } }[] } } };
      const company = found.data?.companies.edges[0]?.node.id;
      if (company === undefined) continue;
      const renamed = (await query(
        `${connection.url}/graphql`,
        member.token,
        `mutation { updateCompany(id: "${company}", data: { name: "Renamed in the demo" }) { id } }`,
      )) as { errors?: unknown };
      if (renamed.errors === undefined) {
        changed = { member: member.id, company };
        break;
      }
    }
    expect(changed).toBeDefined();

    // The gateway stands in front of the sandbox: the junior rep's own request through it
    // shows phone numbers masked, as the line printed says.
    const gatewayUrl = /Tiergate gateway on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? '';
    const example =
      /curl -s (\S+)\/graphql -H 'authorization: Bearer (\S+)'.*-d '(\{.*people.*\})'/.exec(out);
    expect(example?.[1]).toBe(gatewayUrl);
    const viaGateway = (await query(
      `${gatewayUrl}/graphql`,
      example?.[2] ?? '',
      (JSON.parse(example?.[3] ?? '{}') as { query: string }).query,
    )) as { data?: { people: { edges: { node: { phones: { primaryPhoneNumber: string } } }[] } } };
    const phones = viaGateway.data?.people.edges.map((e) => e.node.phones.primaryPhoneNumber) ?? [];
    expect(phones.length).toBeGreaterThan(0);
    for (const phone of phones) expect(phone).toMatch(/^••••\d{0,4}$/);
    // Processed once the add-on has accepted the rename's delivery and its inbox is drained.
    const settled = async (): Promise<boolean> =>
      (await accepted()) > acceptedBefore && (await drained());
    for (let i = 0; i < 300 && !(await settled()); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    run.stop();
    await expect(run.done).resolves.toBe(0);
    const log: string[] = [];
    await main(['audit', 'log', '--json', '--limit', '50'], {
      stdout: { write: (text: string) => log.push(text) },
      stderr: { write: () => undefined },
      cwd: run.cwd,
      env: {},
    });
    const entries = JSON.parse(log.join('')) as { actor: string; action: string; target: string }[];
    expect(entries).toContainEqual(
      expect.objectContaining({
        actor: changed?.member,
        action: 'record.updated',
        target: `company/${changed?.company ?? ''}`,
      }),
    );
  }, 150_000);

  it('starts an empty workspace with --seed none', async () => {
    const run = runSandbox(['--seed', 'none']);
    await run.ready;
    const connection = JSON.parse(
      readFileSync(join(run.cwd, '.tiergate', 'sandbox.json'), 'utf8'),
    ) as Connection;
    expect(connection.members).toEqual([]);
    await expect(
      query(`${connection.url}/graphql`, connection.adminKey, '{ companies { totalCount } }'),
    ).resolves.toEqual({
      data: { companies: { totalCount: 0 } },
    });
    run.stop();
    await run.done;
  });

  it('refuses options it cannot use, saying how to fix them', async () => {
    for (const [args, message] of [
      [['--rls', 'maybe'], /--rls takes on or off, not "maybe"/],
      [['--seed', 'lots'], /--seed takes default or none/],
      [['--port', '99999'], /--port takes a port number from 0 to 65535/],
      [['--api-key', 'short'], /--api-key needs at least 8 characters/],
    ] as const) {
      const run = runSandbox([...args]);
      await expect(run.done).resolves.toBe(64);
      expect(run.output().err).toMatch(message);
    }
  });
});
