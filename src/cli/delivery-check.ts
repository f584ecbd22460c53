/**
 * The delivery check `install` and `doctor` share: watch where the add-on listens (its own
 * listener when the add-on server is not running, else what the server saw for the probe's
 * record, beside its /metrics), make the harmless change, and report.
 */
import type { Host } from '../host/host.js';
import {
  listenerWatcher,
  metricsWatcher,
  proveDelivery,
  type CheckResult,
  type DeliveryWatcher,
} from '../sync/delivery-proof.js';
import { CliError } from './io.js';

export const METRICS_TOKEN_VARIABLE = 'TIERGATE_METRICS_TOKEN';

/** `--delivery-wait SECONDS` in milliseconds (default 10 s). */
export function deliveryWaitOf(value: string | boolean | undefined): number {
  if (value === undefined) return 10_000;
  const seconds = Number(value);
  if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value) || seconds <= 0 || seconds > 300)
    throw new CliError(
      `usage: --delivery-wait takes a number of seconds from 0.1 to 300, not "${String(value)}"`,
    );
  return seconds * 1000;
}

async function openWatcher(
  addonUrl: string,
  secret: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DeliveryWatcher | string> {
  let listenError: string;
  try {
    return await listenerWatcher(addonUrl, secret);
  } catch (error) {
    listenError = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
  try {
    const token = env[METRICS_TOKEN_VARIABLE];
    return await metricsWatcher(addonUrl, token ? { token } : {});
  } catch (error) {
    return `cannot listen on ${addonUrl} (${listenError}) and cannot ask the add-on server there which webhooks it saw (${(error as Error).message})`;
  }
}

/** Proves delivery to the installed webhook; never throws for what the host or network does. */
export async function checkDelivery(
  host: Host,
  installed: { readonly addonUrl: string; readonly webhookId: string; readonly secret: string },
  options: {
    readonly timeoutMs: number;
    readonly env: Readonly<Record<string, string | undefined>>;
  },
): Promise<CheckResult> {
  const watcher = await openWatcher(installed.addonUrl, installed.secret, options.env);
  if (typeof watcher === 'string')
    return {
      ok: false,
      detail: `delivery not checked: ${watcher}`,
      fix: `run it where the add-on's address can be listened on, or run tiergate serve with /metrics on its main listener (and $${METRICS_TOKEN_VARIABLE} here when it asks for one)`,
    };
  try {
    return await proveDelivery({
      core: host.core,
      metadata: host.metadata,
      webhookId: installed.webhookId,
      addonUrl: installed.addonUrl,
      watcher,
      timeoutMs: options.timeoutMs,
    });
  } catch (error) {
    return {
      ok: false,
      detail: `delivery not checked: the harmless change failed (${(error as Error).message})`,
      fix: 'check that the API key may create and destroy records of the objects the webhook follows',
    };
  } finally {
    await watcher.close();
  }
}

/** The check as lines for a terminal. */
export function formatCheck(name: string, result: CheckResult): string {
  return (
    `${result.ok ? 'ok  ' : 'FAIL'} ${name}: ${result.detail}\n` +
    (result.ok || result.fix === undefined ? '' : `     fix: ${result.fix}\n`)
  );
}
