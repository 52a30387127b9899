/**
 * Suite (1): the cost of one schedule+poll round while N other BHs were created and never
 * scheduled. bhsan keeps such BHs off every list, so its round must not grow with N; the baseline
 * walks all of them on every poll.
 */
import { baselineBackend, bhsanBackend, type Backend, type BhHandle } from '../lib/backends.js';
import { collector } from '../lib/gc.js';
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

/** Created-but-unscheduled BH counts. 0 is issue 2's "none created"; 200,000 its comparison. */
const sizes = [0, 1, 1_000, 100_000, 200_000, 1_000_000] as const;

/** Rounds per tinybench call: enough to lift a sub-microsecond round above timer resolution. */
function roundsPerCall(backend: Backend, size: number): number {
  return backend.id === 'bhsan' || size <= 1_000 ? 256 : 1;
}

function noop(): void {}

async function measureRound(
  backend: Backend,
  size: number,
  options: SuiteOptions,
): Promise<Measurement> {
  const context = backend.newContext();
  const idle: BhHandle[] = [];
  for (let i = 0; i < size; i++) {
    idle.push(context.bhNew(noop));
  }
  let ran = 0;
  const scheduled = context.bhNew(() => {
    ran++;
  });
  const rounds = roundsPerCall(backend, size);
  let calls = 0;
  options.progress(`${backend.id}, ${size} created: measuring`);

  const [measurement] = await measure(
    [
      {
        id: `${backend.id}.${size}`,
        label: `${backend.id}, N = ${size.toLocaleString('en-US')}`,
        perCall: rounds,
        unit: 'ns/round',
        fn: () => {
          calls++;
          for (let r = 0; r < rounds; r++) {
            scheduled.schedule();
            context.bhPoll();
          }
        },
      },
    ],
    microBudget(options.quick),
  );

  // The figure only counts if every round really dispatched the scheduled callback once.
  if (ran !== calls * rounds) {
    throw new Error(`${backend.id} at ${size}: ${ran} callbacks ran in ${calls * rounds} rounds`);
  }
  backend.dispose(context, [...idle, scheduled]);
  if (measurement === undefined) {
    throw new Error('measure returned nothing');
  }
  return measurement;
}

export async function run(options: SuiteOptions): Promise<SuiteOutput> {
  const runtime = await loadRuntime();
  const gc = collector();
  const backends = [bhsanBackend(runtime), baselineBackend];

  // Tracking stays on (weak registry and all) but captures no stacks: at depth 30, creating the
  // 1,300,000 BHs would take most of the time budget. Suite (3) measures what depth costs.
  const { tracker } = runtime;
  const initial = { enabled: tracker.enabled, mallocContextSize: tracker.mallocContextSize };
  tracker.configure({ enabled: true, mallocContextSize: 0 });
  const measurements: Measurement[] = [];
  try {
    for (const size of sizes) {
      for (const backend of backends) {
        gc();
        measurements.push(await measureRound(backend, size, options));
      }
    }
  } finally {
    tracker.configure(initial);
  }

  for (const size of sizes) {
    if (size >= 1_000) {
      withRatio(measurements, `bhsan.${size}`, 'bhsan.1');
    }
    withRatio(measurements, `baseline.${size}`, `bhsan.${size}`);
  }
  withRatio(measurements, 'bhsan.1', 'bhsan.0');
  withRatio(measurements, 'bhsan.200000', 'bhsan.0');

  return { measurements, claims: claims(measurements), notes: notes() };
}

function ratioOf(list: readonly Measurement[], id: string, against: string): number | undefined {
  const a = find(list, id);
  const b = find(list, against);
  return a === undefined || b === undefined ? undefined : a.value / b.value;
}

function claims(list: readonly Measurement[]): Claim[] {
  const flat = ratioOf(list, 'bhsan.1000000', 'bhsan.1');
  const slower = ratioOf(list, 'baseline.1000000', 'bhsan.1000000');
  const ownGrowth = ratioOf(list, 'baseline.1000000', 'baseline.1');
  const issue2 = ratioOf(list, 'bhsan.200000', 'bhsan.0');
  return [
    {
      text: 'bhsan poll with 1,000,000 unscheduled BHs within 1.5x of poll with 1',
      holds: flat === undefined ? undefined : flat <= 1.5,
      observed: flat === undefined ? 'not measured' : formatRatio(flat),
    },
    {
      text: 'baseline at least 1,000x slower than bhsan at 1,000,000',
      holds: slower === undefined ? undefined : slower >= 1_000,
      observed:
        slower === undefined
          ? 'not measured'
          : `${formatRatio(slower)} (baseline's own growth 1 → 1,000,000: ` +
            `${ownGrowth === undefined ? '?' : formatRatio(ownGrowth)})`,
    },
    {
      text: 'issue 2: schedule+poll with 200,000 created within a few times (≤3x) of none',
      holds: issue2 === undefined ? undefined : issue2 <= 3,
      observed: issue2 === undefined ? 'not measured' : formatRatio(issue2),
    },
  ];
}

function notes(): string[] {
  return [
    'one round = schedule() of the one scheduled BH + one bhPoll(); median of samples',
    'bhsan BHs tracked (weak registry on) with stack depth 0 to keep setup short',
  ];
}
