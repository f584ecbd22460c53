/**
 * The checker's report in words: the counts table (journal against the changes made, the host's
 * copy against the journal) and the first few items of each non-zero count, with the member's
 * name, so that a failing run says what went missing without opening a database.
 */
import { renderTable } from '../cli/table.js';
import type { CheckReport, Finding } from './checker.js';

/** How many items of each count are printed. */
export const SHOWN_ITEMS = 5;

/** The items to print: one of each kind (object and action) first, then the next ones in order. */
function sample(items: readonly Finding[]): Finding[] {
  const kinds = new Set<string>();
  const firsts = items.filter((item) => {
    const kind = `${item.object} ${item.action}`;
    if (kinds.has(kind)) return false;
    kinds.add(kind);
    return true;
  });
  const rest = items.filter((item) => !firsts.includes(item));
  return [...firsts, ...rest].slice(0, SHOWN_ITEMS);
}

function itemLine(finding: Finding, names: ReadonlyMap<string, string>): string {
  const who = names.get(finding.actor) ?? finding.actor;
  const seq = finding.seq === undefined ? '' : ` (entry ${finding.seq})`;
  // Details name members by id (`made by <id>`): say their names there too.
  const detail =
    finding.detail === undefined
      ? ''
      : `: ${finding.detail.replace(/[0-9a-f-]{36}/g, (id) => names.get(id) ?? id)}`;
  return `    ${finding.action} ${finding.object}/${finding.recordId} by ${who || '?'} at ${finding.at || '?'}${seq}${detail}`;
}

export function formatReport(report: CheckReport, names: ReadonlyMap<string, string>): string {
  const { journal, host } = report;
  const table = renderTable(
    ['comparison', 'made', 'found', 'matched', 'lost', 'duplicated', 'false', 'superseded'],
    [
      [
        'journal vs changes',
        String(journal.changes),
        String(journal.entries),
        String(journal.matched),
        String(journal.lost.length),
        String(journal.duplicated.length),
        String(journal.false.length),
        String(journal.superseded.length),
      ],
      [
        'host copy vs journal',
        String(host.expected),
        String(host.records),
        String(host.matched),
        String(host.lost.length),
        String(host.duplicated.length),
        String(host.false.length),
        '-',
      ],
    ],
  );
  const lists: [string, readonly Finding[]][] = [
    ['journal lost', journal.lost],
    ['journal duplicated', journal.duplicated],
    ['journal false', journal.false],
    ['journal superseded (not a failure)', journal.superseded],
    ['journal misattributed (not a failure)', journal.misattributed],
    ['host copy lost', host.lost],
    ['host copy duplicated', host.duplicated],
    ['host copy false', host.false],
  ];
  const details = lists
    .filter(([, items]) => items.length > 0)
    .map(([title, items]) => {
      const more =
        items.length > SHOWN_ITEMS ? `\n    … and ${items.length - SHOWN_ITEMS} more` : '';
      const byAction = new Map<string, number>();
      for (const item of items) {
        const kind = `${item.action} ${item.object}`;
        byAction.set(kind, (byAction.get(kind) ?? 0) + 1);
      }
      const tally = [...byAction].map(([action, n]) => `${action} ${n}`).join(', ');
      return `  ${title}: ${items.length} (${tally})\n${sample(items)
        .map((item) => itemLine(item, names))
        .join('\n')}${more}`;
    });
  return [
    table,
    ...details,
    report.pass ? 'PASS: every count is 0' : 'FAIL: a count is not 0',
  ].join('\n');
}
