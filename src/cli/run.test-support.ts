/** Runs `tiergate …` in-process in `cwd`, as a shell would, capturing both outputs. */
import { parseArgs } from 'node:util';
import type { Command, ParsedArgs } from './command.js';
import { CliError, type CliIo } from './io.js';
import { main } from './main.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(cwd: string, ...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    cwd,
    env: {},
  });
  return { code, out, err };
}

/** Runs one `command` on `argv` as `main` does: strict parsing, CliErrors as messages and codes. */
export async function runCommand(
  command: Command,
  argv: readonly string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    cwd,
    env,
  };
  let code: number;
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    code = await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    err += `${error.message}\n`;
    code = error.code;
  }
  return { code, out, err };
}

/**
 * Runs a long-running command (serve, gateway) in-process until its signal: `ready` resolves
 * with the URL the command announces (the first group of `announce`) once it has said
 * "Press Ctrl-C"; `done` with its exit code (a CliError's code, its message added to stderr).
 */
export function runUntilStopped(
  command: Command,
  cwd: string,
  env: Record<string, string>,
  argv: readonly string[],
  announce: RegExp,
) {
  const stop = new AbortController();
  let out = '';
  let err = '';
  let announced: (url: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => {
    announced = resolve;
  });
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: command.options,
    allowPositionals: true,
    strict: true,
  });
  const done = command
    .run(
      { values: values as ParsedArgs['values'], positionals },
      {
        stdout: { write: (text: string) => (out += text) },
        stderr: {
          write: (text: string) => {
            err += text;
            const url = announce.exec(err)?.[1];
            if (url !== undefined && err.includes('Press Ctrl-C')) announced(url);
          },
        },
        cwd,
        env,
        signal: stop.signal,
      },
    )
    .catch((error: unknown) => {
      if (error instanceof CliError) {
        err += `${error.message}\n`;
        return error.code;
      }
      throw error;
    });
  return { ready, done, stop: () => stop.abort(), output: () => ({ out, err }) };
}
