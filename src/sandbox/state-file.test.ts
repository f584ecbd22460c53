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

  it('survives many overlapping saves: the file stays whole and holds the last state asked for', async () => {
    const folder = dir();
    const path = join(folder, 'state.json');
    const states = Array.from({ length: 60 }, (_, i) =>
      testWorkspace({
        rlsEnabled: i % 2 === 0,
        members: [],
        records: {
          company: {
            [`c-${i}`]: {
              id: `c-${i}`,
              createdAt: '2026-01-01T00:00:00.000Z',
              updatedAt: '2026-01-01T00:00:00.000Z',
              deletedAt: null,
              name: 'x'.repeat(2_000 * (60 - i)),
            },
          },
        },
      }),
    );
    await Promise.all(states.map((state) => saveState(path, state)));
    await expect(loadState(path)).resolves.toEqual(states.at(-1));
    expect(readdirSync(folder)).toEqual(['state.json']);
  });
});
