/**
 * Loading a policy: text (YAML or JSON; YAML is a superset) → shape check (zod) → reference
 * check. A file with any problem is rejected whole, with every problem as `path: message` and
 * the line it sits on.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { formatPath, PolicyError, type PolicyIssue } from './errors.js';
import { WORDED, wordIssues } from './issue-wording.js';
import { checkReferences } from './references.js';
import { policySchema, type Policy } from './schema.js';

/** Bounds on what a policy file may be, so a hostile file cannot exhaust the process. */
export const POLICY_LIMITS = { maxBytes: 5_000_000, maxAliasCount: 100 } as const;

type Path = readonly PropertyKey[];

/** The 1-based line of the deepest node of `path` that exists in the document. */
function lineOf(doc: Document, lines: LineCounter, path: Path): number | undefined {
  let node: unknown = doc.contents;
  let offset = (doc.contents as { range?: [number, number, number] } | null)?.range?.[0];
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(key),
      );
      if (!pair) break;
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      offset = keyRange?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item: unknown = node.items[key];
      const range = (item as { range?: [number, number, number] } | undefined)?.range;
      if (!range) break;
      offset = range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/** Zod issues (from a parse with `WORDED`) as policy issues in plain words, with their lines. */
export function issuesFromZod(
  error: z.ZodError,
  locate: (path: Path) => number | undefined,
): PolicyIssue[] {
  return wordIssues(error.issues).map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
    line: locate(issue.path),
  }));
}

/** Parses the text as YAML (or JSON), with the YAML errors as issues. */
function parseText(text: string): { doc: Document; lines: LineCounter; issues: PolicyIssue[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const issues = doc.errors.map((e) => ({
    path: '',
    message: `YAML ${e.code}: ${e.message.split('\n')[0] ?? e.message}`,
    line: lines.linePos(e.pos[0]).line,
  }));
  return { doc, lines, issues };
}

/** The path at which a value contains itself (a YAML alias to an ancestor), if it does. */
function cyclePath(
  value: unknown,
  path: PropertyKey[],
  ancestors: Set<object>,
): PropertyKey[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (ancestors.has(value)) return path;
  ancestors.add(value);
  const entries: [PropertyKey, unknown][] = Array.isArray(value)
    ? value.map((item: unknown, i) => [i, item])
    : Object.entries(value);
  for (const [key, child] of entries) {
    const found = cyclePath(child, [...path, key], ancestors);
    if (found) return found;
  }
  ancestors.delete(value);
  return undefined;
}

/** YAML (or JSON) text as data, with a way back from a path to its line. */
export interface ParsedSource {
  readonly data: unknown;
  readonly locate: (path: Path) => number | undefined;
}

/** Parses YAML or JSON text; throws `PolicyError` with the syntax errors and their lines. */
export function parseSource(text: string): ParsedSource {
  if (typeof text !== 'string') {
    throw new PolicyError([{ path: '', message: 'a policy must be given as text' }]);
  }
  if (text.length > POLICY_LIMITS.maxBytes) {
    throw new PolicyError([
      { path: '', message: `the file is larger than ${POLICY_LIMITS.maxBytes} bytes` },
    ]);
  }
  const { doc, lines, issues } = parseText(text);
  if (issues.length > 0) throw new PolicyError(issues);
  try {
    const data: unknown = doc.toJS({ maxAliasCount: POLICY_LIMITS.maxAliasCount });
    const locate = (path: Path): number | undefined => lineOf(doc, lines, path);
    const loop = cyclePath(data, [], new Set());
    if (loop) {
      throw new PolicyError([
        {
          path: formatPath(loop),
          message: 'a YAML alias refers to a node that contains it',
          line: locate(loop),
        },
      ]);
    }
    return { data, locate };
  } catch (error) {
    // The YAML library refuses alias bombs and the like by throwing; that is a bad file too.
    const message = error instanceof Error ? error.message : String(error);
    throw new PolicyError([{ path: '', message: `YAML: ${message}` }], { cause: error });
  }
}

/**
 * Loads and validates a policy. Throws `PolicyError` listing every problem; nothing else.
 * @param text the file's content, YAML or JSON
 */
export function loadPolicy(text: string): Policy {
  const { data, locate } = parseSource(text);
  return validatePolicy(data, locate);
}

/**
 * Validates an already-parsed policy object (from the panel's API, say).
 * @param locate maps a path to its source line, when there is a source
 */
export function validatePolicy(
  data: unknown,
  locate: (path: Path) => number | undefined = () => undefined,
): Policy {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PolicyError([
      { path: '', message: 'a policy must be a mapping with version, tiers, roles…' },
    ]);
  }
  const parsed = policySchema.safeParse(data, WORDED);
  const shapeIssues = parsed.success ? [] : issuesFromZod(parsed.error, locate);
  const { policy, broken } = parsed.success
    ? { policy: parsed.data, broken: new Set<string>() }
    : sectionBySection(data as Record<string, unknown>);
  const referenceIssues = checkReferences(policy, broken).map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
    line: locate(issue.path),
  }));
  if (shapeIssues.length + referenceIssues.length > 0) {
    throw new PolicyError([...shapeIssues, ...referenceIssues]);
  }
  return policy;
}

/**
 * The policy with each top-level section that fails its shape check left empty, so that the
 * references of the sound sections are still checked and reported with the shape problems.
 */
function sectionBySection(data: Record<string, unknown>): { policy: Policy; broken: Set<string> } {
  const broken = new Set<string>();
  const sections: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(policySchema.shape)) {
    const section = schema.safeParse(data[key]);
    if (section.success) sections[key] = section.data;
    else broken.add(key);
  }
  const empty = {
    version: 1,
    tiers: [],
    objects: {},
    org: { source: 'config', teams: [], members: [] },
    roles: {},
    restrictions: [],
    adjustments: [],
    reviews: [],
    monitoring: [],
    security: undefined,
  };
  return { policy: { ...empty, ...sections } as Policy, broken };
}
