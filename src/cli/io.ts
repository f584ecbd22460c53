/** What a command may touch: injected, so commands run in tests without a child process. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadPolicy } from '../policy/load.js';
import { PolicyError, formatIssue } from '../policy/errors.js';
import type { Policy } from '../policy/schema.js';

export interface Output {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Ends a long-running command (the sandbox); the binary wires it to SIGINT and SIGTERM. */
  readonly signal?: AbortSignal;
}

/** Exit codes: 0 success, 1 the answer is "no" (invalid policy, failing test), 2 usage or I/O. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An error the user must fix, printed as one line; `code` becomes the exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly code: number = EXIT.usage,
  ) {
    super(message);
  }
}

export async function readText(io: CliIo, file: string, what: string): Promise<string> {
  const path = resolve(io.cwd, file);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : String(code ?? error);
    throw new CliError(`cannot read ${what} ${file}: ${reason}`);
  }
}

/** Loads a policy file, turning its problems into the `path: message` lines of a CliError. */
export async function readPolicy(io: CliIo, file: string): Promise<Policy> {
  const text = await readText(io, file, 'policy');
  try {
    return loadPolicy(text);
  } catch (error) {
    if (error instanceof PolicyError) {
      throw new CliError(
        `${file}: invalid policy\n${error.issues.map(formatIssue).join('\n')}`,
        EXIT.failed,
      );
    }
    throw error;
  }
}

export async function readJson(io: CliIo, file: string, what: string): Promise<unknown> {
  const text = await readText(io, file, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${what} ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
