/**
 * docs/policy.md is the admin's reference, so every key the policy file accepts must be
 * described there: a key added to the schema without a word in the docs fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from '../src/policy/json-schema.js';

/** Every property name anywhere in a JSON Schema. */
function schemaKeys(schema: unknown): Set<string> {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const properties = (node as { properties?: unknown }).properties;
      if (properties !== null && typeof properties === 'object') {
        for (const key of Object.keys(properties)) keys.add(key);
      }
      Object.values(node).forEach(walk);
    }
  };
  walk(schema);
  return keys;
}

/** Keys the text never names, in code (`key`, `a.key.b`) or as a YAML key (`key:`). */
function undocumented(keys: Iterable<string>, markdown: string): string[] {
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  const code = [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1] ?? '');
  return [...keys].filter((key) => {
    const word = new RegExp(`(^|[^A-Za-z0-9_])${key}([^A-Za-z0-9_]|$)`);
    return !code.some((span) => word.test(span)) && !new RegExp(`\\b${key}:`).test(markdown);
  });
}

describe('docs/policy.md', () => {
  it('names every key of the policy file', () => {
    const doc = readFileSync(new URL('../docs/policy.md', import.meta.url), 'utf8');
    const keys = schemaKeys(policyJsonSchema());
    expect(keys.size).toBeGreaterThan(50);
    expect(undocumented(keys, doc)).toEqual([]);
  });

  it('catches a key the text never names', () => {
    const schema = { properties: { tiers: { items: { properties: { id: {}, rank: {} } } } } };
    const doc = 'The `tiers` list:\n```yaml\ntiers: [{ id: junior }]\n```\nsee also `ranking`.\n';
    expect(undocumented(schemaKeys(schema), doc)).toEqual(['rank']);
  });
});
