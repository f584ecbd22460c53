import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildSchema, printSchema } from 'graphql';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { CORE_SCHEMA_HEADER, prettierLayout } from './print.js';
import { CORE_SCHEMA_SNAPSHOT_PATH, standardCoreSchemaText } from './snapshot.js';

const snapshotPath = resolve(import.meta.dirname, '../../..', CORE_SCHEMA_SNAPSHOT_PATH);

describe('the committed core schema snapshot', () => {
  it('equals what the builder prints for the standard objects', async () => {
    const committed = await readFile(snapshotPath, 'utf8');
    expect(committed).toBe(standardCoreSchemaText());
  });

  it('starts with the generated-file header', () => {
    expect(standardCoreSchemaText().startsWith(`${CORE_SCHEMA_HEADER}\n`)).toBe(true);
  });

  it('is left unchanged by Prettier', async () => {
    const text = standardCoreSchemaText();
    const options = (await resolveConfig(snapshotPath)) ?? {};
    expect(await format(text, { ...options, filepath: snapshotPath })).toBe(text);
  });

  it('is laid out without changing the schema it describes', () => {
    const printed = printSchema(buildSchema(standardCoreSchemaText()));
    expect(printSchema(buildSchema(prettierLayout(printed)))).toBe(printed);
  });

  it('prints the same text on every run', () => {
    expect(standardCoreSchemaText()).toBe(standardCoreSchemaText());
  });
});
