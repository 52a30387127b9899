/**
 * The shape of what every suite hands back and of bench/results.json. Plain data only, so that a
 * suite can run in its own process and send its result as JSON.
 */

/** One measured quantity. */
export interface Measurement {
  /** Stable id, unique inside its suite (`bhsan.1000000`). */
  readonly id: string;
  /** What was measured, for people. */
  readonly label: string;
  /** The figure itself, in `unit`. */
  readonly value: number;
  /** `ns/round`, `ns/callback`, `bytes/BH`, `ms/test`, `req/s`, `%`, `ms`. */
  readonly unit: string;
  /** Relative margin of error of the mean, in percent, when the figure came from samples. */
  readonly rme?: number;
  /** How many samples the figure rests on. */
  readonly samples?: number;
  /** The ratio of this figure to its baseline, measured in the same process. */
  readonly ratio?: Ratio;
}

/** A figure divided by the figure it is compared with. */
export interface Ratio {
  /** Id of the measurement in the same suite that is the denominator. */
  readonly against: string;
  readonly value: number;
}

/** A claim from the issues, checked against the figures. */
export interface Claim {
  readonly text: string;
  /** undefined when the figures it needs were not measured (suite skipped or quick mode). */
  readonly holds: boolean | undefined;
  /** The figures that decide it, in words. */
  readonly observed: string;
}

export type SuiteStatus = 'ok' | 'skipped' | 'failed';

export interface SuiteResult {
  readonly id: string;
  readonly title: string;
  readonly status: SuiteStatus;
  /** Why the suite was skipped or failed. */
  readonly reason?: string;
  readonly measurements: readonly Measurement[];
  readonly claims: readonly Claim[];
  /** One-line notes a reader needs to interpret the figures. */
  readonly notes: readonly string[];
  readonly seconds: number;
}

export interface BenchResults {
  readonly schema: 'bhsan-bench/1';
  readonly date: string;
  readonly mode: 'full' | 'quick';
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryMB: number;
    readonly node: string;
    readonly platform: string;
    /** 1-minute load average when the run started and when it ended (other work disturbs it). */
    readonly loadAverage: readonly [number, number];
  };
  readonly seconds: number;
  readonly suites: readonly SuiteResult[];
}

/** Options every suite receives. */
export interface SuiteOptions {
  /** Short runs for smoke testing; figures are noisier and some sizes are left out. */
  readonly quick: boolean;
  /** Writes one progress line to stderr. */
  readonly progress: (line: string) => void;
}

/** Thrown by a suite when something it needs is not there; the suite is reported as skipped. */
export class SuiteSkipped extends Error {
  readonly code = 'BHSAN_BENCH_SKIPPED';

  constructor(readonly reason: string) {
    super(`skipped: ${reason}`);
    this.name = 'SuiteSkipped';
  }
}

/** What a suite module's `run` returns; the harness adds id, title, status and time. */
export interface SuiteOutput {
  readonly measurements: readonly Measurement[];
  readonly claims?: readonly Claim[];
  readonly notes?: readonly string[];
}

/** Divide `value` by the value of the measurement `against`; both must be in `list`. */
export function withRatio(list: Measurement[], id: string, against: string): void {
  const index = list.findIndex((m) => m.id === id);
  const base = list.find((m) => m.id === against);
  const target = list[index];
  if (target === undefined || base === undefined) {
    throw new Error(`withRatio: no measurement '${target === undefined ? id : against}'`);
  }
  list[index] = { ...target, ratio: { against, value: target.value / base.value } };
}

/** Find a measurement by id, or undefined. */
export function find(list: readonly Measurement[], id: string): Measurement | undefined {
  return list.find((m) => m.id === id);
}
