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

/**
 * Exit codes, one meaning each, so a script can tell "changes pending" from a typo: 0 success,
 * 1 failure (invalid policy, failing tests, host error, refused action), 2 changes pending (plan)
 * or drift found (drift), 64 bad usage (sysexits' EX_USAGE).
 */
export const EXIT = { ok: 0, failed: 1, pending: 2, usage: 64 } as const;

/** What each exit code means, for the help texts and the README. */
export const EXIT_MEANINGS: Readonly<Record<number, string>> = {
  [EXIT.ok]: 'success (nothing pending)',
  [EXIT.failed]:
    'failure: invalid policy, failing policy tests, unreadable file, host error, refused action',
  [EXIT.pending]: 'changes pending (plan) or drift found (drift)',
  [EXIT.usage]: 'bad usage: unknown command or option, missing or bad argument',
};

/**
 * An error the user must fix, printed as one line; `code` becomes the exit code. A message that
 * starts `usage:` is a mistake on the command line (exit 64, followed by the command's help);
 * any other is a failure (exit 1).
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly code: number = message.startsWith('usage:') ? EXIT.usage : EXIT.failed,
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
