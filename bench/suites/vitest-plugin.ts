/**
 * Suite (4): the bhsan Vitest plugin's overhead per test. The same generated file of 200 small
 * leak-free tests runs under `vitest run` with and without the plugin, alternately; each run is
 * one sample of a tinybench async task, and the per-test overhead is the difference of the
 * medians over 200.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vitestConfigs, writeVitestFixture } from '../generate/vitest-fixture.js';
import { measureInterleaved } from '../lib/measure.js';
import { requireBuilt, requireExports } from '../lib/packages.js';
import { makeWorkDir, removeWorkDir, runNode, tail, toolPath } from '../lib/process.js';
import {
  find,
  withRatio,
  type Measurement,
  type SuiteOptions,
  type SuiteOutput,
} from '../lib/results.js';

const testCount = 200;

/** Interleaved runs of each config (full mode). */
const rounds = 7;

interface JsonSummary {
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  testResults: Array<{ assertionResults: Array<{ duration?: number | null }> }>;
}

/**
 * One `vitest run`; throws unless every test passed. Returns the sum of the tests' durations as
 * Vitest reports them (the time inside the worker, without process start).
 */
async function vitestRun(dir: string, config: string): Promise<number> {
  const out = join(dir, `${config}.json`);
  const result = await runNode(
    [
      toolPath('vitest', 'vitest.mjs'),
      'run',
      '--config',
      config,
      '--reporter=json',
      '--outputFile',
      out,
    ],
    dir,
    { CI: '1', NO_COLOR: '1' },
  );
  if (result.code !== 0) {
    throw new Error(`vitest run --config ${config} exited ${result.code}:\n${tail(result)}`);
  }
  const summary = JSON.parse(readFileSync(out, 'utf8')) as JsonSummary;
  if (summary.numPassedTests !== testCount || summary.numFailedTests !== 0) {
    throw new Error(
      `vitest run --config ${config}: ${summary.numPassedTests} of ${testCount} tests passed`,
    );
  }
  return summary.testResults
    .flatMap((file) => file.assertionResults)
    .reduce((sum, test) => sum + (test.duration ?? 0), 0);
}

export async function run(options: SuiteOptions): Promise<SuiteOutput> {
  requireBuilt('runtime', 'dist/index.js');
  const entry = requireBuilt('testkit', 'dist/vitest/index.js');
  requireExports('@bhsan/testkit/vitest', await import(entry), ['bhsan']);

  const dir = makeWorkDir('vitest', ['vitest', '@bhsan/runtime', '@bhsan/testkit']);
  try {
    writeVitestFixture(dir, testCount);
    // One untimed warm-up run each (transform and disk caches), then interleaved samples.
    options.progress('vitest runs');
    const reported = { plain: [] as number[], bhsan: [] as number[] };
    const measurements = await measureInterleaved(
      [
        {
          id: 'plain',
          label: `vitest run, ${testCount} tests, without the plugin`,
          perCall: 1,
          unit: 'ms/run',
          async: true,
          fn: async () => reported.plain.push(await vitestRun(dir, vitestConfigs.plain)),
        },
        {
          id: 'bhsan',
          label: `vitest run, ${testCount} tests, with bhsan()`,
          perCall: 1,
          unit: 'ms/run',
          async: true,
          fn: async () => reported.bhsan.push(await vitestRun(dir, vitestConfigs.bhsan)),
        },
      ],
      options.quick ? 1 : rounds,
      1,
    );
    // The first entry of each is the warm-up run.
    const inWorker = {
      plain: median(reported.plain.slice(1)) / testCount,
      bhsan: median(reported.bhsan.slice(1)) / testCount,
    };
    return { measurements: perTest(measurements, inWorker), notes: notes(options) };
  } finally {
    removeWorkDir(dir);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function perTest(list: Measurement[], inWorker: { plain: number; bhsan: number }): Measurement[] {
  const plain = find(list, 'plain');
  const bhsan = find(list, 'bhsan');
  if (plain === undefined || bhsan === undefined) {
    throw new Error('vitest runs produced no figures');
  }
  const out: Measurement[] = [
    ...list,
    {
      id: 'plain.per-test',
      label: 'without the plugin, per test (run / 200)',
      value: plain.value / testCount,
      unit: 'ms/test',
    },
    {
      id: 'overhead.per-test',
      label: 'plugin overhead per test ((with − without) / 200)',
      value: (bhsan.value - plain.value) / testCount,
      unit: 'ms/test',
    },
    {
      id: 'worker.plain',
      label: 'test duration as Vitest reports it, without the plugin',
      value: inWorker.plain,
      unit: 'ms/test',
    },
    {
      id: 'worker.bhsan',
      label: 'test duration as Vitest reports it, with bhsan()',
      value: inWorker.bhsan,
      unit: 'ms/test',
    },
  ];
  withRatio(out, 'bhsan', 'plain');
  withRatio(out, 'overhead.per-test', 'plain.per-test');
  withRatio(out, 'worker.bhsan', 'worker.plain');
  return out;
}

function notes(options: SuiteOptions): string[] {
  return [
    'whole `vitest run` wall time (process start included), median of ' +
      `${options.quick ? '1 run (quick)' : `${rounds} interleaved runs`} after 1 warm-up run each`,
  ];
}
