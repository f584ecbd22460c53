/**
 * The source tree keeps the layout's rules (see `layout-check.ts`): no import circle, no import
 * from a folder above, no file over 400 lines, no function over 80. The tree still breaks some
 * of them; those are listed below with their measure, and the list may only shrink: a new
 * violation fails, and so does a listed one that is gone (take it off the list).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  LAYOUT_LIMITS,
  checkLayout,
  compareWithKnown,
  formatViolation,
  isCheckedSource,
  readSourceTree,
  type SourceTree,
} from './layout-check.js';

const KNOWN_VIOLATIONS: readonly string[] = [
  'file-lines src/cli/commands/serve.ts: 433',
  'file-lines src/fault-suite/fault-suite.ts: 582',
  'function-lines src/fault-suite/checker.ts compareJournal: 122',
  'function-lines src/twenty-app/host-org.ts resolve: 100',
  'circle src/sandbox/rest/rest-api.ts <-> src/sandbox/rest/rest-call.ts <-> src/sandbox/rest/rest-extras.ts <-> src/sandbox/rest/rest-routes.ts <-> src/sandbox/server.ts: 0',
  'file-lines src/audit/journal-store.ts: 550',
  'file-lines src/audit/outbox-relay.ts: 547',
  'file-lines src/cli/commands/audit.ts: 413',
  'file-lines src/cli/commands/sync.ts: 539',
  'file-lines src/events/intake-app.ts: 432',
  'file-lines src/events/sweep.ts: 687',
  'file-lines src/events/watchdog.ts: 416',
  'file-lines src/host/rest-filter.ts: 506',
  'file-lines src/store/inbox.ts: 520',
  'file-lines src/sync/admin-session.ts: 575',
  'file-lines src/sync/delivery-proof.ts: 406',
  'function-lines src/audit/journal-store.ts verifyStoredJournal: 122',
  'function-lines src/cli/commands/audit.ts createAuditCommand: 107',
  'function-lines src/cli/commands/doctor.ts doctorCommandWith: 127',
  'function-lines src/cli/commands/doctor.ts doctorCommandWith > run: 108',
  'function-lines src/cli/commands/sandbox-demo.ts applyDemoPolicy: 84',
  'function-lines src/cli/commands/sandbox.ts run: 134',
  'function-lines src/cli/commands/serve.ts run: 96',
  'function-lines src/events/intake-app.ts createApp: 236',
  'function-lines src/events/intake-app.ts createApp > intake: 99',
  'function-lines src/events/server.ts startServer: 97',
  'function-lines src/events/sweep.ts SweepOf > changesSince: 92',
  'function-lines src/store/inbox.ts insertManyIfNew: 86',
  'function-lines src/store/migrations.ts up: 93',
  'upward-import src/cli/commands/audit.ts -> src/cli/: 4',
  'upward-import src/cli/commands/demo.ts -> src/cli/: 3',
  'upward-import src/cli/commands/doctor.ts -> src/cli/: 4',
  'upward-import src/cli/commands/events.ts -> src/cli/: 3',
  'upward-import src/cli/commands/explain.ts -> src/cli/: 4',
  'upward-import src/cli/commands/gateway.ts -> src/cli/: 3',
  'upward-import src/cli/commands/install.ts -> src/cli/: 4',
  'upward-import src/cli/commands/login.ts -> src/cli/: 3',
  'upward-import src/cli/commands/org.ts -> src/cli/: 4',
  'upward-import src/cli/commands/sandbox-demo.ts -> src/cli/: 3',
  'upward-import src/cli/commands/sandbox.ts -> src/cli/: 3',
  'upward-import src/cli/commands/schema.ts -> src/cli/: 2',
  'upward-import src/cli/commands/serve.ts -> src/cli/: 3',
  'upward-import src/cli/commands/sync.ts -> src/cli/: 5',
  'upward-import src/cli/commands/test.ts -> src/cli/: 2',
  'upward-import src/cli/commands/validate.ts -> src/cli/: 3',
  'upward-import src/sandbox/core/access.ts -> src/sandbox/: 2',
  'upward-import src/sandbox/core/aggregates.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/context.ts -> src/sandbox/: 2',
  'upward-import src/sandbox/core/core-api.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/duplicates.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/filter.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/find.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/group-by.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/merge.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/mutation-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/mutations.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/object-model.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/order.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/paging.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/query-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/records.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/resolver-kit.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/search-query.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/search-vector.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/core/selection.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/api-key-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/auth-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/auth-state.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/context.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/field-builders.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/field-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/metadata-api.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/object-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/object-views.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/permission-flags.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/permission-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/field-permission-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/permission-checks.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/rest/rest-call.ts -> src/sandbox/: 2',
  'upward-import src/sandbox/rest/rest-extras.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/rest/rest-routes.ts -> src/sandbox/: 2',
  'upward-import src/sandbox/metadata/role-resolvers.ts -> src/sandbox/: 2',
  'upward-import src/sandbox/metadata/role-state.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/role-views.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/row-level-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/session-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/metadata/webhook-resolvers.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/permissions/native-authorizer.ts -> src/sandbox/: 2',
  'upward-import src/sandbox/permissions/rls-values.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/permissions/rls.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/permissions/role-permissions.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/rest/rest-api.ts -> src/sandbox/: 2',
  'upward-import src/sandbox/rest/rest-params.ts -> src/sandbox/: 1',
  'upward-import src/sandbox/rest/rest-selection.ts -> src/sandbox/: 1',
];

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function tree(files: Record<string, string>): SourceTree {
  return new Map(Object.entries(files));
}

function functionOfLines(name: string, lines: number): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`);
  return [`export function ${name}(): void {`, ...body, '}', ''].join('\n');
}

describe('the source tree', () => {
  // Parsing every source file takes seconds, more on a machine busy with the rest of the suite.
  it('breaks no layout rule beyond the known violations, and each known one still holds', () => {
    const current = checkLayout(readSourceTree(repoRoot, 'src'));
    const { added, fixed } = compareWithKnown(current, KNOWN_VIOLATIONS);
    const list = current.map((v) => `  '${formatViolation(v)}',`).join('\n');
    expect(
      { added, fixed },
      `the layout's known violations are now:\n${list}\n(new ones must be fixed, not listed)`,
    ).toEqual({ added: [], fixed: [] });
  }, 120_000);
});

describe('the layout checker', () => {
  it('finds an import circle, through re-exports and type-only imports too', () => {
    const violations = checkLayout(
      tree({
        'src/a/one.ts': "import { two } from './two.js';\nexport const one = two;\n",
        'src/a/two.ts': "export * from './three.js';\nexport const two = 2;\n",
        'src/a/three.ts': "import type { One } from './four.js';\nexport type Three = One;\n",
        'src/a/four.ts': "import { one } from './one.js';\nexport type One = typeof one;\n",
        'src/a/leaf.ts': "import { one } from './one.js';\nexport const leaf = one;\n",
      }),
    );
    expect(violations.map(formatViolation)).toEqual([
      'circle src/a/four.ts <-> src/a/one.ts <-> src/a/three.ts <-> src/a/two.ts: 0',
    ]);
  });

  it('finds no circle in a chain of imports', () => {
    const violations = checkLayout(
      tree({
        'src/a/one.ts': "import { two } from './two.js';\nexport const one = two;\n",
        'src/a/two.ts': "import { three } from '../b/three.js';\nexport const two = three;\n",
        'src/b/three.ts': 'export const three = 3;\n',
      }),
    );
    expect(violations).toEqual([]);
  });

  it('finds an import from a folder above, counting the files reached there', () => {
    const violations = checkLayout(
      tree({
        'src/gateway/shared.ts': 'export const shared = 1;\n',
        'src/gateway/other.ts': 'export const other = 1;\n',
        'src/gateway/graphql/x.ts': [
          "import { shared } from '../shared.js';",
          "import { other } from '../other.js';",
          'export const x = shared + other;',
          '',
        ].join('\n'),
        'src/gateway/rest/y.ts': "import { x } from '../graphql/x.js';\nexport const y = x;\n",
        'src/policy/z.ts': "import { y } from '../gateway/rest/y.js';\nexport const z = y;\n",
        'src/index.ts': "export { z } from './policy/z.js';\n",
        'src/policy/w.ts': "import { z } from '../index.js';\nexport const w = z;\n",
      }),
    );
    expect(violations.map(formatViolation)).toEqual([
      'upward-import src/gateway/graphql/x.ts -> src/gateway/: 2',
      'upward-import src/policy/w.ts -> src/: 1',
    ]);
  });

  it('finds a file and a function over their limits, and not those at them', () => {
    const limits = LAYOUT_LIMITS;
    const atLimit = functionOfLines('fits', limits.maxFunctionLines);
    const overLimit = functionOfLines('tooLong', limits.maxFunctionLines + 1);
    const method = [
      'export class Store {',
      ...functionOfLines('append', limits.maxFunctionLines + 2)
        .replace('export function ', '  ')
        .split('\n'),
      '}',
      '',
    ].join('\n');
    const longFile = Array.from({ length: limits.maxFileLines + 1 }, (_, i) => `// ${i}`);
    const violations = checkLayout(
      tree({
        'src/a/fits.ts': atLimit,
        'src/a/long.ts': overLimit,
        'src/a/store.ts': method,
        'src/a/big.ts': longFile.join('\n') + '\n',
        'src/a/edge.ts': longFile.slice(1).join('\n') + '\n',
      }),
    );
    expect(violations.map(formatViolation)).toEqual([
      `file-lines src/a/big.ts: ${limits.maxFileLines + 1}`,
      `function-lines src/a/long.ts tooLong: ${limits.maxFunctionLines + 1}`,
      `function-lines src/a/store.ts Store > append: ${limits.maxFunctionLines + 2}`,
    ]);
  });

  it('names an unnamed function after the one around it', () => {
    const inner = functionOfLines('x', LAYOUT_LIMITS.maxFunctionLines + 1)
      .replace('export function x(): void {', '  app.post(() => {')
      .replace(/}\n$/, '  });\n');
    const source = `export function start(app: { post(f: () => void): void }): void {\n${inner}}\n`;
    const names = checkLayout(tree({ 'src/a/s.ts': source }))
      .filter((v) => v.rule === 'function-lines')
      .map((v) => v.key);
    expect(names).toEqual(['src/a/s.ts start', 'src/a/s.ts start > (arrow)']);
  });

  it('leaves tests, test helpers and generated code out', () => {
    expect(isCheckedSource('src/gateway/server.ts')).toBe(true);
    expect(isCheckedSource('src/gateway/server.test.ts')).toBe(false);
    expect(isCheckedSource('src/sync/fixtures.test-support.ts')).toBe(false);
    expect(isCheckedSource('src/host/generated/core.ts')).toBe(false);
    expect(isCheckedSource('src/host/types.d.ts')).toBe(false);
    expect(isCheckedSource('src/README.md')).toBe(false);
  });
});

describe('the known-violations ratchet', () => {
  const current = [
    { rule: 'file-lines', key: 'src/a/big.ts', measure: 420 },
    { rule: 'circle', key: 'src/a/x.ts <-> src/a/y.ts', measure: 0 },
  ] as const;

  it('passes when the list is the current violations', () => {
    expect(
      compareWithKnown(current, [
        'file-lines src/a/big.ts: 420',
        'circle src/a/x.ts <-> src/a/y.ts: 0',
      ]),
    ).toEqual({ added: [], fixed: [] });
  });

  it('passes a listed size that shrank but still breaks the limit', () => {
    expect(
      compareWithKnown(current, [
        'file-lines src/a/big.ts: 450',
        'circle src/a/x.ts <-> src/a/y.ts: 0',
      ]),
    ).toEqual({ added: [], fixed: [] });
  });

  it('fails on a new violation and on a listed size that grew', () => {
    expect(compareWithKnown(current, ['file-lines src/a/big.ts: 410'])).toEqual({
      added: ['file-lines src/a/big.ts: 420', 'circle src/a/x.ts <-> src/a/y.ts: 0'],
      fixed: [],
    });
  });

  it('fails on a listed violation that is gone', () => {
    expect(
      compareWithKnown(current, [
        'file-lines src/a/big.ts: 420',
        'circle src/a/x.ts <-> src/a/y.ts: 0',
        'function-lines src/a/gone.ts f: 90',
      ]),
    ).toEqual({ added: [], fixed: ['function-lines src/a/gone.ts f'] });
  });
});
