/** Plain-text tables and summaries for terminal output. */
import type { FieldState } from '../policy/schema.js';

/** Field states grouped by state, most access first: `edit: name, stage · read: amount`. */
export function groupFields(fields: Readonly<Record<string, FieldState>>): string {
  const order: FieldState[] = ['edit', 'read', 'masked', 'hidden'];
  return order
    .map((state) => {
      const names = Object.keys(fields)
        .filter((f) => fields[f] === state)
        .sort();
      return names.length > 0 ? `${state}: ${names.join(', ')}` : '';
    })
    .filter((part) => part !== '')
    .join(' · ');
}

/** Renders rows as columns padded to their widest cell, with a rule under the header. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** `1 member`, `2 members`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
