/**
 * Suite (3): what allocation tracking costs. It belongs to bhNew and delete (stack capture, the
 * weak registry), so it should show there and hardly at all in schedule+poll; and it costs heap per
 * live BH, weighed here with a real gc().
 */
import type { AioContext, BottomHalf } from '@bhsan/runtime';
import { collector, settledHeapUsed } from '../lib/gc.js';
import { measure, microBudget } from '../lib/measure.js';
import { loadRuntime } from '../lib/packages.js';
import {
  withRatio,
  type Measurement,
  type SuiteOptions,
  type SuiteOutput,
} from '../lib/results.js';

/** BHs created and deleted (or schedule+poll rounds) per tinybench call. */
const batch = 256;

/** Live BHs weighed for the heap figure. */
const liveCount = 100_000;

function noop(): void {}

export async function run(options: SuiteOptions): Promise<SuiteOutput> {
  const runtime = await loadRuntime();
  const { AioContext, tracker } = runtime;
  const initial = { enabled: tracker.enabled, mallocContextSize: tracker.mallocContextSize };
  const gc = collector();
  const budget = microBudget(options.quick);
  const context = new AioContext({ name: 'bench-tracking' });
  const measurements: Measurement[] = [];

  try {
    // bhNew + delete, then one poll that releases the deleted batch (as the next poll would).
    const lifecycles = [
      {
        id: 'new-delete.depth30',
        label: 'bhNew+delete, tracking on, stack depth 30',
        on: true,
        depth: 30,
      },
      {
        id: 'new-delete.depth0',
        label: 'bhNew+delete, tracking on, stack depth 0',
        on: true,
        depth: 0,
      },
      { id: 'new-delete.off', label: 'bhNew+delete, tracking off', on: false, depth: 30 },
    ];
    for (const variant of lifecycles) {
      tracker.configure({ enabled: variant.on, mallocContextSize: variant.depth });
      options.progress(variant.label);
      measurements.push(
        ...(await measure(
          [
            {
              id: variant.id,
              label: variant.label,
              perCall: batch,
              unit: 'ns/BH',
              fn: () => {
                for (let i = 0; i < batch; i++) {
                  context.bhNew(noop).delete();
                }
                context.bhPoll();
              },
            },
          ],
          budget,
        )),
      );
    }

    // schedule+poll of a BH created with tracking on, and of one created with it off.
    for (const on of [true, false]) {
      tracker.configure({ enabled: on, mallocContextSize: 30 });
      const bh = context.bhNew(noop);
      const id = on ? 'schedule-poll.on' : 'schedule-poll.off';
      options.progress(id);
      measurements.push(
        ...(await measure(
          [
            {
              id,
              label: `schedule+bhPoll, tracking ${on ? 'on (depth 30)' : 'off'}`,
              perCall: batch,
              unit: 'ns/round',
              fn: () => {
                for (let i = 0; i < batch; i++) {
                  bh.schedule();
                  context.bhPoll();
                }
              },
            },
          ],
          budget,
        )),
      );
      bh.delete();
      context.bhPoll();
    }

    // Heap per live BH: median of three weighings (one when quick), tracked and untracked.
    const rounds = options.quick ? 1 : 3;
    for (const on of [true, false]) {
      tracker.configure({ enabled: on, mallocContextSize: 30 });
      const weighings: number[] = [];
      for (let round = 0; round < rounds; round++) {
        options.progress(`heap, tracking ${on ? 'on' : 'off'}, round ${round + 1}`);
        weighings.push(bytesPerLiveBh(context, gc));
      }
      weighings.sort((a, b) => a - b);
      measurements.push({
        id: on ? 'heap.on' : 'heap.off',
        label: `heap per live BH at ${liveCount.toLocaleString('en-US')}, tracking ${
          on ? 'on (depth 30)' : 'off'
        }`,
        value: weighings[Math.floor(rounds / 2)] ?? Number.NaN,
        unit: 'bytes/BH',
        samples: weighings.length,
      });
    }
  } finally {
    tracker.configure(initial);
  }
  context.finalize();

  withRatio(measurements, 'new-delete.depth30', 'new-delete.off');
  withRatio(measurements, 'new-delete.depth0', 'new-delete.off');
  withRatio(measurements, 'schedule-poll.on', 'schedule-poll.off');
  withRatio(measurements, 'heap.on', 'heap.off');

  return {
    measurements,
    notes: [
      'bhNew+delete figures include the share of the poll that releases the deleted BHs',
      'heap = (heapUsed with the BHs alive − heapUsed before) / count, after gc() until stable',
    ],
  };
}

/** Create `liveCount` BHs, weigh them, delete them. Who may call: run, with tracking set. */
function bytesPerLiveBh(context: AioContext, gc: () => void): number {
  const before = settledHeapUsed(gc);
  // Preallocated so that the array's backing store is exactly liveCount slots.
  const live = new Array<BottomHalf>(liveCount);
  for (let i = 0; i < liveCount; i++) {
    live[i] = context.bhNew(noop);
  }
  const after = settledHeapUsed(gc);

  for (const bh of live) {
    bh.delete();
  }
  context.bhPoll();
  // The array itself is part of the difference; take out its backing store (8 bytes a slot).
  return (after - before - live.length * 8) / liveCount;
}
