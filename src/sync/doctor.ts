/**
 * `tiergate doctor`'s checks: a list of named checks, each answering ok or what is wrong and how
 * to fix it. Each check takes what it needs as functions, so the command wires the real host,
 * store and network, and tests the failures.
 */
import type { HostClient } from '../host/client.js';
import type { Host } from '../host/host.js';
import { InstallRolesDocument } from '../host/generated/metadata.js';
import { HostError } from '../host/host-error.js';
import type { CheckResult } from './delivery-proof.js';
import type { Installation } from './installation.js';
import { appRoleMark } from './install-app-role.js';
import type { Manifest } from '../twenty-app/manifest.js';
import type { Policy } from '../policy/schema.js';
import type { GatewayDuty } from './host-state.js';
import { openSession } from './session.js';

/** Where doctor and the gateway's users give the gateway's URL when not with --gateway-url. */
export const GATEWAY_URL_VARIABLE = 'TIERGATE_GATEWAY_URL';

export type { CheckResult } from './delivery-proof.js';

export interface DoctorCheck {
  readonly name: string;
  run(): Promise<CheckResult>;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly checks: readonly { readonly name: string; readonly result: CheckResult }[];
}

/** The admin session's state, as src/sync/admin-session.ts reports it for an installation. */
export type AdminSessionStatus = (installation: Installation) => Promise<CheckResult>;

/** Runs every check, in order, each on its own: one that throws fails with what it threw. */
export async function runDoctor(checks: readonly DoctorCheck[]): Promise<DoctorReport> {
  const results: { name: string; result: CheckResult }[] = [];
  for (const check of checks) {
    let result: CheckResult;
    try {
      result = await check.run();
    } catch (error) {
      result = {
        ok: false,
        detail: `the check itself failed: ${error instanceof Error ? error.message : String(error)}`,
        fix: 'fix what the message names and run tiergate doctor again',
      };
    }
    results.push({ name: check.name, result });
  }
  return { ok: results.every((r) => r.result.ok), checks: results };
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** GET <url> answers 2xx within the timeout. */
async function answers(
  url: string,
  send: typeof fetch,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    const response = await send(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? { ok: true } : { ok: false, why: `answered HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, why: cause ?? messageOf(error) };
  }
}

/** Twenty answers GET /healthz (its health controller) at the installation's URL. */
export function hostReachableCheck(
  hostUrl: string,
  send: typeof fetch = fetch,
  timeoutMs = 5_000,
): DoctorCheck {
  return {
    name: 'host reachable',
    async run() {
      const url = `${hostUrl.replace(/\/+$/, '')}/healthz`;
      const answer = await answers(url, send, timeoutMs);
      return answer.ok
        ? { ok: true, detail: `${url} answers` }
        : {
            ok: false,
            detail: `${url} ${answer.why}`,
            fix: `check that Twenty runs at ${hostUrl} and is reachable from here (give another with --host)`,
          };
    },
  };
}

/**
 * The add-on's key opens the metadata API and holds Tiergate's role with the flags the manifest
 * declares. Reading the roles itself needs the ROLES flag, so a refusal names it.
 */
export function apiKeyCheck(
  metadata: HostClient | undefined,
  manifest: Manifest,
  installation: Pick<Installation, 'created'>,
): DoctorCheck {
  return {
    name: 'API key valid with its flags',
    async run() {
      const reinstall = 'run tiergate install again: it makes a new add-on key holding the role';
      if (metadata === undefined)
        return { ok: false, detail: 'the installation records no add-on API key', fix: reinstall };
      let roles: readonly {
        id: string;
        description?: string | null;
        permissionFlags?: readonly { flag: string }[] | null;
      }[];
      try {
        roles = (await metadata.request(InstallRolesDocument)).getRoles;
      } catch (error) {
        if (error instanceof HostError && (error.status === 401 || error.has('UNAUTHENTICATED')))
          return {
            ok: false,
            detail: `the host refuses the add-on's API key (${error.message}): revoked or expired`,
            fix: reinstall,
          };
        if (error instanceof HostError && error.has('FORBIDDEN'))
          return {
            ok: false,
            detail: `the add-on's API key may not read roles (${error.message}): its role lacks the ROLES flag`,
            fix: 'run tiergate install again: it reports the differing role; give it the flags manifest.json declares',
          };
        throw error;
      }
      const recordedId = installation.created.find((i) => i.kind === 'role')?.id;
      const mark = appRoleMark(manifest);
      const role =
        roles.find((r) => r.id === recordedId) ??
        roles.find((r) => r.description?.includes(mark) === true);
      if (role === undefined)
        return { ok: false, detail: "Tiergate's role is not on the host", fix: reinstall };
      const held = new Set((role.permissionFlags ?? []).map((f) => f.flag));
      const missing = manifest.applicationRole.permissionFlags
        .map((f) => f.flag)
        .filter((flag) => !held.has(flag));
      return missing.length === 0
        ? { ok: true, detail: `the key works and its role holds ${[...held].sort().join(', ')}` }
        : {
            ok: false,
            detail: `Tiergate's role lacks ${missing.join(', ')}`,
            fix: `give the role back ${missing.join(', ')} in Twenty (Settings > Roles), or run tiergate install again to see how it differs`,
          };
    },
  };
}

/** The admin session (`tiergate login`), through the status function the session module gives. */
export function adminSessionCheck(
  installation: Installation,
  status: AdminSessionStatus,
): DoctorCheck {
  return { name: 'admin session', run: () => status(installation) };
}

/** The webhook reached the add-on with a valid signature (the proof `install` makes). */
export function webhookCheck(prove: () => Promise<CheckResult>): DoctorCheck {
  return { name: 'webhook delivered and signed', run: prove };
}

export interface CursorAge {
  readonly objectName: string;
  readonly sweptAt: Date;
}

/**
 * Every governed object was swept within `maxAgeMs`: the sweep reconciles what webhooks missed,
 * so a stale cursor means missed changes stay missed.
 */
export function sweepFreshCheck(
  cursors: () => Promise<readonly CursorAge[]>,
  objects: readonly string[],
  options: { readonly now: () => Date; readonly maxAgeMs: number },
): DoctorCheck {
  return {
    name: 'sweep cursor fresh',
    async run() {
      const found = await cursors();
      const byObject = new Map(found.map((c) => [c.objectName, c]));
      const wanted = objects.length > 0 ? objects : found.map((c) => c.objectName);
      const now = options.now().getTime();
      const minutes = (ms: number): string => `${Math.round(ms / 60_000)} min`;
      const problems = wanted.flatMap((name) => {
        const cursor = byObject.get(name);
        if (cursor === undefined) return [`${name} never swept`];
        const age = now - cursor.sweptAt.getTime();
        return age > options.maxAgeMs ? [`${name} last swept ${minutes(age)} ago`] : [];
      });
      if (wanted.length === 0)
        return {
          ok: false,
          detail: 'no object has been swept yet',
          fix: 'run tiergate serve with --host and the add-on key (its sweep reconciles missed webhooks), and leave --sweep-minutes above 0',
        };
      return problems.length === 0
        ? {
            ok: true,
            detail: `${wanted.length} object(s) swept within the last ${minutes(options.maxAgeMs)}`,
          }
        : {
            ok: false,
            detail: `${problems.join('; ')} (fresh is within ${minutes(options.maxAgeMs)})`,
            fix: 'check that tiergate serve runs with --host and the add-on key and a --sweep-minutes above 0, and read its log for sweep errors',
          };
    },
  };
}

/** The host's roles and members are as the last apply left them (what `tiergate drift` reads). */
export function rolesInSyncCheck(
  drift: () => Promise<{ readonly applied: boolean; readonly changes: readonly string[] }>,
): DoctorCheck {
  return {
    name: 'roles in sync',
    async run() {
      const { applied, changes } = await drift();
      if (!applied)
        return {
          ok: false,
          detail: 'no apply recorded here (.tiergate/applied-state.json)',
          fix: 'run tiergate apply --yes with your policy',
        };
      return changes.length === 0
        ? { ok: true, detail: 'the host is as the last apply left it' }
        : {
            ok: false,
            detail: `drift since the last apply: ${changes.slice(0, 5).join('; ')}${changes.length > 5 ? `; and ${changes.length - 5} more` : ''}`,
            fix: 'run tiergate drift to see it all, and tiergate drift --revert to undo it (or apply a policy that says so)',
          };
    },
  };
}

/**
 * The policy's rules only the gateway enforces (export limits, masks, scopes Twenty cannot hold):
 * the policy compiled over the host's data model, for its workspace members and entitlement.
 */
export async function policyGatewayDuties(
  host: Host,
  policy: Policy,
): Promise<readonly GatewayDuty[]> {
  return (await openSession(host, policy)).compiled.gateway;
}

/**
 * The gateway answers GET /tiergate/healthz. Without one given, the check passes only when the
 * policy has no rule that only the gateway enforces: Twenty's row-level entitlement covers
 * scopes, not export limits, masks or record-dependent field rules, so it is no reason alone.
 * `duties` answers undefined when there is no policy to tell from.
 */
export function gatewayCheck(
  gatewayUrl: string | undefined,
  duties: () => Promise<readonly GatewayDuty[] | undefined>,
  send: typeof fetch = fetch,
  timeoutMs = 5_000,
): DoctorCheck {
  const runGateway = `run tiergate gateway and give its URL with --gateway-url (or $${GATEWAY_URL_VARIABLE})`;
  return {
    name: 'gateway reachable',
    async run() {
      if (gatewayUrl === undefined) {
        const owed = await duties();
        if (owed === undefined)
          return {
            ok: false,
            detail:
              'no gateway given, and no policy here, so whether its rules need the gateway cannot be told',
            fix: `give --policy FILE (the policy you apply); if it has rules only the gateway enforces, ${runGateway}`,
          };
        if (owed.length === 0)
          return {
            ok: true,
            detail:
              'no gateway given, and none needed: Twenty enforces every rule of the policy itself',
          };
        const examples = owed
          .slice(0, 2)
          .map((d) => d.path)
          .join(', ');
        return {
          ok: false,
          detail:
            `no gateway given, but ${owed.length} of the policy's rules ${owed.length === 1 ? 'is' : 'are'} enforced ` +
            `only by the gateway (${examples}${owed.length > 2 ? ', …' : ''}; tiergate plan --json lists them all): ` +
            'without it they are not enforced',
          fix: runGateway,
        };
      }
      const url = `${gatewayUrl.replace(/\/+$/, '')}/tiergate/healthz`;
      const answer = await answers(url, send, timeoutMs);
      return answer.ok
        ? { ok: true, detail: `${url} answers` }
        : {
            ok: false,
            detail: `${url} ${answer.why}`,
            fix: `check that tiergate gateway runs at ${gatewayUrl} and is reachable from here`,
          };
    },
  };
}
