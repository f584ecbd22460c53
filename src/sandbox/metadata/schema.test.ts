import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metadataSchema, packageRoot } from './schema.js';

describe('packageRoot', () => {
  it('finds the package root from the source tree and from the compiled tree', () => {
    const root = packageRoot();
    expect(packageRoot(join(root, 'src', 'sandbox', 'metadata'))).toBe(root);
    expect(packageRoot(join(root, 'dist', 'src', 'sandbox', 'metadata'))).toBe(root);
  });
});

describe('metadataSchema', () => {
  it('builds the schema once per process', () => {
    expect(metadataSchema()).toBe(metadataSchema());
  });
});
