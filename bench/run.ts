/**
 * The benchmark entry point: `node --expose-gc dist/bench/run.js [name]` (or
 * `npm run bench -- [name]`). With no name every benchmark runs; an unknown name prints the
 * usage and exits 2. A benchmark's exit code is non-zero only when its correctness check fails.
 */
import { runAuditBench } from './audit.js';
import { runEngineBench } from './engine.js';
import { runGatewayBench } from './gateway.js';
import { runIntakeBench } from './intake.js';
import { runSyncBench } from './sync.js';

const BENCHMARKS: Readonly<Record<string, () => Promise<number>>> = {
  engine: runEngineBench,
  sync: runSyncBench,
  audit: runAuditBench,
  intake: runIntakeBench,
  gateway: runGatewayBench,
};

function usage(): string {
  return [
    'usage: npm run bench -- [name]   (node --expose-gc dist/bench/run.js [name])',
    `benchmarks: ${Object.keys(BENCHMARKS).join(', ')}; with no name, all of them run`,
  ].join('\n');
}

async function main(args: readonly string[]): Promise<number> {
  const [name] = args;
  if (name === '--help' || name === '-h') {
    console.log(usage());
    return 0;
  }
  if (name !== undefined) {
    const run = Object.hasOwn(BENCHMARKS, name) ? BENCHMARKS[name] : undefined;
    if (!run) {
      console.error(`unknown benchmark "${name}"\n${usage()}`);
      return 2;
    }
    return run();
  }
  let code = 0;
  for (const run of Object.values(BENCHMARKS)) code = Math.max(code, await run());
  return code;
}

process.exitCode = await main(process.argv.slice(2));
