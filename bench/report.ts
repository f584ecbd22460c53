/**
 * Printing: one table of figures with Tiergate's ratio to each other engine (greater than 1
 * means Tiergate is faster or smaller), then the issue's goals checked against them.
 */

export const ENGINES = ['tiergate', 'baseline', 'casl', 'casbin'] as const;
export type EngineName = (typeof ENGINES)[number];

/** ns: per operation; rec/s: throughput; ms: wall time; bytes: retained heap. */
export type Unit = 'ns' | 'rec/s' | 'ms' | 'bytes';

export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly unit: Unit;
  readonly values: Readonly<Partial<Record<EngineName, number>>>;
}

function fixed(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function formatValue(unit: Unit, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'ns':
      if (value < 1e3) return `${fixed(value)} ns`;
      return value < 1e6 ? `${fixed(value / 1e3)} µs` : `${fixed(value / 1e6)} ms`;
    case 'rec/s':
      if (value >= 1e6) return `${fixed(value / 1e6)} M/s`;
      return value >= 1e3 ? `${fixed(value / 1e3)} k/s` : `${fixed(value)} /s`;
    case 'ms':
      return `${fixed(value)} ms`;
    case 'bytes':
      return value < 1048576 ? `${fixed(value / 1024)} KiB` : `${fixed(value / 1048576)} MiB`;
  }
}

/** How many times better Tiergate is than `other` on this figure. */
export function advantage(figure: Figure, other: EngineName): number {
  const mine = figure.values.tiergate;
  const theirs = figure.values[other];
  if (mine === undefined || theirs === undefined || mine === 0 || theirs === 0) return Number.NaN;
  return figure.unit === 'rec/s' ? mine / theirs : theirs / mine;
}

function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? `${value.toFixed(0)}x` : `${value.toFixed(2)}x`;
}

const pad = (text: string, width: number, left = false): string =>
  left ? text.padEnd(width) : text.padStart(width);

export function printTable(figures: readonly Figure[]): void {
  const header = [
    pad('figure', 44, true),
    ...ENGINES.map((e) => pad(e, 11)),
    pad('vs casl', 9),
    pad('vs casbin', 10),
    pad('vs base', 9),
  ].join(' ');
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const f of figures) {
    console.log(
      [
        pad(f.label, 44, true),
        ...ENGINES.map((e) => pad(formatValue(f.unit, f.values[e]), 11)),
        pad(formatRatio(advantage(f, 'casl')), 9),
        pad(formatRatio(advantage(f, 'casbin')), 10),
        pad(formatRatio(advantage(f, 'baseline')), 9),
      ].join(' '),
    );
  }
}

/** A goal of the issue: Tiergate's advantage over `other` on `figure` is at least `atLeast`. */
export interface Goal {
  readonly figure: string;
  readonly label: string;
  readonly other: EngineName;
  readonly atLeast: number;
}

export const GOALS: readonly Goal[] = [
  { figure: 'can', label: 'decision >= 5x faster than CASL', other: 'casl', atLeast: 5 },
  { figure: 'can', label: 'decision <= 2x the hand-written time', other: 'baseline', atLeast: 0.5 },
  { figure: 'can', label: 'decision >= 100x faster than casbin', other: 'casbin', atLeast: 100 },
  { figure: 'permitted', label: 'field list >= 5x faster than CASL', other: 'casl', atLeast: 5 },
  {
    figure: 'permitted',
    label: 'field list <= 2x the hand-written time',
    other: 'baseline',
    atLeast: 0.5,
  },
  { figure: 'list selective', label: 'list, selective >= 5x CASL', other: 'casl', atLeast: 5 },
  { figure: 'list read-all', label: 'list, read-all >= 5x CASL', other: 'casl', atLeast: 5 },
  { figure: 'build', label: 'build time <= 2x CASL', other: 'casl', atLeast: 0.5 },
  { figure: 'heap', label: 'heap <= 2x CASL', other: 'casl', atLeast: 0.5 },
];

/** Prints the goals table, PASS or FAIL per goal; returns how many failed. */
export function printGoals(figures: readonly Figure[]): number {
  let failed = 0;
  console.log(
    'goals (Tiergate; ratios move about ±15% between runs, a FAIL does not fail the run):',
  );
  console.log(`  ${'goal'.padEnd(42)} ${'ratio'.padStart(9)} ${'needs'.padStart(9)}  result`);
  for (const goal of GOALS) {
    const figure = figures.find((f) => f.key === goal.figure);
    const value = figure ? advantage(figure, goal.other) : Number.NaN;
    const met = value >= goal.atLeast;
    if (!met) failed++;
    console.log(
      `  ${goal.label.padEnd(42)} ${formatRatio(value).padStart(9)} ${`>= ${formatRatio(goal.atLeast)}`.padStart(9)}  ${met ? 'PASS' : 'FAIL  <<<'}`,
    );
  }
  console.log(failed === 0 ? '  all goals PASS' : `  ${failed} goal(s) FAIL`);
  return failed;
}
