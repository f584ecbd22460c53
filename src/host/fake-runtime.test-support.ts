/** A clock that advances only when slept on, for tests of retries and rate limits. */
import type { HostRuntime } from './runtime.js';

export interface FakeRuntime extends HostRuntime {
  readonly sleeps: number[];
}

export function fakeRuntime(start = 1_767_225_600_000, random = 0.5): FakeRuntime {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    random: () => random,
  };
}
