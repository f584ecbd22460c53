/**
 * `tiergate plan`, `apply` and `drift`: the policy as Twenty's own roles, the way Terraform
 * plans and applies. Exit codes: 0 nothing to change, 2 changes pending (plan, drift), 1 error,
 * 64 bad usage (`EXIT`).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { HostError } from '../../host/host-error.js';
import { connectHost, type Host } from '../../host/host.js';
import {
  activeAdminSession,
  adminClientSource,
  AdminSessionError,
  loginCommand,
  type ActiveAdmin,
  type AdminClientSource,
} from '../../sync/admin-session.js';
import type { MemberMover } from '../../sync/plan-types.js';
import type { PlanNames } from '../../sync/plan-format.js';
import type { HostPermissionState } from '../../sync/host-state.js';
import { applyOperations, ApplyError } from '../../sync/apply.js';
import { formatPlan, planJson, type HostOperation, type HostPlan } from '../../sync/plan.js';
import { Journal } from '../../audit/journal-store.js';
import { openStore, storeOptionsFromEnv, type Store } from '../../store/store.js';
import { HostOrgError } from '../../twenty-app/host-org.js';
import type { JournalDraft } from '../../audit/journal.js';
import { appliedDrafts, driftDrafts } from '../../sync/journal-drafts.js';
import { appliedState, openDrift, openSession, type SyncSession } from '../../sync/session.js';
import { formatUnlisted } from '../../sync/unlisted.js';
import { governedObjectNames } from '../../sync/compile.js';
import { syncWebhookOperations } from '../../sync/install.js';
import { readInstallation } from '../../sync/installation.js';
import { tiergateManifest } from '../../twenty-app/manifest.js';
import { syncViewers, type ViewerSyncResult } from '../../twenty-app/viewers.js';
import { viewersProgress } from '../progress.js';
import type { Command, ParsedArgs } from '../command.js';
import { CliError, EXIT, readPolicy, writeJson, type CliIo } from '../io.js';
import { plural } from '../table.js';
import {
  connectTarget,
  HOST_TARGET_HELP,
  HOST_TARGET_OPTIONS,
  hostTarget,
} from '../host-target.js';

const PENDING = EXIT.pending;
const HOST_OPTIONS = {
  policy: { type: 'string' },
  ...HOST_TARGET_OPTIONS,
  json: { type: 'boolean' },
} as const;
const SESSION_OPTIONS = { ...HOST_OPTIONS, 'roles-only': { type: 'boolean' } } as const;
const ROLES_ONLY_HELP = `  --roles-only    leave the records' tiergateViewers alone (plan and apply read every record of
                  the objects whose team scopes use it: one request per 60 records)`;
const HOST_HELP = `  --policy FILE   the policy (default ./tiergate.policy.yaml)
${HOST_TARGET_HELP}; it needs the ROLES flag
  --json          print the plan as JSON`;

/** The host to sync with, and its URL (for the journal), read once per command. */
async function hostOf(args: ParsedArgs, io: CliIo): Promise<{ host: Host; url: string }> {
  const target = await hostTarget(args, io, { addonKey: true });
  return { host: connectTarget(target), url: target.url };
}

/** Who moves members, and (for an admin) where each move gets its client. */
interface MemberMoves {
  readonly mover: MemberMover;
  readonly client?: AdminClientSource;
}

/**
 * Who moves members: the admin signed in here for this host, else nobody, and every move waits.
 * A session that expired or that Twenty refuses to renew counts as nobody, with the reason: the
 * rest still applies and the moves wait for a new sign-in (exit 2), as without a session. The
 * client is asked for right before each move, not taken now: what apply does first can take
 * longer than the access token lasts.
 */
async function memberMoves(io: CliIo, url: string): Promise<MemberMoves> {
  const place = { cwd: io.cwd, env: io.env, hostUrl: url };
  let admin: ActiveAdmin | undefined;
  try {
    admin = await activeAdminSession(place);
  } catch (error) {
    if (!(error instanceof AdminSessionError)) throw error;
    return {
      mover: {
        kind: 'none',
        loginCommand: error.fix ?? loginCommand(url),
        sessionProblem: error.problem,
      },
    };
  }
  if (admin === undefined) return { mover: { kind: 'none', loginCommand: loginCommand(url) } };
  return {
    mover: { kind: 'admin', memberId: admin.memberId, email: admin.email },
    client: adminClientSource(
      { ...place, memberId: admin.memberId },
      (token) => connectHost({ baseUrl: url, token }).metadata,
    ),
  };
}

/** The moves that wait for a sign-in, and the command that lets them through; '' when none. */
function waitingText(plan: HostPlan, names: PlanNames, mover: MemberMover): string {
  const waiting = plan.skippedAssignments.filter((s) => s.waitsForAdmin === true);
  if (waiting.length === 0 || mover.kind !== 'none') return '';
  const member = (id: string) => names.member?.(id) ?? id;
  const role = (key: string | undefined) =>
    key === undefined ? 'no role' : (names.role?.(key) ?? key);
  const lines = waiting.map(
    (s) => `  ${member(s.memberId)}: ${role(s.before)} -> ${role(s.wanted)}`,
  );
  const moves =
    waiting.length === 1 ? '1 member move waits' : `${waiting.length} member moves wait`;
  const why =
    mover.sessionProblem === undefined
      ? '(Twenty lets no API key move members)'
      : `(${mover.sessionProblem})`;
  const again = mover.sessionProblem === undefined ? '' : ' again';
  return `${moves} for an admin session ${why}:
${lines.join('\n')}
Sign in${again} as an admin, then run this again:
  ${mover.loginCommand}
`;
}

const stateFile = (io: CliIo): string => join(io.cwd, '.tiergate', 'applied-state.json');

/** The state the last apply left, or undefined when there was none (or it cannot be read). */
async function readApplied(io: CliIo): Promise<HostPermissionState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(io), 'utf8')) as HostPermissionState;
  } catch {
    return undefined;
  }
}

/** Runs a sync step, turning host failures into one clear line and exit 1. */
async function guarded(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HostError || error instanceof ApplyError || error instanceof HostOrgError)
      throw new CliError(error.message, EXIT.failed);
    throw error;
  }
}

interface Applied {
  readonly target: string;
  readonly why: string;
  /** The host's state before, the plan, and the calls made; absent when nothing changed. */
  readonly run?: {
    readonly plan: HostPlan;
    readonly before: HostPermissionState;
    readonly hostCalls: number;
    readonly viewers?: readonly ViewerSyncResult[];
  };
  readonly state: HostPermissionState;
}

/** Appends to the audit journal in the store (PostgreSQL at DATABASE_URL, else .tiergate/store). */
async function journalEntries(io: CliIo, drafts: readonly JournalDraft[]): Promise<void> {
  let store: Store;
  try {
    store = await openStore(storeOptionsFromEnv(io.env, io.cwd));
  } catch (error) {
    throw new CliError(
      `the host was read or changed, but the journal cannot be opened to record it: ${(error as Error).message}`,
      EXIT.failed,
    );
  }
  try {
    await store.migrate();
    const journal = await Journal.open(store, { cwd: io.cwd });
    const entries = await journal.append(drafts);
    io.stderr.write(
      `Journaled as entries ${entries[0]?.seq ?? '?'}–${entries.at(-1)?.seq ?? '?'} (tiergate audit log).\n`,
    );
  } finally {
    await store.close();
  }
}

/**
 * Records what was applied: the changes (each with its before and after, who and why) in the
 * audit journal, in the store (PostgreSQL at DATABASE_URL, else PGlite in .tiergate/store), and
 * the state drift compares against in .tiergate/applied-state.json.
 */
async function record(io: CliIo, applied: Applied): Promise<void> {
  await mkdir(join(io.cwd, '.tiergate'), { recursive: true });
  if (applied.run !== undefined) {
    const drafts = appliedDrafts({
      ...applied.run,
      actor: userInfo().username,
      why: applied.why,
      host: applied.target,
      after: applied.state,
    });
    await journalEntries(io, drafts);
  }
  await writeFile(stateFile(io), `${JSON.stringify(applied.state, null, 2)}\n`, { mode: 0o600 });
}

async function execute(
  io: CliIo,
  host: Host,
  operations: readonly HostOperation[],
  roleIds: Map<string, string>,
  members: AdminClientSource | undefined,
): Promise<number> {
  const result = await applyOperations(host.metadata, [...operations], roleIds, {
    onProgress: (done, total, op) => io.stderr.write(`  [${done}/${total}] ${op.kind}\n`),
    ...(members === undefined ? {} : { members }),
  });
  return result.mutations;
}

/** Loads the policy, opens a sync session on the host, and refuses a policy that does not fit. */
async function withSession(
  args: ParsedArgs,
  io: CliIo,
  then: (session: SyncSession, host: Host, url: string, moves: MemberMoves) => Promise<number>,
): Promise<number> {
  const policy = await readPolicy(
    io,
    typeof args.values.policy === 'string' ? args.values.policy : 'tiergate.policy.yaml',
  );
  const { host, url } = await hostOf(args, io);
  return guarded(async () => {
    const moves = await memberMoves(io, url);
    const session = await openSession(host, policy, await readApplied(io), {
      memberMover: moves.mover,
    });
    if (session.compiled.problems.length > 0) {
      throw new CliError(
        `the policy does not fit the host:\n${session.compiled.problems.join('\n')}`,
        EXIT.failed,
      );
    }
    warnAboutOrg(io, session);
    return then(session, host, url, moves);
  });
}

/** Members the org left out, and members stranded on a managed role: on stderr, never fatal. */
function warnAboutOrg(io: CliIo, session: SyncSession): void {
  const lines = [
    ...session.org.problems.map((p) => `  ${p.member}: ${p.message}`),
    ...session.strays.map(
      (s) =>
        `  ${s.memberId}: holds ${s.roleKey} but is not in the org; Twenty needs every member to hold a role, so Tiergate leaves it there: move it by hand`,
    ),
  ];
  if (lines.length === 0) return;
  const shown = lines.slice(0, 20);
  const more = lines.length - shown.length;
  io.stderr.write(
    `org (${session.org.policy.org.source === 'host' ? 'read from the host' : 'from the policy'}): ${lines.length} warning${lines.length === 1 ? '' : 's'}\n${shown.join('\n')}\n${more > 0 ? `  … and ${more} more (tiergate org pull lists them all)\n` : ''}`,
  );
}

function unlistedText(session: SyncSession): string {
  const names = session.names;
  return formatUnlisted(
    session.unlisted,
    session.plan,
    (id) => names.member?.(id) ?? id,
    (key) => names.role?.(key) ?? key,
  );
}

/**
 * The installed webhook subscribed to the objects the policy governs, and to nothing else (not
 * Tiergate's own audit object, whose records would come back as changes to journal).
 */
async function webhookStep(
  io: CliIo,
  host: Host,
  session: SyncSession,
  url: string,
): Promise<void> {
  const installed = await readInstallation(io.cwd);
  if (installed?.webhookId == null || installed.hostUrl !== url) return;
  const governed = governedObjectNames(session.org.policy);
  const changed = await syncWebhookOperations(
    host.metadata,
    tiergateManifest(),
    installed.webhookId,
    governed,
  );
  if (changed !== undefined)
    io.stdout.write(
      `Webhook: subscribed to ${changed.after.join(', ') || 'nothing'} (was ${changed.before.join(', ')}).\n`,
    );
}

/** The records whose tiergateViewers differ, counted (dry) or brought up to date. */
async function viewerStep(
  io: CliIo,
  host: Host,
  session: SyncSession,
  args: ParsedArgs,
  dryRun: boolean,
): Promise<ViewerSyncResult[]> {
  if (args.values['roles-only'] === true || session.viewers.objects().length === 0) return [];
  // A bar per object and phase on a terminal; one line each elsewhere (src/cli/progress.ts).
  const progress = viewersProgress(io.stderr);
  try {
    return await syncViewers(host, session.org.policy, session.viewers, {
      dryRun,
      onProgress: progress.onProgress,
    });
  } finally {
    progress.stop();
  }
}

const staleCount = (results: readonly ViewerSyncResult[]): number =>
  results.reduce((n, r) => n + r.stale, 0);

function describeViewers(results: readonly ViewerSyncResult[], done: boolean): string {
  const stale = staleCount(results);
  if (results.length === 0) return '';
  if (stale === 0) return 'tiergateViewers: every record is up to date.\n';
  const parts = results
    .filter((r) => r.stale > 0)
    .map((r) => `${r.object} ${r.stale}/${r.records}`);
  return `tiergateViewers: ${stale} records ${done ? 'updated' : 'to update'} (${parts.join(', ')})${
    done
      ? ` in ${plural(
          results.reduce((n, r) => n + r.calls, 0),
          'host call',
        )}`
      : ''
  }.\n`;
}

export const planCommand: Command = {
  name: 'plan',
  summary: "Show what apply would change in Twenty's roles to match the policy.",
  usage: 'tiergate plan [--policy FILE] [--host URL --api-key KEY] [--roles-only] [--json]',
  help: `Reads the host's roles, permissions and member assignments, compiles the policy for the
host's data model and entitlements, and prints the difference grouped by role, with counts.
Where team scopes are enforced natively, it also counts the records whose tiergateViewers
helper field differs from what the org says. Members on a role the policy does not give them
are moved back; members the policy does not list are listed, with what org.unlisted does.
Without an admin session (tiergate login), or with one that expired, the member moves that wait
for one are listed with the command to run, and plan exits 2.

Options:
${HOST_HELP}
${ROLES_ONLY_HELP}
  -h, --help      show this help`,
  exitCodes: { 0: 'nothing to change', 2: 'changes pending' },
  options: SESSION_OPTIONS,
  async run(args, io) {
    return withSession(args, io, async (session, host, target, moves) => {
      const viewers = await viewerStep(io, host, session, args, true);
      if (args.values.json === true) {
        writeJson(io, {
          plan: session.plan,
          gateway: session.compiled.gateway,
          rowLevelEntitled: session.rls,
          viewers,
          org: {
            source: session.org.policy.org.source,
            members: session.org.members.length,
            problems: session.org.problems,
            strays: session.strays,
            unlisted: {
              mode: session.unlisted.mode,
              explicit: session.unlisted.explicit,
              members: session.unlisted.members,
            },
          },
        });
      } else {
        io.stdout.write(`${formatPlan(session.plan, session.names)}\n`);
        io.stdout.write(waitingText(session.plan, session.names, moves.mover));
        io.stdout.write(`${unlistedText(session)}\n`);
        io.stdout.write(describeViewers(viewers, false));
        io.stdout.write(
          `${session.compiled.gateway.length} rules are enforced by the gateway (not expressible in Twenty${session.rls ? '' : ' without row-level rules'}); see plan --json.\n`,
        );
      }
      const waiting = session.plan.skippedAssignments.some((s) => s.waitsForAdmin === true);
      return session.plan.empty && staleCount(viewers) === 0 && !waiting ? EXIT.ok : PENDING;
    });
  },
};

export const applyCommand: Command = {
  name: 'apply',
  summary: "Make Twenty's roles match the policy, with the fewest host calls.",
  usage: 'tiergate apply [--policy FILE] [--host URL --api-key KEY] [--roles-only] [--yes]',
  help: `Plans as \`tiergate plan\` does, then applies the changes: first the records' tiergateViewers
(so no member loses a record its new role's predicates expect there), then the roles in a safe
order (roles before assignments, members moved before a role is deleted, never the last admin).
Members are moved with the admin session \`tiergate login\` keeps (Twenty lets no API key move a
member), never the signed-in admin themself; the session is renewed right before the moves.
Without a session, or with one that expired, everything else is applied and the waiting moves
are listed with the command to run (exit 2).
On a host error it stops and says which change failed; run it again to converge. The installed
webhook (.tiergate/installation.json) is subscribed to the events of the policy's objects only. Records each
change in the audit journal (tiergate audit log; the store is PostgreSQL at $DATABASE_URL, else
.tiergate/store) and the applied state in .tiergate/applied-state.json (for drift).

Options:
${HOST_HELP}
${ROLES_ONLY_HELP}
  --yes           apply without asking (required when not on a terminal)
  -h, --help      show this help`,
  exitCodes: {
    0: 'applied (or nothing to change)',
    1: 'host error, or --yes not given',
    2: 'applied, but member moves wait for tiergate login',
  },
  options: { ...SESSION_OPTIONS, yes: { type: 'boolean' } },
  async run(args, io) {
    return withSession(args, io, async (session, host, target, moves) => {
      const pending = await viewerStep(io, host, session, args, true);
      const waiting = waitingText(session.plan, session.names, moves.mover);
      if (session.plan.empty && staleCount(pending) === 0) {
        if (args.values.yes === true) await webhookStep(io, host, session, target);
        io.stdout.write(
          waiting === ''
            ? 'Nothing to change: the host matches the policy.\n'
            : `Nothing else to change.\n${waiting}`,
        );
        await record(io, {
          target,
          why: 'tiergate apply',
          state: appliedState(session.desired, session.plan),
        });
        return waiting === '' ? EXIT.ok : PENDING;
      }
      io.stdout.write(
        `${formatPlan(session.plan, session.names)}\n${describeViewers(pending, false)}`,
      );
      if (args.values.yes !== true)
        throw new CliError('apply changes the host: run it again with --yes to go ahead');
      const viewers =
        staleCount(pending) === 0 ? [] : await viewerStep(io, host, session, args, false);
      const mutations = await execute(
        io,
        host,
        session.operations,
        session.reading.roleIds,
        moves.client,
      );
      const viewerCalls = viewers.reduce((n, r) => n + r.calls, 0);
      await record(io, {
        target,
        why: 'tiergate apply',
        run: {
          plan: session.plan,
          before: session.reading.state,
          hostCalls: mutations + viewerCalls,
          viewers,
        },
        state: appliedState(session.desired, session.plan),
      });
      await webhookStep(io, host, session, target);
      io.stdout.write(describeViewers(viewers, true));
      io.stdout.write(`Applied: ${mutations + viewerCalls} host calls.\n`);
      io.stdout.write(waiting);
      return waiting === '' ? EXIT.ok : PENDING;
    });
  },
};

export const driftCommand: Command = {
  name: 'drift',
  summary: 'Report changes made by hand in Twenty since the last apply; --revert undoes them.',
  usage: 'tiergate drift [--host URL --api-key KEY] [--revert] [--json]',
  help: `Twenty emits no webhooks for role changes, so drift reads the host's roles and compares
them with the state the last \`tiergate apply\` left (.tiergate/applied-state.json).

Options:
${HOST_HELP}
  --revert        restore the applied state
  -h, --help      show this help

A member moved to another role (Admin included) is drift; --revert moves it back with the admin
session \`tiergate login\` keeps (without one, the move waits and is listed with the command to
run). A move Twenty refuses (the last admin, the signed-in admin themself) is reported with the
reason and stays drift.`,
  exitCodes: { 0: 'no drift (or all of it reverted)', 2: 'drift found' },
  options: { ...HOST_OPTIONS, revert: { type: 'boolean' } },
  async run(args, io) {
    const applied = await readApplied(io);
    if (applied === undefined) {
      throw new CliError(
        'no apply recorded here (.tiergate/applied-state.json): run tiergate apply first',
        EXIT.failed,
      );
    }
    const { host, url } = await hostOf(args, io);
    return guarded(async () => {
      const { mover, client } = await memberMoves(io, url);
      const { reading, plan, operations, names } = await openDrift(host, applied, {
        memberMover: mover,
      });
      // A move Twenty refuses is still drift: reported, and never "no drift".
      const found = !plan.empty || plan.skippedAssignments.length > 0;
      if (args.values.json === true) io.stdout.write(planJson(plan));
      else
        io.stdout.write(
          found
            ? `Drift since the last apply:\n${formatPlan(plan, names)}\n`
            : 'No drift: the host is as the last apply left it.\n',
        );
      if (!found) return EXIT.ok;
      await journalEntries(
        io,
        driftDrafts({
          actor: userInfo().username,
          host: url,
          plan,
          applied,
          current: reading.state,
        }),
      );
      if (args.values.revert !== true) return PENDING;
      const mutations = await execute(io, host, operations, reading.roleIds, client);
      io.stdout.write(waitingText(plan, names, mover));
      await record(io, {
        target: url,
        why: 'tiergate drift --revert',
        run: { plan, before: reading.state, hostCalls: mutations },
        state: appliedState(applied, plan),
      });
      io.stdout.write(`Reverted: ${mutations} host calls.\n`);
      return plan.skippedAssignments.length > 0 ? PENDING : EXIT.ok;
    });
  },
};
