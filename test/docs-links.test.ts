/**
 * The README and docs/ travel with the code: every relative link in them must lead to a file
 * (and heading) of the repository, so a clone has no dead link and nothing points outside it.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  anchorsOf,
  deadLinks,
  diskReader,
  documentedFiles,
  formatDeadLink,
  slugOf,
  type RepoReader,
} from './docs-links.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

function memoryReader(files: Record<string, string>): RepoReader {
  return (path) =>
    files[path] ?? (Object.keys(files).some((f) => f.startsWith(`${path}/`)) ? '' : undefined);
}

describe('the README and docs/', () => {
  it('have no dead relative link and no link outside the repository', () => {
    const read = diskReader(repoRoot);
    const files = documentedFiles(repoRoot, (path) => readdirSync(path));
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/policy.md']));
    const dead = files.flatMap((file) => deadLinks(file, read)).map(formatDeadLink);
    expect(dead).toEqual([]);
  });

  it('link the architecture, operations, policy and host-fidelity pages from the README', () => {
    const readme = diskReader(repoRoot)('README.md') ?? '';
    const pages = ['architecture', 'operations', 'policy', 'host-fidelity'];
    expect(pages.filter((page) => !readme.includes(`](docs/${page}.md`))).toEqual([]);
  });
});

describe('the dead-link check', () => {
  const files = {
    'README.md': [
      '# Title',
      'See [the policy](docs/policy.md#2-loading), [setup](#setup) and [ops](docs/ops.md).',
      'Also [design](../shared/design/ARCHITECTURE.md), [abs](/work/x.md) and [web](https://example.com/x).',
      '[folder](examples/) and [file](examples/a.yaml) and `[code](nowhere.md)`.',
      '```md',
      '[fenced](nowhere.md)',
      '```',
      '## Set-up',
      '[ref]: docs/missing.md',
      '',
    ].join('\n'),
    'docs/policy.md': '# Policy\n## 2. Loading\nBack to [the top](../README.md#title).\n',
    'examples/a.yaml': 'version: 1\n',
  };

  it('catches a missing file, a missing heading and paths leaving the repository', () => {
    expect(deadLinks('README.md', memoryReader(files)).map(formatDeadLink)).toEqual([
      'README.md:2: #setup (no heading makes #setup)',
      'README.md:2: docs/ops.md (no such file)',
      'README.md:3: ../shared/design/ARCHITECTURE.md (a path outside the repository)',
      'README.md:3: /work/x.md (a path outside the repository)',
      'README.md:9: docs/missing.md (no such file)',
    ]);
  });

  it('passes links to files, folders and headings that exist, and leaves code alone', () => {
    expect(deadLinks('docs/policy.md', memoryReader(files))).toEqual([]);
  });

  it('makes anchors as GitHub does', () => {
    expect(slugOf('10. Conditions about the member: `$member`')).toBe(
      '10-conditions-about-the-member-member',
    );
    expect(slugOf('Every way a value can leave, and what the gateway does with it')).toBe(
      'every-way-a-value-can-leave-and-what-the-gateway-does-with-it',
    );
    expect([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n')]).toEqual(['a', 'a-1']);
  });
});
