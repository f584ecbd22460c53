/**
 * The gateway's layout holds: no import circle, no layer importing one above it (core <
 * graphql, metadata < rest < http), no source file over 400 lines, no function over 80.
 * Tests may use the fixtures in testing/ and the bypass suite's helpers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = dirname(fileURLToPath(import.meta.url));
const RANK: Readonly<Record<string, number>> = {
  core: 0,
  graphql: 1,
  metadata: 1,
  rest: 2,
  http: 3,
  testing: 4,
  bypass: 5,
};
const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

interface SourceFile {
  readonly path: string;
  readonly lines: number;
  readonly imports: readonly string[];
  readonly longFunctions: readonly string[];
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function isFunction(node: ts.Node): boolean {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isConstructorDeclaration(node)
  );
}

function read(path: string): SourceFile {
  const text = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
  const imports: string[] = [];
  const longFunctions: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.moduleSpecifier.text.startsWith('.')
    )
      imports.push(resolve(dirname(path), node.moduleSpecifier.text).replace(/\.js$/, '.ts'));
    if (isFunction(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > MAX_FUNCTION_LINES)
        longFunctions.push(`${relative(ROOT, path)}:${start + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { path, lines: text.split('\n').length, imports, longFunctions };
}

const files = tsFiles(ROOT).map(read);
const sources = files.filter((file) => !/\.test(-support)?\.ts$/.test(file.path));
const inGateway = (path: string) => path.startsWith(ROOT + sep);
const folderOf = (path: string): string | undefined => {
  const parts = relative(ROOT, path).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
};

function circles(): string[][] {
  const graph = new Map(files.map((file) => [file.path, file.imports.filter(inGateway)]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const walk = (path: string): void => {
    state.set(path, 'open');
    stack.push(path);
    for (const next of graph.get(path) ?? []) {
      if (state.get(next) === 'open') found.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next) && graph.has(next)) walk(next);
    }
    stack.pop();
    state.set(path, 'done');
  };
  for (const path of graph.keys()) if (!state.has(path)) walk(path);
  return found.map((cycle) => cycle.map((path) => relative(ROOT, path)));
}

describe('the gateway layout', () => {
  it('has no import circle', () => {
    expect(circles()).toEqual([]);
  });

  it('has no folder importing from a layer above it', () => {
    const upward: string[] = [];
    for (const file of files) {
      const from = folderOf(file.path);
      if (from === undefined) continue;
      const isTest = /\.test(-support)?\.ts$/.test(file.path);
      for (const target of file.imports.filter(inGateway)) {
        const to = folderOf(target);
        if (to === from) continue;
        if (isTest && (to === 'testing' || to === 'bypass')) continue;
        const ok = to !== undefined && (RANK[to] ?? Infinity) < (RANK[from] ?? -1);
        if (!ok) upward.push(`${relative(ROOT, file.path)} -> ${relative(ROOT, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it(`has no source file over ${MAX_FILE_LINES} lines`, () => {
    const long = sources.filter((file) => file.lines > MAX_FILE_LINES);
    expect(long.map((file) => relative(ROOT, file.path))).toEqual([]);
  });

  it(`has no source function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(sources.flatMap((file) => file.longFunctions)).toEqual([]);
  });
});
