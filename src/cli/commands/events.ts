/**
 * `tiergate events list | show | requeue`: the webhook inbox for an operator. An event the
 * workers could not process after every attempt is parked `dead` (and `serve` raised an ALERT);
 * its change is not in the journal until it is requeued and processed.
 *
 * `show --body` prints the stored body only with the fields the policy restricts (hidden,
 * masked or capped by a `when` rule for some role) replaced, because the body is the whole
 * record as Twenty sent it; with no policy to say which fields those are, or a body that is not
 * a readable event, it prints nothing rather than risk a hidden value (fail closed).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sensitiveFields, type SensitiveFields } from '../../events/watchdog.js';
import type { Policy } from '../../policy/schema.js';
import { countEventsByStatus, INBOX_STATUSES, type InboxStatus } from '../../store/inbox.js';
import {
  eventBody,
  eventSummary,
  listEvents,
  requeueDead,
  type InboxEventSummary,
} from '../../store/inbox-admin.js';
import type { Store } from '../../store/store.js';
import { onePositional, type Command, type ParsedArgs } from '../command.js';
import { CliError, EXIT, readPolicy, writeJson, type CliIo } from '../io.js';
import { plural, renderTable } from '../table.js';
import { openMigratedStore } from './serve.js';

export const DEFAULT_EVENTS_LIMIT = 50;
const DEFAULT_POLICY_FILE = 'tiergate.policy.yaml';
/** What stands for a restricted field's value in a shown body. */
export const HIDDEN_VALUE = '[hidden: the policy restricts this field]';

export interface EventsCommandDeps {
  /** Opens and migrates the store; the command closes it when done. */
  readonly openStore: (io: CliIo) => Promise<Store>;
  readonly now?: () => Date;
}

const defaultDeps: EventsCommandDeps = { openStore: openMigratedStore };

const count = (n: number): string => n.toLocaleString('en-US');

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

function positiveInteger(text: string, what: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    throw new CliError(`usage: ${what} must be a positive whole number, not "${text}"`);
  return value;
}

function statusOf(args: ParsedArgs): InboxStatus {
  const text = stringOption(args, 'status') ?? 'dead';
  const status = INBOX_STATUSES.find((s) => s === text);
  if (status === undefined)
    throw new CliError(`usage: --status takes ${INBOX_STATUSES.join(', ')}, not "${text}"`);
  return status;
}

/** The single positional after the subcommand: an event id. */
function eventIdOf(args: ParsedArgs): number {
  const [, id, extra] = args.positionals;
  if (id === undefined) throw new CliError('usage: give the event id (from tiergate events list)');
  if (extra !== undefined) throw new CliError(`usage: unexpected argument "${extra}"`);
  return positiveInteger(id, 'the event id');
}

async function withStore<T>(
  deps: EventsCommandDeps,
  io: CliIo,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await deps.openStore(io);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const shortError = (error: string | null): string =>
  error === null ? '' : error.length > 100 ? `${error.slice(0, 99)}…` : error;

async function list(args: ParsedArgs, io: CliIo, deps: EventsCommandDeps): Promise<number> {
  if (args.positionals.length > 1)
    throw new CliError(`usage: unexpected argument "${args.positionals[1] ?? ''}"`);
  const status = statusOf(args);
  const limitText = stringOption(args, 'limit');
  const limit =
    limitText === undefined ? DEFAULT_EVENTS_LIMIT : positiveInteger(limitText, '--limit');
  return withStore(deps, io, async (store) => {
    const counts = await countEventsByStatus(store.db);
    const events = await listEvents(store.db, { status, limit });
    if (args.values.json === true) {
      writeJson(io, { store: store.location, counts, status, events });
      return EXIT.ok;
    }
    const summary = INBOX_STATUSES.map((s) => `${count(counts[s])} ${s}`).join(', ');
    io.stdout.write(`inbox (${store.location}): ${summary}\n`);
    if (events.length === 0) {
      io.stdout.write(`no ${status} events\n`);
      return EXIT.ok;
    }
    io.stdout.write(
      `${renderTable(
        ['ID', 'RECEIVED', 'EVENT', 'RECORD', 'ATTEMPTS', 'LAST ERROR'],
        events.map((e) => [
          String(e.id),
          e.receivedAt.toISOString(),
          e.eventName,
          e.recordId,
          String(e.attempts),
          shortError(e.lastError),
        ]),
      )}\n`,
    );
    if (counts[status] > events.length)
      io.stdout.write(
        `(the first ${count(events.length)} of ${count(counts[status])}; --limit N)\n`,
      );
    if (status === 'dead')
      io.stdout.write(
        'Their changes are not journaled. Fix the cause, then: tiergate events requeue ID (or --all)\n',
      );
    return EXIT.ok;
  });
}

function describeEvent(event: InboxEventSummary): string {
  return [
    `event ${event.id}: ${event.eventName} of ${event.objectName} ${event.recordId}`,
    `  status      ${event.status} (${plural(event.attempts, 'attempt')})`,
    `  received    ${event.receivedAt.toISOString()}`,
    ...(event.status === 'pending' ? [`  next try    ${event.nextAttemptAt.toISOString()}`] : []),
    `  body        ${count(event.bodyBytes)} bytes`,
    `  last error  ${event.lastError ?? '(none)'}`,
    '',
  ].join('\n');
}

/**
 * The stored body with the restricted fields of its record replaced, or why it cannot be
 * shown. Only the record carries values; the envelope (event name, ids, dates) is kept.
 */
function redactedBody(
  body: string,
  restricted: SensitiveFields,
): { body: unknown } | { why: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { why: 'the body is not JSON' };
  }
  const isRow = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRow(parsed) || !isRow(parsed.record)) return { why: 'the body holds no record object' };
  const record = Object.fromEntries(
    Object.entries(parsed.record).map(([field, value]) => [
      field,
      restricted.has(field) && value !== null ? HIDDEN_VALUE : value,
    ]),
  );
  return { body: Object.fromEntries([...Object.entries(parsed), ['record', record]]) };
}

async function show(args: ParsedArgs, io: CliIo, deps: EventsCommandDeps): Promise<number> {
  const id = eventIdOf(args);
  const withBody = args.values.body === true;
  const policyFile = stringOption(args, 'policy');
  if (policyFile !== undefined && !withBody)
    throw new CliError('usage: --policy is for --body (it says which fields to hide)');
  // Read the policy before the store: no body is read without it.
  let policy: Policy | undefined;
  if (withBody) {
    const file = policyFile ?? DEFAULT_POLICY_FILE;
    if (policyFile === undefined && !existsSync(join(io.cwd, file)))
      throw new CliError(
        `no ${file} here: the body is the whole record, and without the policy Tiergate cannot ` +
          'tell which fields to hide, so it is not shown. Give --policy FILE.',
      );
    policy = await readPolicy(io, file);
  }
  return withStore(deps, io, async (store) => {
    const event = await eventSummary(store.db, id);
    if (event === undefined)
      throw new CliError(`no inbox event ${id} in ${store.location} (see tiergate events list)`);
    let shown: { body: unknown } | { why: string } | undefined;
    if (policy !== undefined) {
      const body = (await eventBody(store.db, id)) ?? '';
      shown = redactedBody(body, sensitiveFields(policy, event.objectName));
    }
    if (args.values.json === true) {
      writeJson(io, { ...event, ...(shown ?? {}) });
    } else {
      io.stdout.write(describeEvent(event));
      if (shown !== undefined && 'body' in shown)
        io.stdout.write(`${JSON.stringify(shown.body, null, 2)}\n`);
    }
    if (shown !== undefined && 'why' in shown) {
      io.stderr.write(
        `tiergate events: ${shown.why}, so it cannot be redacted and is not shown.\n`,
      );
      return EXIT.failed;
    }
    return EXIT.ok;
  });
}

async function requeue(args: ParsedArgs, io: CliIo, deps: EventsCommandDeps): Promise<number> {
  const all = args.values.all === true;
  const id = all ? undefined : eventIdOf(args);
  if (all && args.positionals.length > 1)
    throw new CliError('usage: give an event id or --all, not both');
  const now = (deps.now ?? (() => new Date()))();
  return withStore(deps, io, async (store) => {
    const requeued = await requeueDead(store.db, { ...(id === undefined ? {} : { id }), now });
    if (id !== undefined && requeued.length === 0) {
      const event = await eventSummary(store.db, id);
      throw new CliError(
        event === undefined
          ? `no inbox event ${id} in ${store.location} (see tiergate events list)`
          : `event ${id} is ${event.status}, not dead: only dead events are requeued`,
      );
    }
    if (args.values.json === true) writeJson(io, { requeued });
    else if (requeued.length === 0) io.stdout.write('no dead events to requeue\n');
    else
      io.stdout.write(
        `requeued ${plural(requeued.length, 'event')} (${requeued.join(', ')}): pending, ` +
          'attempts reset; a running tiergate serve processes them at once\n',
      );
    return EXIT.ok;
  });
}

/** The `events` command over the store `deps` opens (tests give their own). */
export function createEventsCommand(deps: EventsCommandDeps = defaultDeps): Command {
  return {
    name: 'events',
    summary: 'List, show and requeue webhook events, above all those parked as dead.',
    usage: `tiergate events list [--status STATUS] [--limit N] [--json]
       tiergate events show ID [--body [--policy FILE]] [--json]
       tiergate events requeue ID | --all [--json]`,
    help: `Every webhook is stored in the inbox before Twenty gets its answer, then processed
into the journal. An event that fails every attempt (8, over about 4 minutes) is parked as
dead: serve raises an ALERT, and its change stays out of the journal until it is requeued.

list     counts the events in each status and lists those in one (dead by default), oldest
         first: id, when received, event, record, attempts, last error.
show     one event: status, attempts, times, body size and last error. Its body, the whole
         record as Twenty sent it, only with --body, and then with every field the policy
         restricts for some role (hidden, masked, or under a when rule) replaced by
         "${HIDDEN_VALUE}"; without a policy nothing is shown.
requeue  puts a dead event (or, with --all, every one) back in line: pending, attempts reset,
         due now. Fix what made it fail first (see show's last error).

The store is PostgreSQL at DATABASE_URL, else the embedded database in .tiergate/store.

Options:
  --status STATUS  list: ${INBOX_STATUSES.join(', ')} (default dead)
  --limit N        list: at most N events (default ${DEFAULT_EVENTS_LIMIT})
  --body           show: print the body, restricted fields replaced
  --policy FILE    show --body: the policy saying which fields (default ./${DEFAULT_POLICY_FILE})
  --all            requeue: every dead event
  --json           print as JSON
  -h, --help       show this help`,
    exitCodes: {
      0: 'listed, shown or requeued (also when there was nothing to requeue)',
      1: 'no such event, the event is not dead, the body cannot be shown, or the store cannot be read',
    },
    options: {
      status: { type: 'string' },
      limit: { type: 'string' },
      body: { type: 'boolean' },
      policy: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    async run(args, io) {
      const sub = args.positionals[0];
      if (sub === undefined) onePositional(args, 'subcommand (list, show or requeue)');
      const only = (allowed: readonly string[]) => {
        for (const name of ['status', 'limit', 'body', 'policy', 'all'])
          if (args.values[name] !== undefined && !allowed.includes(name))
            throw new CliError(`usage: --${name} is not an option of tiergate events ${sub ?? ''}`);
      };
      if (sub === 'list') {
        only(['status', 'limit']);
        return list(args, io, deps);
      }
      if (sub === 'show') {
        only(['body', 'policy']);
        return show(args, io, deps);
      }
      if (sub === 'requeue') {
        only(['all']);
        return requeue(args, io, deps);
      }
      throw new CliError(
        `usage: unknown subcommand "${sub ?? ''}"; try tiergate events list, show or requeue`,
      );
    },
  };
}

export const eventsCommand: Command = createEventsCommand();
