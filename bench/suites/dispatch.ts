/**
 * Suite (2): what one dispatched callback costs through bhsan next to what a program would use
 * otherwise. Every task dispatches a batch of callbacks per call, so per-callback cost is compared;
 * the asynchronous ones are tinybench async tasks that resolve when the last callback ran.
 */
import { measure, microBudget } from '../lib/measure.js';
import { loadRuntime } from '../lib/packages.js';
import {
  find,
  withRatio,
  type Claim,
  type Measurement,
  type SuiteOptions,
  type SuiteOutput,
} from '../lib/results.js';
import { formatRatio } from '../lib/table.js';

/** Callbacks dispatched per tinybench call. */
const batch = 1_000;

export async function run(options: SuiteOptions): Promise<SuiteOutput> {
  const { AioContext } = await loadRuntime();
  let ran = 0;
  const callback = (): void => {
    ran++;
  };

  const closures = Array.from({ length: batch }, () => () => {
    ran++;
  });
  const context = new AioContext({ name: 'bench-dispatch' });
  const handles = Array.from({ length: batch }, () => context.bhNew(callback));
  const single = handles[0];
  if (single === undefined) {
    throw new Error('no BH created');
  }

  // Each task's own call count; checked against `ran` after it so that no figure is hollow.
  const expected = new Map<string, number>();
  const count = (id: string): void => {
    expected.set(id, (expected.get(id) ?? 0) + batch);
  };

  const specs = [
    {
      id: 'loop',
      label: 'plain loop over an array of closures (floor)',
      fn: () => {
        count('loop');
        for (const f of closures) {
          f();
        }
      },
    },
    {
      id: 'bhsan.batch',
      label: `bhsan: schedule ${batch.toLocaleString('en-US')} BHs, one bhPoll`,
      fn: () => {
        count('bhsan.batch');
        for (const bh of handles) {
          bh.schedule();
        }
        context.bhPoll();
      },
    },
    {
      id: 'bhsan.single',
      label: 'bhsan: schedule 1 BH + bhPoll, per callback',
      fn: () => {
        count('bhsan.single');
        for (let i = 0; i < batch; i++) {
          single.schedule();
          context.bhPoll();
        }
      },
    },
    {
      id: 'setImmediate',
      label: 'setImmediate',
      async: true,
      fn: () =>
        new Promise<void>((resolve) => {
          count('setImmediate');
          for (let i = 1; i < batch; i++) {
            setImmediate(callback);
          }
          setImmediate(() => {
            callback();
            resolve();
          });
        }),
    },
    {
      id: 'queueMicrotask',
      label: 'queueMicrotask',
      async: true,
      fn: () =>
        new Promise<void>((resolve) => {
          count('queueMicrotask');
          for (let i = 1; i < batch; i++) {
            queueMicrotask(callback);
          }
          queueMicrotask(() => {
            callback();
            resolve();
          });
        }),
    },
  ];

  const measurements: Measurement[] = [];
  for (const spec of specs) {
    // One task per Bench so that `ran` can be checked against each task on its own.
    ran = 0;
    const [m] = await measure(
      [{ ...spec, perCall: batch, unit: 'ns/callback' }],
      microBudget(options.quick),
    );
    if (m === undefined || ran !== expected.get(spec.id)) {
      throw new Error(`${spec.id}: ${ran} callbacks ran, ${expected.get(spec.id)} dispatched`);
    }
    measurements.push(m);
  }

  for (const bh of handles) {
    bh.delete();
  }
  context.bhPoll();
  context.finalize();

  withRatio(measurements, 'bhsan.batch', 'setImmediate');
  withRatio(measurements, 'bhsan.single', 'setImmediate');
  withRatio(measurements, 'setImmediate', 'loop');
  withRatio(measurements, 'queueMicrotask', 'loop');

  return {
    measurements,
    claims: claims(measurements),
    notes: [
      `${batch.toLocaleString('en-US')} callbacks per tinybench call; ` +
        `figure = median call / ${batch}`,
    ],
  };
}

function claims(list: readonly Measurement[]): Claim[] {
  const immediate = find(list, 'setImmediate')?.value;
  return (['bhsan.batch', 'bhsan.single'] as const).map((id): Claim => {
    const own = find(list, id)?.value;
    const ratio = own === undefined || immediate === undefined ? undefined : own / immediate;
    return {
      text: `bhsan per-callback cost below setImmediate's (${id})`,
      holds: ratio === undefined ? undefined : ratio < 1,
      observed: ratio === undefined ? 'not measured' : `bhsan/setImmediate = ${formatRatio(ratio)}`,
    };
  });
}
