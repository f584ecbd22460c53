/**
 * Secrets read from a person or a pipe, never echoed and never logged: a password typed at a
 * terminal (echo off while typing), or the first line of standard input (`--password-stdin`).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Asks on `output` and reads one line from a terminal without echoing it. */
export function promptHidden(
  question: string,
  input: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown },
  output: Writable,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, output, terminal: true });
    // readline writes what is typed through `_writeToOutput`; muting it keeps the secret off screen.
    const muted = rl as unknown as { _writeToOutput: (text: string) => void };
    output.write(question);
    muted._writeToOutput = () => undefined;
    rl.once('line', (line) => {
      output.write('\n');
      rl.close();
      resolve(line);
    });
    rl.once('SIGINT', () => {
      rl.close();
      reject(new Error('cancelled'));
    });
  });
}

/** The first line of a stream (a piped password), without its line ending. */
export async function firstLine(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    if (Buffer.concat(chunks).includes(10)) break;
  }
  // Only the line ending goes: a password may end in a space, and trimming would change it.
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}
