/**
 * Measuring through tinybench. Every figure comes from a tinybench task; a task that does many
 * operations per call (a batch) says so, and the figure is the per-operation cost.
 */
import { Bench, hrtimeNowTimestampProvider } from 'tinybench';
import type { Measurement } from './results.js';

/** How long tinybench samples each task. */
export interface Budget {
  /** Sampling time per task, ms. */
  readonly time: number;
  /** Warm-up time per task, ms; 0 turns warm-up off. */
  readonly warmupTime: number;
  /** Minimum number of samples. */
  readonly iterations: number;
  /** Minimum number of warm-up calls when warm-up is on (default 5). */
  readonly warmupIterations?: number;
}

/** The budget for in-process micro-benchmarks: full runs sample longer than quick ones. */
export function microBudget(quick: boolean): Budget {
  return quick
    ? { time: 80, warmupTime: 20, iterations: 10 }
    : { time: 700, warmupTime: 150, iterations: 30 };
}

/** One task: `fn` performs `perCall` operations; the figure is the cost of one operation. */
export interface TaskSpec {
  readonly id: string;
  readonly label: string;
  readonly fn: () => unknown;
  /** Operations one call of `fn` performs (callbacks dispatched, rounds polled…). */
  readonly perCall: number;
  /** Unit of the result: per-operation nanoseconds (`ns/…`) or milliseconds (`ms/…`). */
  readonly unit: `ns/${string}` | `ms/${string}`;
  /** True when `fn` returns a promise that must be awaited inside the timed window. */
  readonly async?: boolean;
}

/**
 * Run `specs` one after another in one tinybench Bench and turn each into a Measurement: the
 * median sample divided by `perCall`. Who may call: suites, one group at a time, after their setup.
 */
export async function measure(specs: readonly TaskSpec[], budget: Budget): Promise<Measurement[]> {
  const bench = new Bench({
    time: budget.time,
    warmupTime: budget.warmupTime,
    warmup: budget.warmupTime > 0,
    iterations: budget.iterations,
    warmupIterations: budget.warmupTime > 0 ? (budget.warmupIterations ?? 5) : 0,
    throws: true,
    timestampProvider: hrtimeNowTimestampProvider,
  });
  for (const spec of specs) {
    bench.add(spec.id, spec.fn, { async: spec.async ?? false });
  }

  const tasks = specs.every((s) => s.async !== true) ? bench.runSync() : await bench.run();

  return specs.map((spec, i): Measurement => {
    const result = tasks[i]?.result;
    if (result === undefined || !('latency' in result)) {
      const error = result !== undefined && 'error' in result ? result.error : undefined;
      throw new Error(`task '${spec.id}' produced no samples`, { cause: error });
    }
    const perOpMs = result.latency.p50 / spec.perCall;
    return {
      id: spec.id,
      label: spec.label,
      value: spec.unit.startsWith('ns/') ? perOpMs * 1e6 : perOpMs,
      unit: spec.unit,
      rme: result.latency.rme,
      samples: result.latency.samplesCount,
    };
  });
}

/**
 * For whole-process tasks (seconds each, on a machine other work may load): `rounds` rounds, each
 * taking one tinybench sample of every spec, the order reversed every other round, so that a
 * change in machine load weighs on every spec alike. The figure is the median sample; `rme` is
 * left out (too few samples to mean much). `warmup` untimed calls of each spec come first.
 */
export async function measureInterleaved(
  specs: readonly TaskSpec[],
  rounds: number,
  warmup: number,
): Promise<Measurement[]> {
  for (let w = 0; w < warmup; w++) {
    for (const spec of specs) {
      await spec.fn();
    }
  }

  const samples = new Map<string, number[]>(specs.map((s) => [s.id, []]));
  const once: Budget = { time: 0, warmupTime: 0, iterations: 1 };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? specs : [...specs].reverse();
    for (const spec of order) {
      const [m] = await measure([spec], once);
      if (m !== undefined) {
        samples.get(spec.id)?.push(m.value);
      }
    }
  }

  return specs.map((spec): Measurement => {
    const values = [...(samples.get(spec.id) ?? [])].sort((a, b) => a - b);
    const mid = Math.floor(values.length / 2);
    const median =
      values.length % 2 === 1
        ? (values[mid] ?? Number.NaN)
        : ((values[mid - 1] ?? Number.NaN) + (values[mid] ?? Number.NaN)) / 2;
    return {
      id: spec.id,
      label: spec.label,
      value: median,
      unit: spec.unit,
      samples: values.length,
    };
  });
}
