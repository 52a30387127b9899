/**
 * `checkLeaks()`: a recoverable leak check now, from any test or program. Settles the garbage
 * collector, drains the tracker's leaks, applies options and suppressions, and builds the report.
 */
import { tracker, type Leak } from '@bhsan/runtime';
import { parseBhsanOptions, type BhsanOptions } from './options/index.js';
import { buildReport, leakedCount } from './report/build.js';
import { reportText } from './report/render.js';
import type { Report } from './report/types.js';
import { loadSuppressions, type Suppression } from './suppressions/index.js';

/** Options of `checkLeaks`. */
export interface CheckLeaksOptions {
  /** Options in force; default: parsed from the BHSAN_OPTIONS environment variable. */
  readonly options?: BhsanOptions;
  /** Suppression rules; default: loaded from `options.suppressions` when set. */
  readonly suppressions?: readonly Suppression[];
  /** Only leaks of allocations made under this owner label. */
  readonly owner?: string;
  /** Write the text report to stderr when it is not empty (default false). */
  readonly print?: boolean;
  /** Colour the text (default false). */
  readonly color?: boolean;
  /** Directory frames are shown relative to; default `process.cwd()`. */
  readonly cwd?: string;
  /** GC and event-loop rounds before the check (default 10; 0 skips settling). */
  readonly settleRounds?: number;
}

/** What `checkLeaks` found. */
export interface CheckLeaksResult {
  /** Every leak drained from the tracker, suppressed ones included. */
  readonly leaks: readonly Leak[];
  readonly report: Report;
  /** The text report; '' when nothing leaked and no suppression matched. */
  readonly text: string;
  /** Leaked objects left after suppressions. */
  readonly leaked: number;
}

/** Runs a leak check now. Any caller in Node; async because it lets finalizers run. */
export async function checkLeaks(options: CheckLeaksOptions = {}): Promise<CheckLeaksResult> {
  const settings = options.options ?? parseBhsanOptions(process.env.BHSAN_OPTIONS ?? '');
  const rounds = options.settleRounds ?? 10;
  if (rounds > 0) await tracker.settle({ rounds });
  return finishCheck(settings, options);
}

/**
 * The synchronous part of a check: drain, suppress, group, render. For exit hooks, after a
 * synchronous collection. Any caller in Node.
 */
export function finishCheck(
  settings: BhsanOptions,
  options: Omit<CheckLeaksOptions, 'options' | 'settleRounds'> = {},
): CheckLeaksResult {
  const leaks = settings.detect_leaks
    ? tracker.check({
        ...(options.owner === undefined ? {} : { owner: options.owner }),
        includeStillReachable: settings.report_still_reachable,
      })
    : [];
  const suppressions =
    options.suppressions ??
    (settings.suppressions === '' ? [] : loadSuppressions(settings.suppressions));
  const report = buildReport(leaks, {
    options: settings,
    suppressions,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  const text = reportText(report, settings, options.color === true);
  if (options.print === true && text !== '') process.stderr.write(text);
  return { leaks, report, text, leaked: leakedCount(report) };
}
