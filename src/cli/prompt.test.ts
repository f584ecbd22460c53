import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { firstLine } from './prompt.js';

describe('firstLine (a piped password)', () => {
  it('keeps a trailing space, which is part of the password', async () => {
    await expect(firstLine(Readable.from(['pass word \n', 'next line\n']))).resolves.toBe(
      'pass word ',
    );
  });

  it('strips only the line ending, LF or CRLF, and reads a last line without one', async () => {
    await expect(firstLine(Readable.from(['secret\t\r\n']))).resolves.toBe('secret\t');
    await expect(firstLine(Readable.from(['sec', 'ret ']))).resolves.toBe('secret ');
  });
});
