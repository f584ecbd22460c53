/**
 * `tiergate serve` as a child process (bin/tiergate.js, on the built modules in `dist/`, as
 * `npm test` builds them first), so that the fault suite can SIGKILL it mid-stream and start it
 * again on the same port: the host's webhook points there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('../..', import.meta.url));
/** The repository's root, whether this module runs from `src/` (vitest) or `dist/src/`. */
export const REPO_ROOT = HERE.endsWith('/dist/') ? HERE.slice(0, -'dist/'.length) : HERE;
const BIN = `${REPO_ROOT}bin/tiergate.js`;
const BUILT_CLI = `${REPO_ROOT}dist/src/cli/main.js`;
/** What serve says once its pipeline runs (src/cli/commands/serve.ts). */
const READY = 'Press Ctrl-C to stop.';
/** Lines of serve's output kept for the failure message. */
const KEPT_LINES = 40;

export interface ServeOptions {
  readonly cwd: string;
  readonly port: number;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  /** The last lines serve wrote, standard error and output together. */
  tail(): string;
  /** How it ended when nobody asked it to (a crash), else undefined. */
  crashed(): string | undefined;
  /** SIGKILL, and the exit waited for. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Fails, saying how to fix it, when `dist/` is missing or older than the serve command. */
export async function assertBuilt(): Promise<void> {
  const built = await stat(BUILT_CLI).catch(() => undefined);
  const source = await stat(`${REPO_ROOT}src/cli/commands/serve.ts`).catch(() => undefined);
  if (built === undefined || (source !== undefined && built.mtimeMs < source.mtimeMs))
    throw new Error(
      `${BUILT_CLI} is ${built === undefined ? 'missing' : 'older than its source'}: the fault suite runs \`tiergate serve\` from dist/; run npm run build first (npm test does)`,
    );
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts serve and resolves once its pipeline runs; rejects with its output if it ends first. */
export async function startServe(options: ServeOptions): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', String(options.port), ...options.args],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  let partial = '';
  const keep = (chunk: Buffer): void => {
    const text = partial + chunk.toString();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    lines.splice(0, Math.max(0, lines.length - KEPT_LINES));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const tail = (): string => [...lines, partial].join('\n');
  let asked = false;
  const process_: ServeProcess = {
    child,
    tail,
    crashed() {
      if (asked || (child.exitCode === null && child.signalCode === null)) return undefined;
      return `exited by itself (code ${child.exitCode}, signal ${child.signalCode})`;
    },
    async kill() {
      asked = true;
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop(graceMs = 5_000) {
      asked = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
    },
  };
  await new Promise<void>((resolve, reject) => {
    const timeoutMs = options.readyTimeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tiergate serve did not start within ${timeoutMs} ms:\n${tail()}`));
    }, timeoutMs);
    const look = (chunk: Buffer): void => {
      if (!chunk.toString().includes(READY) && !tail().includes(READY)) return;
      clearTimeout(timer);
      child.stderr?.off('data', look);
      resolve();
    };
    child.stderr?.on('data', look);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`tiergate serve ended at start (code ${code}, signal ${signal}):\n${tail()}`),
      );
    });
  });
  return process_;
}
