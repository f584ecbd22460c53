/**
 * The long fault suite: `npm run fault-suite -- [options]` (node dist/src/fault-suite/main.js).
 * More members, more changes and more faults than the quick run in `npm test`, with a host
 * outage longer than the relay's whole retry horizon by default. Prints the counts table and
 * exits 1 when any lost, duplicated or false count is not 0 (or serve crashed, or quiescence
 * never came), 64 on a bad option.
 */
import { parseArgs } from 'node:util';
import { EXIT } from '../cli/io.js';
import { OUTBOX_MAX_ATTEMPTS } from '../store/outbox.js';
import { runFaultSuite, type FaultSuiteOptions } from './fault-suite.js';
import { formatReport } from './report.js';

const USAGE = `usage: npm run fault-suite -- [options]

Runs the sandbox CRM, \`tiergate serve\` (from dist/) on a PostgreSQL database of its own
($DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432/test) and a seeded stream of
member changes with faults injected; then checks the journal against the changes made and the
host's audit object against the journal.

Options:
  --seed N                the stream's seed (default 20261207)
  --members N             members making changes (default 8, at most 20)
  --operations N          changes attempted (default 600)
  --kills N               SIGKILLs of serve (default 3)
  --outages N             host outages (default 1)
  --outage-seconds N      how long each outage lasts (default 540: longer than
                          ${OUTBOX_MAX_ATTEMPTS} of the relay's retries at its one-minute ceiling,
                          which once parked entries for good)
  --drops N               rounds of dropped database connections (default 3)
  --quiescence-seconds N  how long to wait for the inbox and outbox to drain (default 180)
  -h, --help              show this help`;

class UsageError extends Error {}

function count(value: string | undefined, name: string, fallback: number, max = 1_000_000): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max)
    throw new UsageError(`--${name} takes a whole number up to ${max}, not "${value}"`);
  return n;
}

function optionsOf(argv: readonly string[]): FaultSuiteOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: 'string' },
      members: { type: 'string' },
      operations: { type: 'string' },
      kills: { type: 'string' },
      outages: { type: 'string' },
      'outage-seconds': { type: 'string' },
      drops: { type: 'string' },
      'quiescence-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return undefined;
  return {
    seed: count(values.seed, 'seed', 20261207, 2 ** 32 - 1),
    members: count(values.members, 'members', 8, 20),
    operations: count(values.operations, 'operations', 600),
    kills: count(values.kills, 'kills', 3),
    outages: count(values.outages, 'outages', 1),
    outageMs: count(values['outage-seconds'], 'outage-seconds', 540) * 1000,
    drops: count(values.drops, 'drops', 3),
    quiescenceTimeoutMs: count(values['quiescence-seconds'], 'quiescence-seconds', 180) * 1000,
    opsWhileDown: 15,
    sweepAfterFaults: true,
  };
}

/** One line, redrawn in place on a terminal (no progress library is a dependency here). */
function progressLine(): FaultSuiteOptions['onProgress'] {
  const tty = process.stderr.isTTY;
  let lastPrinted = -1;
  let lastPhase = '';
  return ({ done, total, phase }) => {
    const width = 30;
    const filled = total === 0 ? 0 : Math.round((done / total) * width);
    const line =
      total === 0
        ? `${phase}…`
        : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} changes · ${phase}`;
    if (tty) process.stderr.write(`\r${line.padEnd(80)}`);
    else if (
      phase !== lastPhase ||
      (total > 0 && done - lastPrinted >= Math.max(1, Math.floor(total / 20)))
    ) {
      // Without a terminal: a line per phase and per twentieth of the stream, not per poll.
      lastPrinted = done;
      lastPhase = phase;
      process.stderr.write(`${line}\n`);
    }
  };
}

async function main(argv: readonly string[]): Promise<number> {
  let options: FaultSuiteOptions | undefined;
  try {
    options = optionsOf(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (options === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const result = await runFaultSuite({
    ...options,
    onProgress: progressLine(),
    log: (line) => process.stderr.write(`\n${line}\n`),
  });
  process.stderr.write('\n');
  const lines = [
    formatReport(result.report, result.names),
    `faults: ${result.faults.join('; ')}`,
    `webhooks of changes not answered 2xx: ${result.undelivered}`,
    ...result.lostHistory.map((line) => `inbox of a lost change's record: ${line}`),
    ...(result.crashes.length > 0 ? [`serve crashed: ${result.crashes.join('; ')}`] : []),
    ...(result.notQuiescent === undefined ? [] : [`not quiescent: ${result.notQuiescent}`]),
    ...(result.refused.length > 0 ? [`writes refused: ${result.refused.length}`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const ok = result.report.pass && result.crashes.length === 0 && result.notQuiescent === undefined;
  return ok ? EXIT.ok : EXIT.failed;
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `\nthe fault suite could not run: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  return EXIT.failed;
});
