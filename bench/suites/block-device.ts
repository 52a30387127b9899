/**
 * Suite (6): requests per second of the block-device example's workload (examples/block-device:
 * 2 devices × 1 queue + 99 × 32 queues = 3,170 completion BHs, 4 busy queues, one poll per round)
 * on bhsan and on the baseline, through the example's own `runWorkload` and its context interface.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { baselineBackend, bhsanBackend, type Backend } from '../lib/backends.js';
import { measure, type Budget } from '../lib/measure.js';
import { loadRuntime, repoRoot, requireExports } from '../lib/packages.js';
import {
  SuiteSkipped,
  withRatio,
  type Measurement,
  type SuiteOptions,
  type SuiteOutput,
} from '../lib/results.js';

type Example = typeof import('../../examples/block-device/src/index.js');

/**
 * Requests per workload run (one tinybench sample): enough for some 10 ms of submit-and-poll on
 * each, so that the sample is well above the timer's resolution and the baseline's runs stay short.
 */
const requestsPerRun = { bhsan: 1_000_000, baseline: 100_000 } as const;

async function loadExample(): Promise<Example> {
  const entry = join(repoRoot, 'examples', 'block-device', 'src', 'index.ts');
  if (!existsSync(entry)) {
    throw new SuiteSkipped('examples/block-device/src/index.ts is missing');
  }
  const example = (await import('../../examples/block-device/src/index.js')) as Example;
  requireExports('examples/block-device', example, ['runWorkload']);
  return example;
}

/**
 * One sample = one runWorkload. Plugging and unplugging 3,170 BHs is setup, not workload, so the
 * sample is the example's own count of its submit-and-poll loop, handed to tinybench as the
 * sample's duration (`overriddenDuration`); tinybench does the sampling and the statistics.
 */
async function requestsPerSecond(
  example: Example,
  backend: Backend,
  options: SuiteOptions,
): Promise<Measurement> {
  const budget: Budget = options.quick
    ? { time: 1, warmupTime: 1, warmupIterations: 1, iterations: 5 }
    : { time: 1, warmupTime: 1, warmupIterations: 3, iterations: 30 };
  const requests = requestsPerRun[backend.id];
  options.progress(`${backend.id}: ${budget.iterations} runs of ${requests} requests`);

  const [perRun] = await measure(
    [
      {
        id: backend.id,
        label: backend.label,
        perCall: requests,
        unit: 'ns/request',
        fn: () => {
          const context = backend.newContext();
          const stats = example.runWorkload({ context, requests });
          if (stats.requestsCompleted !== requests) {
            throw new Error(`${backend.id}: ${stats.requestsCompleted} of ${requests} completed`);
          }
          backend.dispose(context, []);
          return { overriddenDuration: stats.elapsedNs / 1e6 };
        },
      },
    ],
    budget,
  );
  if (perRun === undefined) {
    throw new Error(`${backend.id}: no figure`);
  }
  return { ...perRun, value: 1e9 / perRun.value, unit: 'req/s' };
}

export async function run(options: SuiteOptions): Promise<SuiteOutput> {
  const runtime = await loadRuntime();
  const example = await loadExample();
  const measurements = [
    await requestsPerSecond(example, bhsanBackend(runtime), options),
    await requestsPerSecond(example, baselineBackend, options),
  ];
  withRatio(measurements, 'bhsan', 'baseline');
  return {
    measurements,
    notes: [
      'runWorkload from examples/block-device with its defaults (QEMU shape, 4 busy queues, ' +
        'depth 2) but 1,000,000 requests a run on bhsan and 100,000 on the baseline',
      "a sample is the example's own timing of its submit-and-poll loop (plug/unplug excluded)",
    ],
  };
}
