import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadState, saveState, StateFileError } from './state-file.js';
import { testWorkspace } from './workspace.test-support.js';

const STATE = testWorkspace({ rlsEnabled: true, members: [], records: { company: {} } });

const dir = () => mkdtempSync(join(tmpdir(), 'tiergate-state-'));

describe('the sandbox state file', () => {
  it('saves a state and loads it back whole', async () => {
    const path = join(dir(), 'nested', 'state.json');
    await saveState(path, STATE);
    await expect(loadState(path)).resolves.toEqual(STATE);
  });

  it('loads nothing, without failing, when the file does not exist yet', async () => {
    await expect(loadState(join(dir(), 'missing.json'))).resolves.toBeUndefined();
  });

  it('refuses a file that is not JSON or not a sandbox state, naming it', async () => {
    const path = join(dir(), 'state.json');
    writeFileSync(path, '{ nope');
    await expect(loadState(path)).rejects.toThrow(StateFileError);
    writeFileSync(path, JSON.stringify({ version: 1, state: {} }));
    await expect(loadState(path)).rejects.toThrow(`${path} is not a Tiergate sandbox state`);
  });

  it('leaves no temporary file behind', async () => {
    const folder = dir();
    await saveState(join(folder, 'state.json'), STATE);
    expect(JSON.parse(readFileSync(join(folder, 'state.json'), 'utf8'))).toMatchObject({
      format: 'tiergate-sandbox-state',
    });
    expect(readdirSync(folder)).toEqual(['state.json']);
  });
});
