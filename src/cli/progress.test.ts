import { afterEach, describe, expect, it, vi } from 'vitest';
import { startProgress, taskProgress, viewersProgress, type ProgressStream } from './progress.js';

function fakeStream(isTTY: boolean): ProgressStream & { text(): string } {
  const written: string[] = [];
  return {
    isTTY,
    columns: 120,
    write: (chunk: string) => {
      written.push(chunk);
      return true;
    },
    text: () => written.join(''),
  };
}

/** cli-progress times the task with Date.now(): only the date is faked, its redraw timer runs. */
afterEach(() => {
  vi.useRealTimers();
});

describe('progress of a long task', () => {
  it('draws the total, how far, and an estimate of the time left on a terminal', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-06-30T12:00:00Z') });
    const stream = fakeStream(true);
    const progress = startProgress(stream, 'company records', 120, { fps: 1000 });
    for (const done of [20, 40, 60]) {
      vi.setSystemTime(Date.now() + 10_000);
      progress.update(done, 120);
    }
    const drawn = stream.text();
    expect(drawn).toContain('company records [');
    // 20 records every 10 s: the other 60 take 30 s.
    expect(drawn).toContain('60/120 50% | ETA 30s');
    progress.stop('read 120 company records');
    expect(stream.text().endsWith('read 120 company records\n')).toBe(true);
  });

  it('follows a total learnt or changed on the way', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-06-30T12:00:00Z') });
    const stream = fakeStream(true);
    const progress = startProgress(stream, 'records', 0, { fps: 1000 });
    vi.setSystemTime(Date.now() + 1000);
    progress.update(60, 300);
    expect(stream.text()).toContain('60/300 20%');
    progress.stop();
  });

  it('draws nothing where stderr is not a terminal, and sums the task up in one line', () => {
    const stream = fakeStream(false);
    const progress = startProgress(stream, 'company records', 120, { fps: 1000 });
    progress.update(60, 120);
    progress.update(120, 120);
    progress.stop('read 120 company records');
    expect(stream.text()).toBe('read 120 company records\n');
  });

  it('ends each task of a series with its own line when the next begins', () => {
    const stream = fakeStream(false);
    const progress = taskProgress(stream);
    const task = (object: string) => ({
      label: `reading ${object}`,
      summary: (done: number, total: number) => `read ${done}/${total} ${object} records`,
    });
    progress.update(task('company'), 60, 120);
    progress.update(task('company'), 120, 120);
    progress.update(task('person'), 60, 60);
    progress.stop();
    expect(stream.text()).toBe('read 120/120 company records\nread 60/60 person records\n');
  });

  it('draws the viewers backfill object by object, reading then writing', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-06-30T12:00:00Z') });
    const terminal = fakeStream(true);
    const progress = viewersProgress(terminal, { fps: 1000 });
    progress.onProgress({ object: 'company', phase: 'read', done: 60, total: 240 });
    vi.setSystemTime(Date.now() + 2000);
    progress.onProgress({ object: 'company', phase: 'read', done: 120, total: 240 });
    expect(terminal.text()).toContain('tiergateViewers: reading company [');
    // 60 records in 2 s: the other 120 in 4 s.
    expect(terminal.text()).toContain('120/240 50% | ETA 4s');
    progress.onProgress({ object: 'company', phase: 'write', done: 60, total: 100 });
    progress.stop();
    expect(terminal.text()).toContain('  tiergateViewers: read 120/240 company records\n');
    expect(terminal.text()).toContain('  tiergateViewers: wrote 60/100 company records\n');
  });
});
