/**
 * `npm run bench -- gateway`: what the enforcing gateway costs on a list read. A sandbox seeded
 * with 2,000 people, and the gateway in front of it with the demo policy; one member, a
 * sales-rep at tier junior (team scope on person, `phones` masked last4), reads a page of 60
 * people with their company, by her own token, over and over:
 * - directly from the sandbox (people of every team: 60 records);
 * - through the gateway (the team's people only, phones masked: 1-60 records);
 * - directly from the sandbox again, with the very request the gateway forwards (the team
 *   filter and the `_tg_` decision fields added): the host's share of the gateway's path, so
 *   that what remains is the gateway's own cost.
 * The sandbox and the gateway each run in a worker thread of their own (as Twenty and the
 * gateway are separate processes), autocannon in the main thread. The targets are loaded
 * with the same connections and duration, after a warm-up, in alternating rounds; each side's
 * figures are those of its median round by throughput. Then one round each on a single
 * connection, where the latency added is the gateway's own work rather than queueing.
 * p50/p99 are printed twice: from each response's own time (0.01 ms), and from autocannon's
 * latency histogram, which keeps whole milliseconds.
 *
 * Goal (printed, never asserted): gateway throughput at least 0.7x direct, and at most 2 ms
 * added at p50. Exits 1 only when an answer is wrong: GraphQL errors, a status other than 200,
 * or a record count out of range.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import os from 'node:os';
import autocannon from 'autocannon';
import { serveIfWorker } from './worker-role.js';
import { parse, print } from 'graphql';
import { prepareOperation } from '../src/gateway/graphql/prepare.js';
import { GatewayModel } from '../src/gateway/core/model.js';
import { openGateway } from '../src/gateway/index.js';
import { connectHost } from '../src/host/host.js';
import { compilePolicy } from '../src/policy/engine.js';
import { loadPolicy } from '../src/policy/load.js';
import type { Policy } from '../src/policy/schema.js';
import { createSandbox } from '../src/sandbox/sandbox.js';
import { startSandboxServer } from '../src/sandbox/server.js';

const PEOPLE = 2000;
const PAGE = 60;
const CONNECTIONS = 10;
const WARMUP_SECONDS = 1;
const SECONDS = 5;
const ROUNDS = 3;
/** Then one round each on a single connection: the latency added without queueing. */
const SINGLE_SECONDS = 3;
const ADMIN_KEY = 'tiergate-gateway-bench-admin';
const ROLE = 'tiergate-gateway-bench-server';
const MEMBER_ROLE = 'sales-rep';
const MEMBER_TIER = 'junior';
const GOAL_THROUGHPUT_RATIO = 0.7;
const GOAL_ADDED_P50_MS = 2;

const QUERY = `query People($first: Int) {
  people(first: $first) {
    edges {
      node {
        id
        name { firstName lastName }
        emails { primaryEmail }
        phones { primaryPhoneNumber }
        jobTitle
        city
        company { id name }
      }
    }
    totalCount
  }
}`;
const OPERATION = 'People';
const BODY = JSON.stringify({ query: QUERY, variables: { first: PAGE }, operationName: OPERATION });

function demoPolicy(): Policy {
  return loadPolicy(
    readFileSync(
      fileURLToPath(new URL('../../examples/demo/tiergate.policy.yaml', import.meta.url)),
      'utf8',
    ),
  );
}

// ---- the servers, each in a worker thread -----------------------------------------------------

type Target =
  | { readonly kind: 'sandbox'; readonly memberId: string }
  | { readonly kind: 'gateway'; readonly hostUrl: string };

interface WorkerInput {
  readonly role: typeof ROLE;
  readonly target: Target;
}

type WorkerMessage =
  | {
      readonly type: 'listening';
      readonly url: string;
      /** The sandbox: the member's own token. The gateway: unused. */
      readonly token: string;
      /** The gateway: members its org resolution left out. */
      readonly problems: readonly string[];
    }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly error: string };

/**
 * The body the gateway forwards to the host for the benchmark's query: prepared by the
 * gateway's own code (src/gateway/graphql/prepare.ts) for the member, over the host's data
 * model, as the gateway prepares it. Sent directly, it loads the host with exactly its share
 * of the gateway's work.
 */
async function forwardedBody(sandboxUrl: string, memberId: string): Promise<string> {
  const host = connectHost({ baseUrl: sandboxUrl, token: ADMIN_KEY });
  const model = new GatewayModel((await host.dataModel.get()).objects);
  const policy = demoPolicy();
  const prepared = prepareOperation(
    parse(QUERY),
    OPERATION,
    { first: PAGE },
    { judge: compilePolicy(policy).for(memberId), policy, member: memberId },
    model,
  );
  return JSON.stringify({
    query: print(prepared.document),
    variables: prepared.variables,
    operationName: prepared.operation.name?.value,
  });
}

async function serveInWorker(target: Target): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('the gateway bench servers must run in worker threads');
  const post = (message: WorkerMessage): void => port.postMessage(message);
  let close: () => Promise<void>;
  if (target.kind === 'sandbox') {
    const sandbox = await createSandbox({
      rls: false,
      seed: 'default',
      seedCounts: { people: PEOPLE },
      adminKey: ADMIN_KEY,
    });
    const token = sandbox.state().members.find((m) => m.id === target.memberId)?.token;
    if (token === undefined) throw new Error(`no sandbox member ${target.memberId}`);
    const running = await startSandboxServer(sandbox.serverOptions);
    running.server.keepAliveTimeout = 60_000;
    close = async () => {
      running.server.closeAllConnections();
      await running.close();
    };
    post({ type: 'listening', url: running.url, token, problems: [] });
  } else {
    const gateway = await openGateway({
      hostUrl: target.hostUrl,
      apiKey: ADMIN_KEY,
      policy: demoPolicy(),
    });
    gateway.server.keepAliveTimeout = 60_000;
    close = () => gateway.close();
    post({ type: 'listening', url: gateway.url, token: '', problems: gateway.problems });
  }
  port.once('message', () => {
    void close().then(
      () => post({ type: 'stopped' }),
      (error: unknown) => post({ type: 'failed', error: String(error) }),
    );
  });
}

serveIfWorker(ROLE, serveInWorker);

// ---- the load, in the main thread -------------------------------------------------------------

interface RunningWorker {
  readonly url: string;
  readonly token: string;
  readonly problems: readonly string[];
  stop(): Promise<void>;
}

function startWorker(target: Target): Promise<RunningWorker> {
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { role: ROLE, target } satisfies WorkerInput,
  });
  let stopped: ((last: WorkerMessage) => void) | undefined;
  return new Promise((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      if (stopped && (message.type === 'stopped' || message.type === 'failed')) stopped(message);
      else if (message.type === 'failed') {
        void worker.terminate();
        reject(new Error(`${target.kind} server: ${message.error}`));
      } else if (message.type === 'listening')
        resolve({
          url: message.url,
          token: message.token,
          problems: message.problems,
          stop: () =>
            new Promise((done, fail) => {
              stopped = (last) => {
                void worker.terminate();
                if (last.type === 'stopped') done();
                else fail(new Error(`${target.kind} server: ${JSON.stringify(last)}`));
              };
              worker.postMessage('stop');
            }),
        });
    });
    worker.once('error', reject);
  });
}

interface PersonNode {
  readonly id?: unknown;
  readonly phones?: { readonly primaryPhoneNumber?: unknown } | null;
}

interface PeopleAnswer {
  readonly data?: {
    readonly people?: {
      readonly edges?: readonly { readonly node?: PersonNode }[];
      readonly totalCount?: unknown;
    } | null;
  } | null;
  readonly errors?: readonly { readonly message?: unknown }[];
}

interface Checked {
  readonly records: number;
  readonly totalCount: number | undefined;
  readonly bytes: number;
  /** Phone numbers as answered, by record id (to compare the gateway's with the host's). */
  readonly phones: ReadonlyMap<string, string>;
  /** Why the answer is wrong, if it is. */
  readonly problem: string | undefined;
}

/** One request, outside the load, checked: no errors, status 200, records within `range`. */
async function probe(
  url: string,
  token: string,
  body: string,
  range: readonly [number, number],
): Promise<Checked> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await response.text();
  let answer: PeopleAnswer = {};
  try {
    answer = JSON.parse(text) as PeopleAnswer;
  } catch {
    // reported below as a missing page
  }
  const edges = answer.data?.people?.edges ?? [];
  const phones = new Map<string, string>();
  for (const edge of edges) {
    const id = edge.node?.id;
    const phone = edge.node?.phones?.primaryPhoneNumber;
    if (typeof id === 'string' && typeof phone === 'string') phones.set(id, phone);
  }
  const total = answer.data?.people?.totalCount;
  const [low, high] = range;
  const problem =
    response.status !== 200
      ? `status ${response.status}: ${text.slice(0, 300)}`
      : (answer.errors?.length ?? 0) > 0
        ? `errors: ${JSON.stringify(answer.errors).slice(0, 300)}`
        : answer.data?.people?.edges === undefined
          ? `no people page: ${text.slice(0, 300)}`
          : edges.length < low || edges.length > high
            ? `${edges.length} records, expected ${low === high ? low : `${low}-${high}`}`
            : undefined;
  return {
    records: edges.length,
    totalCount: typeof total === 'number' ? total : undefined,
    bytes: Buffer.byteLength(text),
    phones,
    problem,
  };
}

interface LoadTarget {
  readonly label: string;
  readonly url: string;
  readonly body: string;
}

interface Round {
  readonly perSecond: number;
  /** autocannon's latency histogram (1 ms resolution). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The same percentiles from each response's own time (0.01 ms resolution). */
  readonly exactP50Ms: number;
  readonly exactP99Ms: number;
  /** Answers other than 200, or 200 with GraphQL errors, and connection errors/timeouts. */
  readonly wrong: number;
  readonly requests: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

async function load(
  target: LoadTarget,
  token: string,
  seconds: number,
  connections = CONNECTIONS,
): Promise<Round> {
  let wrongBodies = 0;
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${target.url}/graphql`,
        connections,
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: target.body,
        requests: [
          {
            onResponse: (status: number, body: string) => {
              if (status !== 200 || body.includes('"errors"')) wrongBodies++;
            },
          },
        ],
      },
      (error: Error | null, done: autocannon.Result) => {
        if (error) reject(error);
        else resolve(done);
      },
    );
    instance.on('response', (_client, status: number, _bytes: number, time: number) => {
      if (status >= 200 && status < 300) times.push(time);
    });
  });
  times.sort((a, b) => a - b);
  return {
    perSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    exactP50Ms: percentile(times, 50),
    exactP99Ms: percentile(times, 99),
    wrong: wrongBodies + result.non2xx + result.errors + result.timeouts,
    requests: result['2xx'] + result.non2xx,
  };
}

/** The round with the median throughput. */
function median(rounds: readonly Round[]): Round {
  const sorted = [...rounds].sort((a, b) => a.perSecond - b.perSecond);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new Error('no rounds');
  return middle;
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;
const signedMs = (value: number): string => `${value < 0 ? '-' : '+'}${ms(Math.abs(value))}`;

function ratioRow(label: string, direct: Round, through: Round): string[] {
  return [
    label,
    `${(through.perSecond / direct.perSecond).toFixed(2)}x`,
    signedMs(through.exactP50Ms - direct.exactP50Ms),
    signedMs(through.exactP99Ms - direct.exactP99Ms),
    signedMs(through.p50Ms - direct.p50Ms).replace('.00', ''),
    signedMs(through.p99Ms - direct.p99Ms).replace('.00', ''),
  ];
}

function table(rows: readonly (readonly string[])[]): string {
  const columns = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) =>
    Math.max(...rows.map((r) => (r[i] ?? '').length)),
  );
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function figuresRow(label: string, figures: Round, answer?: Checked): string[] {
  return [
    label,
    Math.round(figures.perSecond).toLocaleString('en'),
    ms(figures.exactP50Ms),
    ms(figures.exactP99Ms),
    `${figures.p50Ms} ms`,
    `${figures.p99Ms} ms`,
    ...(answer
      ? [`${answer.records} of ${answer.totalCount ?? '?'}`, answer.bytes.toLocaleString('en')]
      : []),
  ];
}

export async function runGatewayBench(): Promise<number> {
  const policy = demoPolicy();
  const member = policy.org.members.find((m) => m.role === MEMBER_ROLE && m.tier === MEMBER_TIER);
  if (member === undefined) {
    console.log(`FAILED: no ${MEMBER_ROLE} at ${MEMBER_TIER} in the demo policy`);
    return 1;
  }
  const sandbox = await startWorker({ kind: 'sandbox', memberId: member.id });
  let gateway: RunningWorker | undefined;
  try {
    gateway = await startWorker({ kind: 'gateway', hostUrl: sandbox.url });
    const token = sandbox.token;
    const failures: string[] = gateway.problems.map((p) => `gateway org resolution: ${p}`);
    const direct: LoadTarget = { label: 'direct to the sandbox', url: sandbox.url, body: BODY };
    const through: LoadTarget = { label: 'through the gateway', url: gateway.url, body: BODY };

    const check = async (when: string): Promise<[Checked, Checked]> => {
      const straight = await probe(direct.url, token, direct.body, [PAGE, PAGE]);
      const gated = await probe(through.url, token, through.body, [1, PAGE]);
      if (straight.problem) failures.push(`direct, ${when}: ${straight.problem}`);
      if (gated.problem) failures.push(`gateway, ${when}: ${gated.problem}`);
      // The mask must hold: no phone number answered in full through the gateway.
      for (const [id, phone] of gated.phones) {
        const full = straight.phones.get(id);
        if (full !== undefined && full.length > 4 && phone === full)
          failures.push(`gateway, ${when}: person ${id}'s phone ${phone} is not masked`);
      }
      return [straight, gated];
    };
    const [directAnswer, gatewayAnswer] = await check('before the load');
    // The host's share of the gateway's work: the gateway's own forwarded request, sent directly.
    const hostShare: LoadTarget = {
      label: "direct, the gateway's forwarded query",
      url: sandbox.url,
      body: await forwardedBody(sandbox.url, member.id),
    };
    const hostShareAnswer = await probe(hostShare.url, token, hostShare.body, [1, PAGE]);
    if (hostShareAnswer.problem)
      failures.push(`direct with the forwarded query: ${hostShareAnswer.problem}`);

    const targets = [direct, hostShare, through];
    const rounds = new Map<LoadTarget, Round[]>(targets.map((t) => [t, []]));
    const singles = new Map<LoadTarget, Round>();
    if (failures.length === 0) {
      for (const target of targets) await load(target, token, WARMUP_SECONDS);
      for (let round = 0; round < ROUNDS; round++)
        for (const target of targets) rounds.get(target)?.push(await load(target, token, SECONDS));
      for (const target of targets)
        singles.set(target, await load(target, token, SINGLE_SECONDS, 1));
      await check('after the load');
    }
    for (const target of targets) {
      const all = [...(rounds.get(target) ?? []), ...[singles.get(target) ?? []].flat()];
      const wrong = all.reduce((sum, r) => sum + r.wrong, 0);
      if (wrong > 0)
        failures.push(
          `${target.label}: ${wrong} answers under load with a status other than 200, or errors`,
        );
    }

    console.log(
      `tiergate gateway benchmark — node ${process.version}, ${os.cpus().length} CPUs, ` +
        `${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s each after ` +
        `${WARMUP_SECONDS} s warm-up, median round by throughput; then ${SINGLE_SECONDS} s each on 1 connection\n` +
        `sandbox with ${PEOPLE} people; ${member.role} at ${member.tier} (${member.name ?? member.id}), ` +
        `a page of ${PAGE} people with company, phones masked last4 through the gateway`,
    );
    const medianOf = (target: LoadTarget): Round | undefined => {
      const list = rounds.get(target) ?? [];
      return list.length === 0 ? undefined : median(list);
    };
    const directFigures = medianOf(direct);
    const gatewayFigures = medianOf(through);
    const shareFigures = medianOf(hostShare);
    if (directFigures === undefined || gatewayFigures === undefined) {
      for (const failure of failures) console.log(`FAILED: ${failure}`);
      return 1;
    }
    const rows: string[][] = [
      [
        '',
        'requests/s',
        'p50',
        'p99',
        'p50 (ac)',
        'p99 (ac)',
        'records',
        'bytes',
        'rounds (req/s)',
      ],
    ];
    const answers = new Map<LoadTarget, Checked | undefined>([
      [direct, directAnswer],
      [through, gatewayAnswer],
      [hostShare, hostShareAnswer] as const,
    ]);
    for (const target of targets) {
      const figures = medianOf(target);
      if (figures === undefined) continue;
      rows.push([
        ...figuresRow(target.label, figures, answers.get(target)),
        (rounds.get(target) ?? [])
          .map((r) => Math.round(r.perSecond).toLocaleString('en'))
          .join(' / '),
      ]);
    }
    rows.push(ratioRow('gateway / direct', directFigures, gatewayFigures));
    if (shareFigures)
      rows.push(ratioRow('gateway / forwarded query direct', shareFigures, gatewayFigures));
    const singleDirect = singles.get(direct);
    const singleGateway = singles.get(through);
    const singleShare = singles.get(hostShare);
    if (singleDirect && singleGateway) {
      rows.push([]);
      for (const target of targets) {
        const figures = singles.get(target);
        if (figures) rows.push(figuresRow(`${target.label}, 1 connection`, figures));
      }
      rows.push(ratioRow('gateway / direct, 1 connection', singleDirect, singleGateway));
      if (singleShare)
        rows.push(
          ratioRow('gateway / forwarded query direct, 1 conn.', singleShare, singleGateway),
        );
    }
    console.log(table(rows));
    console.log(
      'p50/p99: from each response time (0.01 ms); (ac): autocannon latency histogram (1 ms resolution)',
    );
    const ratio = gatewayFigures.perSecond / directFigures.perSecond;
    const addedP50 = gatewayFigures.exactP50Ms - directFigures.exactP50Ms;
    const throughputMet = ratio >= GOAL_THROUGHPUT_RATIO;
    const latencyMet = addedP50 <= GOAL_ADDED_P50_MS;
    console.log(
      `goal (gateway vs direct, ${CONNECTIONS} connections): throughput at least ${GOAL_THROUGHPUT_RATIO}x direct — ` +
        `${ratio.toFixed(2)}x ${throughputMet ? 'met' : 'NOT met'}; at most ${GOAL_ADDED_P50_MS} ms added at p50 — ` +
        `${signedMs(addedP50)} ${latencyMet ? 'met' : 'NOT met'}`,
    );
    for (const failure of failures) console.log(`FAILED: ${failure}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await gateway?.stop();
    await sandbox.stop();
  }
}
