/**
 * Where a committed SDL first departs from a fresh generation, as a short hint for `--check`;
 * undefined when they are identical.
 */
export function describeDifference(committed: string, generated: string): string | undefined {
  if (committed === generated) return undefined;
  const left = committed.split('\n');
  const right = generated.split('\n');
  const line = left.findIndex((text, i) => text !== right[i]);
  const at = line === -1 ? left.length : line;
  return [
    `first difference at line ${at + 1}:`,
    `  committed: ${left[at] ?? '<end of file>'}`,
    `  generated: ${right[at] ?? '<end of file>'}`,
    `(${left.length} lines committed, ${right.length} generated)`,
  ].join('\n');
}
