/**
 * The text report, in LeakSanitizer's layout so that anyone who reads those reads this:
 *
 *     =================================================================
 *     ==4242==ERROR: BHSanitizer: detected bottom-half leaks
 *
 *     Direct leak of 1 BH(s) 'cleanup' allocated from:
 *         #0 in connect src/migration.ts:12:17
 *         #1 in resume src/migration.ts:30:3
 *
 *     -----------------------------------------------------
 *     Suppressions used:
 *       count pattern
 *           2 legacyCleanup
 *     -----------------------------------------------------
 *
 *     SUMMARY: BHSanitizer: 1 BH(s) leaked in 1 allocation(s).
 *
 * The suppressions table is printed whenever a rule matched, even when nothing else is left;
 * otherwise a report without leaks renders as ''.
 */
import { createColors } from 'picocolors';
import type { LeakKind } from '@bhsan/runtime';
import { defaultBhsanOptions, type BhsanOptions } from '../options/index.js';
import type { Report, ReportFrame, ReportGroup } from './types.js';

/** How to render. */
export interface RenderOptions {
  /** ANSI colours (default false; callers pass true only for a TTY). */
  readonly color?: boolean;
  /** Print the `Suppressions used:` table (print_suppressions; default true). */
  readonly printSuppressions?: boolean;
  /** List each leaked object under its group (report_objects; default false). */
  readonly reportObjects?: boolean;
}

type Colors = ReturnType<typeof createColors>;

const RULE = '='.repeat(65);
const THIN_RULE = '-'.repeat(53);

const KIND_TITLE: Readonly<Record<LeakKind, string>> = {
  direct: 'Direct leak',
  'undeleted-at-finalize': 'Undeleted-at-finalize leak',
  'still-reachable': 'Still-reachable leak',
};

/** Renders a report as text ending in a newline, or '' when there is nothing to say. */
export function renderReport(report: Report, options: RenderOptions = {}): string {
  const c = createColors(options.color === true);
  const lines: string[] = [];

  if (report.groups.length > 0) {
    lines.push(
      '',
      RULE,
      c.red(c.bold(`==${report.pid}==ERROR: BHSanitizer: detected bottom-half leaks`)),
    );
    if (report.omittedGroups > 0) {
      const all = report.groups.length + report.omittedGroups;
      lines.push(
        `Showing the largest ${report.groups.length} of ${all} allocation(s) (max_leaks).`,
      );
    }
    for (const group of report.groups) lines.push('', ...renderGroup(group, c, options));
    if (report.omittedGroups > 0) {
      lines.push('', `${report.omittedGroups} more allocation(s) not shown (max_leaks).`);
    }
  }

  if (options.printSuppressions !== false && report.suppressions.length > 0) {
    lines.push(THIN_RULE, 'Suppressions used:', '  count pattern');
    for (const used of report.suppressions) {
      lines.push(`${String(used.count).padStart(7)} ${used.pattern}`);
    }
    lines.push(THIN_RULE);
  }

  if (report.groups.length > 0) lines.push('', summaryLine(report));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Renders a report as BHSAN_OPTIONS asks (print_suppressions, report_objects). Any caller. */
export function reportText(
  report: Report,
  sanitizer: BhsanOptions = defaultBhsanOptions,
  color = false,
): string {
  return renderReport(report, {
    color,
    printSuppressions: sanitizer.print_suppressions,
    reportObjects: sanitizer.report_objects,
  });
}

/** `SUMMARY: BHSanitizer: N BH(s) leaked in M allocation(s).` (timers named when any leaked). */
export function summaryLine(report: Report): string {
  const { bhs, timers, allocations } = report.summary;
  const what = timers > 0 ? `${bhs} BH(s) and ${timers} timer(s)` : `${bhs} BH(s)`;
  return `SUMMARY: BHSanitizer: ${what} leaked in ${allocations} allocation(s).`;
}

function renderGroup(group: ReportGroup, c: Colors, options: RenderOptions): string[] {
  const noun = group.allocationKind === 'bh' ? 'BH(s)' : 'timer(s)';
  const lines = [
    c.bold(
      c.blue(`${KIND_TITLE[group.kind]} of ${group.count} ${noun} '${group.name}' allocated from:`),
    ),
    ...renderFrames(group.frames, c),
  ];
  if (options.reportObjects === true) {
    lines.push('Leaked objects:');
    for (const object of group.objects) {
      const owner = object.owner === null ? '' : ` owned by '${object.owner}'`;
      lines.push(`#${object.id} '${group.name}' in context '${object.context}'${owner}`);
    }
  }
  for (const path of group.retainers ?? []) {
    lines.push(`  held by: ${path.join(' → ')}`);
  }
  return lines;
}

/** Numbered frames, `    #N in <function> <file>:<line>:<col>`. */
export function renderFrames(frames: readonly ReportFrame[], c?: Colors): string[] {
  if (frames.length === 0) return ['    (no stack: malloc_context_size=0)'];
  const colors = c ?? createColors(false);
  return frames.map((frame, index) => {
    const location = `${frame.file}:${frame.line}:${frame.column}`;
    return `    #${index} in ${colors.cyan(frame.function)} ${colors.dim(location)}`;
  });
}
