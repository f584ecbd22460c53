/**
 * `tiergate doctor`: checks a whole installation (src/sync/doctor.ts) and exits non-zero naming
 * each problem and its fix. `doctorCommandWith` lets tests give the admin session's status; by
 * default it is the session module's (`tiergate login`).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectHost } from '../../host/host.js';
import { getSweepCursor } from '../../store/cursors.js';
import { openStore, storeOptionsFromEnv } from '../../store/store.js';
import { governedObjectNames } from '../../sync/compile.js';
import type { Policy } from '../../policy/schema.js';
import {
  GATEWAY_URL_VARIABLE,
  adminSessionCheck,
  apiKeyCheck,
  gatewayCheck,
  hostReachableCheck,
  policyGatewayDuties,
  rolesInSyncCheck,
  runDoctor,
  sweepFreshCheck,
  webhookCheck,
  type AdminSessionStatus,
  type CheckResult,
  type CursorAge,
  type DoctorCheck,
} from '../../sync/doctor.js';
import { adminSessionStatus } from '../../sync/admin-session.js';
import type { HostPermissionState } from '../../sync/host-state.js';
import { INSTALLATION_FILE, readInstallation, type Installation } from '../../sync/installation.js';
import { tiergateManifest } from '../../twenty-app/manifest.js';
import { formatPlan } from '../../sync/plan.js';
import { openDrift } from '../../sync/session.js';
import { open, secretKey } from '../../sync/secret-box.js';
import type { Command, ParsedArgs } from '../command.js';
import { checkDelivery, deliveryWaitOf, formatCheck } from '../delivery-check.js';
import { connectTarget, hostTarget } from '../host-target.js';
import { CliError, EXIT, readPolicy, writeJson, type CliIo } from '../io.js';

export { GATEWAY_URL_VARIABLE };
/** Fresh: swept within this many minutes (three of serve's default 5-minute rounds). */
const DEFAULT_SWEEP_MAX_MINUTES = 15;

const flag = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
};

function minutesOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SWEEP_MAX_MINUTES;
  const minutes = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || minutes <= 0)
    throw new CliError(
      `usage: --sweep-max-minutes takes a number of minutes above 0, not "${value}"`,
    );
  return minutes;
}

async function readApplied(io: CliIo): Promise<HostPermissionState | undefined> {
  try {
    const text = await readFile(join(io.cwd, '.tiergate', 'applied-state.json'), 'utf8');
    return JSON.parse(text) as HostPermissionState;
  } catch {
    return undefined;
  }
}

/** The governed objects' sweep cursors, from the store tiergate serve writes. */
async function readCursors(io: CliIo, objects: readonly string[]): Promise<CursorAge[]> {
  const store = await openStore(storeOptionsFromEnv(io.env, io.cwd));
  try {
    const found: CursorAge[] = [];
    for (const name of objects) {
      const cursor = await getSweepCursor(store.db, name);
      if (cursor !== undefined) found.push({ objectName: name, sweptAt: new Date(cursor.sweptAt) });
    }
    return found;
  } finally {
    await store.close();
  }
}

/** The policy given with --policy, else ./tiergate.policy.yaml when there is one. */
async function policyOf(args: ParsedArgs, io: CliIo): Promise<Policy | undefined> {
  const given = flag(args, 'policy');
  const file = given ?? 'tiergate.policy.yaml';
  if (given === undefined && !existsSync(join(io.cwd, file))) return undefined;
  return readPolicy(io, file);
}

export interface DoctorDependencies {
  /** The admin session's state; by default src/sync/admin-session.ts `adminSessionStatus`. */
  readonly adminSessionStatus?: AdminSessionStatus;
}

const HELP = `Checks the installation recorded in ${INSTALLATION_FILE}, one check after the other, and
prints each as ok or FAIL with what is wrong and how to fix it:

  host reachable                Twenty answers GET /healthz at the installation's URL
  API key valid with its flags  the add-on's key opens the metadata API and its role holds the
                                flags manifest.json declares
  admin session                 a workspace admin is signed in (tiergate login), for member moves
  webhook delivered and signed  a harmless change (an empty record, removed straight after) sends
                                a webhook that reaches the add-on URL with a valid signature; when
                                none arrives, the cause and the Twenty setting that fixes it
                                (OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS, on the server AND the worker)
  sweep cursor fresh            tiergate serve swept every governed object recently
  roles in sync                 the host's roles and members are as the last apply left them
  gateway reachable             tiergate gateway answers GET /tiergate/healthz; with no gateway
                                given, it passes only when the policy has no rule that only the
                                gateway enforces (an export limit, a mask, a scope Twenty cannot
                                hold)

Options:
  --host URL              the Twenty server (default: the installation's)
  --api-key KEY           an admin key for the webhook check's harmless change, which it
                          undoes (default: $TIERGATE_API_KEY, then the sandbox's; the add-on's
                          own key may not destroy records, so it is not used for it)
  --policy FILE           the policy tiergate serve and apply run with: the objects the sweep
                          follows, and whether some rules need the gateway (default
                          ./tiergate.policy.yaml)
  --gateway-url URL       the gateway's base URL (default: $${GATEWAY_URL_VARIABLE})
  --delivery-wait SECONDS how long to wait for the webhook (default 10)
  --sweep-max-minutes N   how old a sweep may be and still be fresh (default ${DEFAULT_SWEEP_MAX_MINUTES})
  --json                  print the checks as JSON
  -h, --help              show this help`;

/** The session module's status, as a doctor check reads it. */
async function sessionResult(installation: Installation, io: CliIo): Promise<CheckResult> {
  const status = await adminSessionStatus(installation, { cwd: io.cwd, env: io.env });
  if (status.ok) return { ok: true, detail: status.message };
  return {
    ok: false,
    detail: status.message,
    ...(status.fix === undefined ? {} : { fix: status.fix }),
  };
}

export function doctorCommandWith(deps: DoctorDependencies): Command {
  return {
    name: 'doctor',
    summary: 'Check a whole installation: host, key, session, webhooks, sweep, roles, gateway.',
    usage:
      'tiergate doctor [--host URL] [--api-key KEY] [--policy FILE] [--gateway-url URL] [--delivery-wait SECONDS] [--json]',
    help: HELP,
    exitCodes: { 0: 'every check passed', 1: 'a check failed (each is named with its fix)' },
    options: {
      host: { type: 'string' },
      'api-key': { type: 'string' },
      policy: { type: 'string' },
      'gateway-url': { type: 'string' },
      'delivery-wait': { type: 'string' },
      'sweep-max-minutes': { type: 'string' },
      json: { type: 'boolean' },
    },
    async run(args, io) {
      if (args.positionals.length > 0) throw new CliError('usage: doctor takes no arguments');
      const waitMs = deliveryWaitOf(args.values['delivery-wait']);
      const maxMinutes = minutesOf(flag(args, 'sweep-max-minutes'));
      const installation = await readInstallation(io.cwd).catch((error: unknown) => {
        throw new CliError((error as Error).message, EXIT.failed);
      });
      if (installation === undefined)
        throw new CliError(
          `nothing installed from here (no ${INSTALLATION_FILE}): run tiergate install first`,
          EXIT.failed,
        );
      const hostUrl = flag(args, 'host') ?? installation.hostUrl;
      const key = await secretKey(io.env, io.cwd);
      const addonToken =
        installation.sealedApiKey === null ? undefined : open(installation.sealedApiKey, key);
      const addonHost =
        addonToken === undefined ? undefined : connectHost({ baseUrl: hostUrl, token: addonToken });
      // The harmless change must be undone, which the add-on's own role may not do (it may not
      // destroy records): it takes the key given, or the sandbox's.
      const probeTarget = await hostTarget(args, io).catch(() => undefined);
      const probeHost = probeTarget === undefined ? undefined : connectTarget(probeTarget);
      const policy = await policyOf(args, io);
      const governed = policy === undefined ? undefined : governedObjectNames(policy);
      const manifest = tiergateManifest();
      const gatewayUrl = flag(args, 'gateway-url') ?? io.env[GATEWAY_URL_VARIABLE];

      const checks: DoctorCheck[] = [
        hostReachableCheck(hostUrl),
        apiKeyCheck(addonHost?.metadata, manifest, installation),
        adminSessionCheck(
          { ...installation, hostUrl },
          deps.adminSessionStatus ?? ((signedOn) => sessionResult(signedOn, io)),
        ),
        webhookCheck(() => {
          if (installation.webhookId === null || installation.sealedWebhookSecret === null)
            return Promise.resolve({
              ok: false,
              detail: 'the installation records no webhook',
              fix: 'run tiergate install again: it registers the webhook',
            });
          if (probeHost === undefined)
            return Promise.resolve({
              ok: false,
              detail:
                "not checked: the harmless change needs a key that may create and destroy records, and the add-on's may not destroy them",
              fix: 'give --api-key KEY (or $TIERGATE_API_KEY) with an admin API key, and run tiergate doctor again',
            });
          return checkDelivery(
            probeHost,
            {
              addonUrl: installation.addonUrl,
              webhookId: installation.webhookId,
              secret: open(installation.sealedWebhookSecret, key),
            },
            { timeoutMs: waitMs, env: io.env },
          );
        }),
        governed === undefined
          ? {
              name: 'sweep cursor fresh',
              run: () =>
                Promise.resolve({
                  ok: false,
                  detail: 'no policy here, so the objects the sweep follows are unknown',
                  fix: 'give --policy FILE (the policy tiergate serve runs with)',
                }),
            }
          : sweepFreshCheck(() => readCursors(io, governed), governed, {
              now: () => new Date(),
              maxAgeMs: maxMinutes * 60_000,
            }),
        rolesInSyncCheck(async () => {
          const applied = await readApplied(io);
          if (applied === undefined) return { applied: false, changes: [] };
          const readHost = addonHost ?? probeHost;
          if (readHost === undefined) throw new Error('no API key to read the roles with');
          const { plan, names } = await openDrift(readHost, applied);
          const empty = plan.empty && plan.skippedAssignments.length === 0;
          const changes = empty
            ? []
            : formatPlan(plan, names)
                .split('\n')
                .map((line) => line.trim())
                .filter((line) => line !== '');
          return { applied: true, changes };
        }),
        gatewayCheck(gatewayUrl, async () => {
          if (policy === undefined) return undefined;
          const readHost = addonHost ?? probeHost;
          if (readHost === undefined)
            throw new Error("no API key to compile the policy over the host's data model with");
          return policyGatewayDuties(readHost, policy);
        }),
      ];
      const report = await runDoctor(checks);
      if (args.values.json === true) writeJson(io, report);
      else {
        io.stdout.write(report.checks.map((c) => formatCheck(c.name, c.result)).join(''));
        const failed = report.checks.filter((c) => !c.result.ok).length;
        io.stdout.write(
          failed === 0
            ? 'Every check passed.\n'
            : `${failed} of ${report.checks.length} checks failed: fix them in order and run tiergate doctor again.\n`,
        );
      }
      return report.ok ? EXIT.ok : EXIT.failed;
    },
  };
}

export const doctorCommand: Command = doctorCommandWith({});
