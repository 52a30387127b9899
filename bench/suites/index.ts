/**
 * Every suite `pnpm bench` runs, in order. Each runs in its own Node process (started with
 * `--expose-gc`) so that one suite's heap does not weigh on the next one's figures.
 */
import type { SuiteOptions, SuiteOutput } from '../lib/results.js';

export interface SuiteEntry {
  readonly id: string;
  readonly title: string;
  /** Loads the suite module and runs it. Who may call: bench/lib/child.ts. */
  readonly run: (options: SuiteOptions) => Promise<SuiteOutput>;
}

export const suites: readonly SuiteEntry[] = [
  {
    id: 'poll',
    title: '(1) Poll cost with N created-but-unscheduled BHs and one scheduled',
    run: async (o) => (await import('./poll.js')).run(o),
  },
  {
    id: 'dispatch',
    title: '(2) Cost per dispatched callback',
    run: async (o) => (await import('./dispatch.js')).run(o),
  },
  {
    id: 'tracking',
    title: '(3) What allocation tracking costs',
    run: async (o) => (await import('./tracking.js')).run(o),
  },
  {
    id: 'vitest',
    title: '(4) Vitest plugin overhead per test (200 tests that leak nothing)',
    run: async (o) => (await import('./vitest-plugin.js')).run(o),
  },
  {
    id: 'eslint',
    title: "(5) The lint rules' share of ESLint time (TIMING=all)",
    run: async (o) => (await import('./eslint-rules.js')).run(o),
  },
  {
    id: 'block-device',
    title: '(6) Block-device workload: requests per second',
    run: async (o) => (await import('./block-device.js')).run(o),
  },
];
