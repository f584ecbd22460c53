/**
 * Timing and memory helpers: wall time with `process.hrtime`, medians over rounds, engines
 * interleaved in one process (the order rotates each round), and heap deltas after a full GC
 * when node runs with --expose-gc.
 */

/** Checksums of the measured work, kept so that no loop can be optimised away. */
let sink = 0;

export function checksum(): number {
  return sink;
}

/** Nanoseconds taken by `run`; its result goes to the sink. */
export function timeNs(run: () => number): number {
  const start = process.hrtime.bigint();
  const result = run();
  const elapsed = Number(process.hrtime.bigint() - start);
  sink = (sink + result) % 1_000_003;
  return elapsed;
}

export async function timeNsAsync(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const gcExposed = typeof globalThis.gc === 'function';

export function collectGarbage(): void {
  if (globalThis.gc) {
    globalThis.gc();
    globalThis.gc();
  }
}

/** The heap a built value retains (bytes), or undefined when GC is not exposed. */
export async function heapOf<T>(
  build: () => T | Promise<T>,
): Promise<{ value: T; bytes?: number }> {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const value = await build();
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  return gcExposed ? { value, bytes: Math.max(0, after - before) } : { value };
}

/** One measurement: a figure for one engine, returning its cost per operation. */
export interface Task {
  readonly figure: string;
  readonly engine: string;
  /** Runs once and returns nanoseconds per operation. */
  measure(): number;
}

/**
 * Runs every task `warmup` times, then `rounds` times with the engines interleaved (the order
 * of tasks rotates each round), and returns the per-round costs by figure and engine. Each
 * measured run starts after a full GC (with --expose-gc), so that no engine pays for the
 * garbage the previous task left (lists leave 10k projected records behind).
 */
export function interleave(
  tasks: readonly Task[],
  rounds: number,
  warmup: number,
): Map<string, number[]> {
  for (let i = 0; i < warmup; i++) for (const task of tasks) task.measure();
  const results = new Map<string, number[]>();
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[(i + round) % tasks.length] as Task;
      const key = resultKey(task.figure, task.engine);
      collectGarbage();
      results.set(key, [...(results.get(key) ?? []), task.measure()]);
    }
  }
  return results;
}

export function resultKey(figure: string, engine: string): string {
  return `${figure}\u0000${engine}`;
}
