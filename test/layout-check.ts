/**
 * The layout rules `test/layout.test.ts` holds the source tree to, as a small checker over file
 * texts, so it can be tried on fixtures as well as on `src/`:
 *
 * - no import circle among source files (type-only imports count: they shape the layout too);
 * - no import from a folder above the importer's (a file may import from its own folder, the
 *   folders below it, and folders beside it, such as another component under `src/`);
 * - no source file over `maxFileLines` lines, and no function over `maxFunctionLines`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

export interface LayoutLimits {
  readonly maxFileLines: number;
  readonly maxFunctionLines: number;
}

export const LAYOUT_LIMITS: LayoutLimits = { maxFileLines: 400, maxFunctionLines: 80 };

/**
 * One breach of a rule. `key` names it stably (the file, plus the function or the circle's
 * members), so a list of known violations can be compared with a fresh check; `measure` is
 * the line count for size rules, the number of files reached for an upward import, and 0 for
 * a circle.
 */
export interface Violation {
  readonly rule: 'circle' | 'upward-import' | 'file-lines' | 'function-lines';
  readonly key: string;
  readonly measure: number;
}

/** Source files keyed by their path from the root of the tree, with `/` separators. */
export type SourceTree = ReadonlyMap<string, string>;

/** The files the rules apply to: TypeScript sources, not tests, their helpers or generated code. */
export function isCheckedSource(path: string): boolean {
  return (
    path.endsWith('.ts') &&
    !path.endsWith('.d.ts') &&
    !path.endsWith('.test.ts') &&
    !path.endsWith('.test-support.ts') &&
    !path.split('/').includes('generated')
  );
}

/** Reads every checked source file under `dir`, keyed by its path from `root`. */
export function readSourceTree(root: string, dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const path = relative(root, full).split(sep).join('/');
        if (isCheckedSource(path)) files.set(path, readFileSync(full, 'utf8'));
      }
    }
  };
  walk(join(root, dir));
  return files;
}

export function checkLayout(tree: SourceTree, limits: LayoutLimits = LAYOUT_LIMITS): Violation[] {
  const parsed = new Map<string, ts.SourceFile>();
  for (const [path, text] of tree) {
    parsed.set(path, ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true));
  }
  const imports = new Map<string, string[]>();
  for (const [path, file] of parsed) imports.set(path, localImports(file, path, tree));
  const violations = [...circles(imports), ...upwardImports(imports), ...sizes(parsed, limits)];
  return violations.sort((a, b) => a.rule.localeCompare(b.rule) || a.key.localeCompare(b.key));
}

/** The files of the tree that `file` imports or re-exports, statically or dynamically. */
function localImports(file: ts.SourceFile, path: string, tree: SourceTree): string[] {
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const targets = new Set<string>();
  for (const specifier of specifiers) {
    const target = resolveLocal(path, specifier, tree);
    if (target !== undefined) targets.add(target);
  }
  return [...targets].sort();
}

/** Resolves a relative specifier as NodeNext does for this project (`./x.js` is `./x.ts`). */
function resolveLocal(from: string, specifier: string, tree: SourceTree): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const stem = base.replace(/\.(js|ts)$/, '');
  return [`${stem}.ts`, `${base}/index.ts`].find((candidate) => tree.has(candidate));
}

/** Each strongly connected group of files (Tarjan's algorithm) with more than one member. */
function circles(imports: ReadonlyMap<string, readonly string[]>): Violation[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: Violation[] = [];
  let counter = 0;
  const connect = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const next of imports.get(file) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    const selfImport = (imports.get(file) ?? []).includes(file);
    if (group.length > 1 || selfImport) {
      found.push({ rule: 'circle', key: group.sort().join(' <-> '), measure: 0 });
    }
  };
  for (const file of imports.keys()) if (!index.has(file)) connect(file);
  return found;
}

/**
 * Imports whose target's folder is strictly above the importer's (an ancestor folder), one
 * violation per importing file and folder above, measured in the files it reaches there.
 */
function upwardImports(imports: ReadonlyMap<string, readonly string[]>): Violation[] {
  const found: Violation[] = [];
  for (const [file, targets] of imports) {
    const folder = posix.dirname(file);
    const reached = new Map<string, number>();
    for (const target of targets) {
      const targetFolder = posix.dirname(target);
      if (targetFolder !== folder && folder.startsWith(`${targetFolder}/`)) {
        reached.set(targetFolder, (reached.get(targetFolder) ?? 0) + 1);
      }
    }
    for (const [above, count] of reached) {
      found.push({ rule: 'upward-import', key: `${file} -> ${above}/`, measure: count });
    }
  }
  return found;
}

function sizes(parsed: ReadonlyMap<string, ts.SourceFile>, limits: LayoutLimits): Violation[] {
  const found: Violation[] = [];
  for (const [path, file] of parsed) {
    const lines = lineCount(file.text);
    if (lines > limits.maxFileLines) found.push({ rule: 'file-lines', key: path, measure: lines });
    for (const fn of functionsOf(file)) {
      if (fn.lines > limits.maxFunctionLines) {
        found.push({ rule: 'function-lines', key: `${path} ${fn.name}`, measure: fn.lines });
      }
    }
  }
  return found;
}

function lineCount(text: string): number {
  if (text.length === 0) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

interface FunctionSpan {
  readonly name: string;
  readonly lines: number;
}

/**
 * Every function with a body, named by the path of named things around it
 * (`startGateway > onUpgrade`, `Store > append`); unnamed ones are `(arrow)` or `(function)`
 * with a number when one scope holds several, so a key survives edits elsewhere in the file.
 */
function functionsOf(file: ts.SourceFile): FunctionSpan[] {
  const spans: FunctionSpan[] = [];
  const seen = new Map<string, number>();
  const visit = (node: ts.Node, scope: string): void => {
    let inner = scope;
    if (isFunctionWithBody(node)) {
      const own = functionName(node);
      let name = scope === '' ? own : `${scope} > ${own}`;
      const count = (seen.get(name) ?? 0) + 1;
      seen.set(name, count);
      if (count > 1) name = `${name} #${count}`;
      const start = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const end = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      spans.push({ name, lines: end - start + 1 });
      inner = name;
    } else if (ts.isClassLike(node)) {
      inner = node.name?.text ?? '(class)';
      if (scope !== '') inner = `${scope} > ${inner}`;
    }
    ts.forEachChild(node, (child) => {
      visit(child, inner);
    });
  };
  visit(file, '');
  return spans;
}

function isFunctionWithBody(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    (ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)) &&
    node.body !== undefined
  );
}

function functionName(node: ts.FunctionLikeDeclaration): string {
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (node.name !== undefined && !ts.isComputedPropertyName(node.name)) {
    const prefix = ts.isGetAccessorDeclaration(node)
      ? 'get '
      : ts.isSetAccessorDeclaration(node)
        ? 'set '
        : '';
    return prefix + node.name.text;
  }
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (
    (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) &&
    !ts.isComputedPropertyName(parent.name)
  ) {
    return parent.name.text;
  }
  return ts.isArrowFunction(node) ? '(arrow)' : '(function)';
}

/**
 * Compares a fresh check with the known violations, listed as `rule key: measure` lines. A
 * known violation that no longer holds must leave the list, and a size that grew past the
 * listed measure counts as new: the list only shrinks.
 */
export function compareWithKnown(
  current: readonly Violation[],
  known: readonly string[],
): { readonly added: string[]; readonly fixed: string[] } {
  const listed = new Map<string, number>();
  for (const line of known) {
    const match = /^(\S+) (.+): (\d+)$/.exec(line);
    if (match === null) throw new Error(`not a known-violation line: ${line}`);
    listed.set(`${match[1] ?? ''} ${match[2] ?? ''}`, Number(match[3]));
  }
  const added: string[] = [];
  const stillThere = new Set<string>();
  for (const violation of current) {
    const id = `${violation.rule} ${violation.key}`;
    const ceiling = listed.get(id);
    if (ceiling === undefined || violation.measure > ceiling)
      added.push(formatViolation(violation));
    if (ceiling !== undefined) stillThere.add(id);
  }
  const fixed = [...listed.keys()].filter((id) => !stillThere.has(id));
  return { added, fixed };
}

export function formatViolation(violation: Violation): string {
  return `${violation.rule} ${violation.key}: ${violation.measure}`;
}
