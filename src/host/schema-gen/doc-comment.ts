import ts from 'typescript';

/** What genql kept of a GraphQL description and deprecation in a `/** ... *\/` comment. */
export interface DocComment {
  readonly description: string | undefined;
  readonly deprecationReason: string | undefined;
}

const DEPRECATED = '@deprecated ';

/**
 * Reads the comment genql writes before a declaration: an optional first line `@deprecated
 * <reason>` (whitespace folded to spaces), then the description lines. The raw text is read rather
 * than TypeScript's JSDoc model, which would fold description lines into the tag and split lines
 * starting with `@` into tags of their own.
 */
export function readDocComment(node: ts.Node, source: ts.SourceFile): DocComment {
  const text = source.text;
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const last = ranges.at(-1);
  const raw = last === undefined ? '' : text.slice(last.pos, last.end);
  if (!raw.startsWith('/**')) return { description: undefined, deprecationReason: undefined };
  const lines = raw
    .slice(3, -2)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trimEnd())
    .map((line) => line.replaceAll('*\\/', '*/'));
  while (lines[0]?.trim() === '') lines.shift();
  while (lines.at(-1)?.trim() === '') lines.pop();
  const first = lines[0]?.trim() ?? '';
  const deprecationReason = first.startsWith(DEPRECATED)
    ? first.slice(DEPRECATED.length).trim()
    : undefined;
  const descriptionLines = deprecationReason === undefined ? lines : lines.slice(1);
  const description = descriptionLines
    .map((l, i) => (i === 0 ? l.trim() : l))
    .join('\n')
    .trim();
  return { description: description === '' ? undefined : description, deprecationReason };
}
