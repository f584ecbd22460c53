/** Runs `tiergate …` in-process in `cwd`, as a shell would, capturing both outputs. */
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
