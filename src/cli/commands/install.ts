/**
 * `tiergate install` and `uninstall`: what manifest.json declares, created on the host
 * (src/sync/install.ts), and the record of it in .tiergate/installation.json (mode 0600) with the
 * webhook secret sealed (src/sync/secret-box.ts). The secret is never printed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HostError } from '../../host/host-error.js';
import { install, uninstall, type InstallReport } from '../../sync/install.js';
import {
  INSTALLATION_FILE,
  readInstallation,
  removeInstallation,
  writeInstallation,
  type Installation,
} from '../../sync/installation.js';
import { ManifestError, tiergateManifest } from '../../twenty-app/manifest.js';
import { seal, secretKey, SECRET_KEY_VARIABLE } from '../../sync/secret-box.js';
import type { Command, ParsedArgs } from '../command.js';
import { CliError, EXIT, readPolicy, writeJson, type CliIo } from '../io.js';
import { governedObjectNames } from '../../sync/compile.js';
import { connectTarget, hostTarget } from '../host-target.js';
import { checkDelivery, deliveryWaitOf, formatCheck } from '../delivery-check.js';
import type { CheckResult } from '../../sync/delivery-proof.js';

const flag = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
};

function addonUrlOf(args: ParsedArgs): string {
  const value = flag(args, 'addon-url');
  if (value === undefined) throw new CliError('usage: give --addon-url URL (the add-on server)');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`usage: --addon-url "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`usage: --addon-url "${value}" must be http or https`);
  return value.replace(/\/+$/, '');
}

/**
 * The objects the policy governs, when there is a policy (--policy, else ./tiergate.policy.yaml):
 * the webhook subscribes to their events only. Without one, to the manifest's operations until
 * the first `tiergate apply` narrows them.
 */
async function governedOf(args: ParsedArgs, io: CliIo): Promise<string[] | undefined> {
  const given = flag(args, 'policy');
  const file = given ?? 'tiergate.policy.yaml';
  if (given === undefined && !existsSync(join(io.cwd, file))) return undefined;
  return governedObjectNames(await readPolicy(io, file));
}

/** Host and manifest failures as one line and exit 1. */
async function guarded(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HostError || error instanceof ManifestError)
      throw new CliError(error.message, EXIT.failed);
    throw error;
  }
}

const list = (title: string, items: readonly string[]): string =>
  items.length === 0 ? '' : `${title}:\n${items.map((i) => `  ${i}\n`).join('')}`;

function printInstall(
  io: CliIo,
  report: InstallReport,
  json: boolean,
  delivery: CheckResult | undefined,
): void {
  const { created, unchanged, differing, rlsEntitled } = report;
  const webhook = { id: report.webhook.id, created: report.webhook.created };
  if (json) {
    const apiKey = report.appKey === undefined ? null : { id: report.appKey.id };
    writeJson(io, {
      created,
      unchanged,
      differing,
      webhook,
      apiKey,
      rlsEntitled,
      delivery: delivery ?? null,
    });
    return;
  }
  io.stdout.write(
    list('Created', created) +
      list('Left alone (already there)', unchanged) +
      list('Differs from the manifest (left alone)', differing) +
      `Webhook: ${webhook.id}${webhook.created ? ' (new secret, sealed in ' + INSTALLATION_FILE + ')' : ''}\n` +
      (report.appKey === undefined
        ? 'Add-on API key: none (see above); the add-on needs --api-key\n'
        : `Add-on API key: ${report.appKey.id}${report.appKey.token === undefined ? '' : ' (new token, sealed in ' + INSTALLATION_FILE + ')'}\n`) +
      `Row-level rules: ${rlsEntitled ? 'entitled' : 'not entitled (the gateway enforces them)'}\n` +
      (delivery === undefined
        ? 'Webhook delivery: not checked (--skip-delivery-check); tiergate doctor checks it\n'
        : formatCheck('webhook delivery', delivery)),
  );
}

export const installCommand: Command = {
  name: 'install',
  summary: 'Create what manifest.json declares on a Twenty workspace, and register the webhook.',
  usage:
    'tiergate install [--host URL --api-key KEY] [--rate N/PERIOD] --addon-url URL [--policy FILE] [--delivery-wait SECONDS] [--skip-delivery-check] [--json]',
  help: `Creates the audit object, its fields and the tiergate* helper fields where missing;
what exists is left alone, and what exists but differs (another type, say) is reported. Registers
the webhook at <addon-url>/webhooks/twenty with a fresh 32-byte secret unless one is there,
subscribes it to the events of the objects the policy governs (never Tiergate's own audit object;
with no policy, to the manifest's operations until \`tiergate apply\` narrows them),
detects whether row-level rules are entitled, and records it all in ${INSTALLATION_FILE}
(mode 0600), the secret sealed with $${SECRET_KEY_VARIABLE} (base64, 32 bytes; production must
set it) or else a key file .tiergate/secret.key created on first use. Safe to run again.

Then it proves delivery end to end: it creates an empty record in an object the webhook follows
(removed straight after) and waits for its webhook at the add-on URL, listening there itself when
the add-on server is not running, else reading the server's /metrics. When nothing arrives it
names the likely cause and the Twenty setting that fixes it: Twenty's worker drops webhooks to
private and loopback addresses silently (OUTBOUND_HTTP_SAFE_MODE_ENABLED, on by default) unless
OUTBOUND_HTTP_ALLOWED_INTERNAL_HOSTS names the add-on's host on the worker AND the server.

Options:
  --host URL       the Twenty server's base URL (default: the installation's, else the sandbox's)
  --api-key KEY    an API key with DATA_MODEL and API_KEYS_AND_WEBHOOKS (default: $TIERGATE_API_KEY,
                   then the sandbox's)
  --rate N/PERIOD  how fast Tiergate may send to this host, e.g. 100/min (Twenty's default API
                   limit) or 5/s; recorded in the installation for every later command
  --addon-url URL  the add-on server's base URL (http or https), required
  --policy FILE    the policy whose objects the webhook follows (default ./tiergate.policy.yaml
                   when it exists)
  --delivery-wait SECONDS
                   how long to wait for the proof's webhook (default 10)
  --skip-delivery-check
                   install only; do not prove delivery
  --json           print the report as JSON
  -h, --help       show this help`,
  exitCodes: {
    0: 'installed, and a webhook was delivered with a valid signature',
    1: 'host error, or installed but no webhook delivered (the cause and fix are printed)',
  },
  options: {
    host: { type: 'string' },
    'api-key': { type: 'string' },
    rate: { type: 'string' },
    'addon-url': { type: 'string' },
    policy: { type: 'string' },
    'delivery-wait': { type: 'string' },
    'skip-delivery-check': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const addonUrl = addonUrlOf(args);
    const waitMs = deliveryWaitOf(args.values['delivery-wait']);
    const target = await hostTarget(args, io);
    const host = connectTarget(target);
    return guarded(async () => {
      const previous = await readInstallation(io.cwd);
      const sameHost = previous?.hostUrl === target.url;
      const report = await install(host, tiergateManifest(), {
        addonUrl,
        governedObjects: await governedOf(args, io),
        apiKeyId: sameHost ? (previous.apiKeyId ?? undefined) : undefined,
      });
      const key = await secretKey(io.env, io.cwd);
      const token = report.appKey?.token;
      const record: Installation = {
        hostUrl: target.url,
        addonUrl,
        installedAt: sameHost ? previous.installedAt : report.installedAt,
        created: [...(sameHost ? previous.created : []), ...report.createdItems],
        webhookId: report.webhook.id,
        sealedWebhookSecret: seal(report.webhook.secret, key),
        rlsEntitled: report.rlsEntitled,
        workspace: report.workspace,
        apiKeyId: report.appKey?.id ?? null,
        sealedApiKey:
          token !== undefined ? seal(token, key) : sameHost ? previous.sealedApiKey : null,
        // The pace later commands keep with this host unless given --rate themselves; without
        // --rate here, hostTarget kept the one installed for the same host.
        ...(target.rateLimit === undefined ? {} : { rateLimit: target.rateLimit }),
      };
      await writeInstallation(io.cwd, record);
      const delivery =
        args.values['skip-delivery-check'] === true
          ? undefined
          : await checkDelivery(
              host,
              { addonUrl, webhookId: report.webhook.id, secret: report.webhook.secret },
              { timeoutMs: waitMs, env: io.env },
            );
      printInstall(io, report, args.values.json === true, delivery);
      return delivery === undefined || delivery.ok ? EXIT.ok : EXIT.failed;
    });
  },
};

export const uninstallCommand: Command = {
  name: 'uninstall',
  summary: 'Remove what install created; the audit data stays unless --purge.',
  usage: 'tiergate uninstall [--api-key KEY] [--purge] [--yes] [--json]',
  help: `Reads ${INSTALLATION_FILE} and removes what install created there: the webhook and the
tiergate* helper fields. The audit object and its entries stay unless --purge. What the host
refuses to delete is reported (exit 1) and kept in the record, so uninstall can run again.

Options:
  --api-key KEY   an API key with DATA_MODEL and API_KEYS_AND_WEBHOOKS (default: $TIERGATE_API_KEY,
                  then the sandbox's)
  --purge         delete the audit object too (its entries are lost)
  --yes           go ahead (required: uninstall deletes data)
  --json          print the report as JSON
  -h, --help      show this help`,
  exitCodes: { 0: 'removed', 1: 'host error, something not removed, or --yes not given' },
  options: {
    'api-key': { type: 'string' },
    purge: { type: 'boolean' },
    yes: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const record = await readInstallation(io.cwd).catch((error: unknown) => {
      throw new CliError((error as Error).message, EXIT.failed);
    });
    if (record === undefined)
      throw new CliError(`nothing installed from here (no ${INSTALLATION_FILE})`, EXIT.failed);
    const purge = args.values.purge === true;
    if (args.values.yes !== true)
      throw new CliError(
        `uninstall removes the webhook and helper fields${purge ? ' and the audit object' : ''} from ${record.hostUrl}: run it again with --yes to go ahead`,
      );
    const host = connectTarget(await hostTarget(args, io));
    return guarded(async () => {
      const report = await uninstall(host, record, { purge });
      if (report.remaining.length === 0 && report.webhookRemoved) await removeInstallation(io.cwd);
      else
        await writeInstallation(io.cwd, {
          ...record,
          created: report.remaining,
          webhookId: report.webhookRemoved ? null : record.webhookId,
          sealedWebhookSecret: report.webhookRemoved ? null : record.sealedWebhookSecret,
        });
      const { removed, kept, failed } = report;
      if (args.values.json === true) writeJson(io, { removed, kept, failed });
      else
        io.stdout.write(
          list('Removed', removed) +
            list('Kept (audit data; --purge deletes it)', kept) +
            list(
              'Could not remove',
              failed.map((f) => `${f.item}: ${f.reason}`),
            ),
        );
      return failed.length === 0 ? EXIT.ok : EXIT.failed;
    });
  },
};
