/**
 * Finds the links in Markdown that lead nowhere in a clone: a relative link to a file that is
 * not there, an anchor no heading makes, or a path that leaves the repository (absolute, or
 * climbing above its root). Web links (`https:`, `mailto:`…) are not followed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';

export interface DeadLink {
  readonly file: string;
  readonly line: number;
  readonly target: string;
  readonly reason: string;
}

/** Reads a repository file by its path from the root; undefined when there is none. */
export type RepoReader = (path: string) => string | undefined;

export function diskReader(root: string): RepoReader {
  return (path) => {
    const full = join(root, ...path.split('/'));
    if (!existsSync(full)) return undefined;
    return statSync(full).isDirectory() ? '' : readFileSync(full, 'utf8');
  };
}

interface Link {
  readonly line: number;
  readonly target: string;
}

/** Inline links and images `[text](target "title")` and definitions `[id]: target`, outside code. */
export function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((raw, i) => {
    const marker = /^\s*(```+|~~~+)/.exec(raw)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const text = raw.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
    for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line: i + 1, target: match[1] ?? '' });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+".*")?\s*$/.exec(text);
    if (definition?.[1] !== undefined) links.push({ line: i + 1, target: definition[1] });
  });
  return links;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a Markdown file makes, with GitHub's `-1`, `-2` for repeated headings. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker[0];
      else if (marker[0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
    const seen = counts.get(slug) ?? 0;
    counts.set(slug, seen + 1);
    anchors.add(seen === 0 ? slug : `${slug}-${seen}`);
  }
  for (const match of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) {
    if (match[1] !== undefined) anchors.add(match[1]);
  }
  return anchors;
}

/** The dead links of one Markdown file, `file` being its path from the repository root. */
export function deadLinks(file: string, read: RepoReader): DeadLink[] {
  const markdown = read(file);
  if (markdown === undefined) return [{ file, line: 0, target: file, reason: 'no such file' }];
  const dead: DeadLink[] = [];
  for (const { line, target } of linksOf(markdown)) {
    const reason = whyDead(file, markdown, target, read);
    if (reason !== undefined) dead.push({ file, line, target, reason });
  }
  return dead;
}

function whyDead(
  file: string,
  markdown: string,
  target: string,
  read: RepoReader,
): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return target.toLowerCase().startsWith('file:') ? 'a path outside the repository' : undefined;
  }
  if (target.startsWith('/') || isAbsolute(target)) return 'a path outside the repository';
  const hashAt = target.indexOf('#');
  const pathPart = decodeURIComponent(hashAt === -1 ? target : target.slice(0, hashAt));
  const anchor = hashAt === -1 ? undefined : decodeURIComponent(target.slice(hashAt + 1));
  let linked = file;
  let text: string | undefined = markdown;
  if (pathPart !== '') {
    linked = posix.normalize(posix.join(posix.dirname(file), pathPart.split('?')[0] ?? ''));
    if (linked === '..' || linked.startsWith('../')) return 'a path outside the repository';
    text = read(linked.replace(/\/$/, ''));
    if (text === undefined) return 'no such file';
  }
  if (anchor === undefined || anchor === '' || !linked.endsWith('.md')) return undefined;
  return anchorsOf(text).has(anchor) ? undefined : `no heading makes #${anchor}`;
}

/** The Markdown files the repository promises to keep whole: the README and docs/. */
export function documentedFiles(root: string, readDir: (path: string) => string[]): string[] {
  const docs = readDir(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs.sort()];
}

export function formatDeadLink(link: DeadLink): string {
  return `${link.file}:${link.line}: ${link.target} (${link.reason})`;
}
