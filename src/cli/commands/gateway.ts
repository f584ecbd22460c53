/**
 * `tiergate gateway`: the enforcing reverse proxy in front of Twenty (src/gateway). Clients —
 * the Twenty web app and API integrations alike — talk to the gateway's URL instead of
 * Twenty's; GraphQL and REST are enforced for the member behind each token, the rest passes
 * through. Each refusal is counted (GET /tiergate/metrics) and journaled in the audit trail
 * (`tiergate audit log`), in small batches so a flood of refusals cannot stall the proxy.
 */
import type { JournalDraft } from '../../audit/journal.js';
import { Journal } from '../../audit/journal-store.js';
import { type DeniedEvent, openGateway, InMemoryTotpSecrets } from '../../gateway/index.js';
import { secretKey } from '../../sync/secret-box.js';
import type { Store } from '../../store/store.js';
import type { Command } from '../command.js';
import { HOST_TARGET_HELP, HOST_TARGET_OPTIONS, hostTarget } from '../host-target.js';
import { CliError, EXIT, readPolicy, type CliIo } from '../io.js';
import { bindOf, openMigratedStore, portOf } from './serve.js';

export const DEFAULT_GATEWAY_PORT = 3040;

/** Refusals and step-ups into the journal, a batch at a time; what cannot be written is said on stderr. */
/** Where the recorder writes: the journal (or, in a test, anything that takes drafts). */
export interface DraftSink {
  append(drafts: readonly JournalDraft[]): Promise<unknown>;
}

export class DenialRecorder {
  readonly #journal: DraftSink;
  readonly #io: Pick<CliIo, 'stderr'>;
  #queue: JournalDraft[] = [];
  #flushing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  /** Refusals beyond this many waiting are counted, not journaled one by one. */
  readonly #max: number;
  #dropped = 0;

  constructor(journal: DraftSink, io: Pick<CliIo, 'stderr'>, max = 10_000) {
    this.#max = max;
    this.#journal = journal;
    this.#io = io;
  }

  record(event: DeniedEvent): void {
    this.add({
      actor: event.member ?? 'anonymous',
      action: 'gateway.denied',
      target: event.object ?? 'request',
      reason: `${event.code}: ${event.message}`,
    });
  }

  /** A member proved a TOTP code: recorded beside the refusals. */
  stepUp(event: { member: string; elevatedUntil: Date }): void {
    this.add({
      actor: event.member,
      action: 'gateway.step-up',
      target: `member:${event.member}`,
      after: { elevatedUntil: event.elevatedUntil.toISOString() },
      reason: 'TOTP code confirmed; export limit lifted',
    });
  }

  add(draft: JournalDraft): void {
    if (this.#queue.length >= this.#max) {
      this.#dropped++;
      return;
    }
    this.#queue.push(draft);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, 200);
  }

  flush(): Promise<void> {
    const drafts = this.#queue;
    this.#queue = [];
    const dropped = this.#dropped;
    this.#dropped = 0;
    if (dropped > 0)
      drafts.push({
        actor: 'tiergate',
        action: 'gateway.denied.overflow',
        target: 'request',
        reason: `${dropped} more refusals arrived faster than the journal could take them`,
      });
    if (drafts.length === 0) return this.#flushing;
    this.#flushing = this.#flushing
      .then(() => this.#journal.append(drafts))
      .then(
        () => undefined,
        (error: unknown) => {
          this.#io.stderr.write(
            `could not journal ${drafts.length} refusals: ${(error as Error).message}\n`,
          );
        },
      );
    return this.#flushing;
  }

  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}

export const gatewayCommand: Command = {
  name: 'gateway',
  summary:
    'Run the enforcing proxy in front of Twenty: scopes, masks and field rules on every read and write.',
  usage: 'tiergate gateway [--policy FILE] [--host URL --api-key KEY] [--port N] [--bind ADDR]',
  help: `Listens on http://<bind>:<port> and proxies to the Twenty server:
  POST /graphql          enforced: the caller's scope ANDed into every filter, hidden fields
                         answered null, masked fields masked, filtering, sorting, grouping or
                         aggregating on unreadable fields refused, writes checked field by field
                         and record by record
  /rest/...              Twenty's REST API, enforced the same way
  POST /tiergate/step-up {"code": "123456"}: a TOTP code lifts the export limit for 10 minutes
  GET  /tiergate/healthz, GET /tiergate/metrics
  anything else          passed through unchanged (web app, metadata API, files, websockets),
                         except what would carry records past the policy: subscriptions,
                         /mcp and CSV export downloads are refused

Callers keep their own Twenty token: the gateway asks Twenty who it belongs to (cached for at
most a minute), judges the request for that member, and forwards it with the same token, so
Twenty's own permissions apply too. API keys act as the member gateway.apiKeys maps them to in
the policy, or are refused. Members outside the policy are refused everything, and so are
objects outside it, unless gateway.nativeObjects leaves them to Twenty (favorites, workspace
members: what Twenty's web app reads beside records).

The host is the installation's (read with the add-on's own key), else the sandbox's, unless
--host/--api-key say otherwise; the key reads the data model and the workspace members once at
start (restart after a policy or data-model change). Refusals are journaled in the store
($DATABASE_URL, else .tiergate/store).

Options:
  --policy FILE   the policy (default ./tiergate.policy.yaml)
${HOST_TARGET_HELP}
  --port N        port to listen on (default ${DEFAULT_GATEWAY_PORT}; 0 picks a free one)
  --bind ADDR     address to listen on (default 127.0.0.1)
  -h, --help      show this help

Page cursors are sealed under a key derived from $TIERGATE_SECRET_KEY (else .tiergate/secret.key):
give every replica the same key and cursors open on any of them.

Stops on Ctrl-C.`,
  options: {
    policy: { type: 'string' },
    ...HOST_TARGET_OPTIONS,
    port: { type: 'string' },
    bind: { type: 'string' },
  },
  async run(args, io) {
    if (args.positionals.length > 0)
      throw new CliError(`usage: gateway takes no arguments, not "${args.positionals[0] ?? ''}"`);
    const port = portOf(args.values.port, DEFAULT_GATEWAY_PORT);
    const bind = bindOf(args.values.bind);
    const file =
      typeof args.values.policy === 'string' ? args.values.policy : 'tiergate.policy.yaml';
    const policy = await readPolicy(io, file);
    const target = await hostTarget(args, io, { addonKey: true });
    const store: Store = await openMigratedStore(io);
    const journal = await Journal.open(store, { cwd: io.cwd });
    const recorder = new DenialRecorder(journal, io);
    let gateway;
    try {
      gateway = await openGateway({
        hostUrl: target.url,
        apiKey: target.apiKey,
        ...(target.rateLimit ? { rateLimit: target.rateLimit } : {}),
        policy,
        port,
        bind,
        // Enrolment arrives with the admin panel; until then nobody is enrolled.
        totpSecrets: new InMemoryTotpSecrets(),
        onDenied: (event) => recorder.record(event),
        onStepUp: (event) => recorder.stepUp(event),
        log: (line) => io.stderr.write(`${line}\n`),
        secretKey: await secretKey(io.env, io.cwd),
      });
    } catch (error) {
      await store.close();
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(
        code === 'EADDRINUSE'
          ? `port ${port} is in use; pick another with --port`
          : `cannot start the gateway: ${(error as Error).message}`,
        EXIT.failed,
      );
    }
    for (const problem of gateway.problems) io.stderr.write(`org: ${problem}\n`);
    io.stderr.write(
      `Tiergate gateway on ${gateway.url} in front of ${target.url}\n` +
        `  point Twenty's clients at ${gateway.url} (GraphQL: ${gateway.url}/graphql, REST: ${gateway.url}/rest/)\n` +
        'Press Ctrl-C to stop.\n',
    );
    await new Promise<void>((resolve) => {
      if (io.signal?.aborted) resolve();
      io.signal?.addEventListener('abort', () => resolve(), { once: true });
      gateway.server.once('close', () => resolve());
    });
    await gateway.close();
    await recorder.close();
    await store.close();
    io.stderr.write('Tiergate gateway stopped.\n');
    return EXIT.ok;
  },
};
