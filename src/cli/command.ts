/** The shape every `tiergate` command has. */
import type { ParseArgsConfig } from 'node:util';
import { CliError, type CliIo } from './io.js';

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** The help text after the usage line. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /**
   * What the exit codes mean for this command, where it says more than `EXIT_MEANINGS`; its
   * `--help` lists 0, 1, these, and 64 (bad usage).
   */
  readonly exitCodes?: Readonly<Record<number, string>>;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Usage error for a missing or extra positional argument. */
export function onePositional(args: ParsedArgs, what: string): string {
  const [first, ...extra] = args.positionals;
  if (first === undefined) throw new CliError(`usage: give the ${what}`);
  if (extra.length > 0) throw new CliError(`usage: unexpected argument "${extra[0] ?? ''}"`);
  return first;
}
