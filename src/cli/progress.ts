/**
 * A progress bar for the long tasks (reading every record of an object, writing many): the
 * total, how far, and an estimate of the time left, drawn by cli-progress on stderr when stderr
 * is a terminal. Elsewhere (a pipe, a log, CI) nothing is drawn and one line sums the task up
 * when it ends, so logs stay readable.
 */
import cliProgress from 'cli-progress';
import type { ViewerProgress } from '../twenty-app/viewers.js';
import type { Output } from './io.js';

/** What a stream must offer to be drawn on; `isTTY` is true only on a terminal. */
export interface ProgressStream extends Output {
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Progress {
  /** How far, out of how many (the total may be learnt late or change). */
  update(done: number, total: number): void;
  /** Ends the task: the bar is cleared and `summary`, if any, is printed as one line. */
  stop(summary?: string): void;
}

export interface ProgressOptions {
  /** Redraws a second at most (cli-progress's fps; 10 unless said). */
  readonly fps?: number;
}

function isTerminal(stream: ProgressStream): boolean {
  return stream.isTTY === true;
}

/** A bar labelled `label` on `stream`, or the quiet one-line form when it is not a terminal. */
export function startProgress(
  stream: ProgressStream,
  label: string,
  total: number,
  options: ProgressOptions = {},
  /** Work done before the bar appeared, which the estimate must not credit to its first step. */
  startAt = 0,
): Progress {
  if (!isTerminal(stream)) {
    return {
      update: () => undefined,
      stop: (summary) => {
        if (summary !== undefined) stream.write(`${summary}\n`);
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      // cli-progress writes through the Node stream API; ours is the CLI's stderr.
      stream: stream as unknown as NodeJS.WritableStream,
      format: `${label} [{bar}] {value}/{total} {percentage}% | ETA {eta_formatted}`,
      barsize: 24,
      hideCursor: false,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: options.fps ?? 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(total, 0), startAt);
  return {
    update: (done, newTotal) => {
      if (newTotal !== bar.getTotal()) bar.setTotal(newTotal);
      bar.update(done);
    },
    stop: (summary) => {
      bar.stop();
      if (summary !== undefined) stream.write(`${summary}\n`);
    },
  };
}

/** One task of a series: the bar's label, and the line that sums it up when it ends. */
export interface Task {
  readonly label: string;
  readonly summary: (done: number, total: number) => string;
}

export interface TaskProgress {
  /** How far the task is; a task with another label ends the one before. */
  update(task: Task, done: number, total: number): void;
  /** Ends the task in progress, if any. */
  stop(): void;
}

/** Tasks one after another on `stream` (object after object), one bar at a time. */
export function taskProgress(stream: ProgressStream, options: ProgressOptions = {}): TaskProgress {
  let current: { task: Task; progress: Progress; done: number; total: number } | undefined;
  const stop = (): void => {
    if (current === undefined) return;
    current.progress.stop(current.task.summary(current.done, current.total));
    current = undefined;
  };
  return {
    update: (task, done, total) => {
      if (current !== undefined && current.task.label !== task.label) stop();
      current ??= {
        task,
        progress: startProgress(stream, task.label, total, options, done),
        done,
        total,
      };
      current.done = done;
      current.total = total;
      current.progress.update(done, total);
    },
    stop,
  };
}

/** The viewers backfill's progress (src/twenty-app/viewers.ts): a bar per object and phase. */
export function viewersProgress(
  stream: ProgressStream,
  options: ProgressOptions = {},
): { readonly onProgress: (progress: ViewerProgress) => void; stop(): void } {
  const tasks = taskProgress(stream, options);
  return {
    onProgress: ({ object, phase, done, total }) =>
      tasks.update(
        {
          label: `  tiergateViewers: ${phase === 'read' ? 'reading' : 'writing'} ${object}`,
          summary: (n, of) =>
            `  tiergateViewers: ${phase === 'read' ? 'read' : 'wrote'} ${n}/${of} ${object} records`,
        },
        done,
        total,
      ),
    stop: () => tasks.stop(),
  };
}
