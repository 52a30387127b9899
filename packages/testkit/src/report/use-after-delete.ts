/**
 * The report of a use after delete, laid out like a heap-use-after-free report: the use, then
 * where the BH was deleted, then where it was allocated, then one SUMMARY line.
 */
import { createColors } from 'picocolors';
import type { Allocation, StackFrame } from '@bhsan/runtime';
import { reportFrames } from './paths.js';
import { renderFrames } from './render.js';
import type { ReportFrame } from './types.js';

/** The facts of a `UseAfterDeleteError` or `TimerUseAfterFreeError`. */
export interface UseAfterDeleteSites {
  /** The BH's name (`UseAfterDeleteError`). */
  readonly bhName?: string;
  /** The timer's name (`TimerUseAfterFreeError`). */
  readonly timerName?: string;
  readonly operation: string;
  readonly allocation?: Allocation | undefined;
  readonly deletedAt: readonly StackFrame[];
  readonly usedAt: readonly StackFrame[];
}

/** How to render. */
export interface UseAfterDeleteRenderOptions {
  readonly color?: boolean;
  readonly cwd?: string;
  readonly stripPathPrefix?: string;
  readonly pid?: number;
}

/** True for errors that carry use-after-delete facts (checks the fields, not the class). */
export function isUseAfterDelete(error: unknown): error is UseAfterDeleteSites {
  if (typeof error !== 'object' || error === null) return false;
  const record = error as Record<string, unknown>;
  return (
    (record.code === 'BHSAN_USE_AFTER_DELETE' || record.code === 'BHSAN_TIMER_USE_AFTER_FREE') &&
    Array.isArray(record.deletedAt) &&
    Array.isArray(record.usedAt)
  );
}

/** Renders the three sites of a use after delete as text ending in a newline. */
export function renderUseAfterDelete(
  facts: UseAfterDeleteSites,
  options: UseAfterDeleteRenderOptions = {},
): string {
  const c = createColors(options.color === true);
  const cwd = options.cwd ?? process.cwd();
  const strip = options.stripPathPrefix ?? '';
  const shown = (frames: readonly StackFrame[]): ReportFrame[] => reportFrames(frames, cwd, strip);

  const isTimer = facts.timerName !== undefined;
  const name = facts.bhName ?? facts.timerName ?? facts.allocation?.name ?? 'anonymous';
  const what = isTimer ? `timer '${name}'` : `bottom half '${name}'`;
  const bug = isTimer ? 'use-after-free' : 'use-after-delete';
  const deleted = isTimer ? 'freed' : 'deleted';
  const used = shown(facts.usedAt);
  const top = used[0];
  const where =
    top === undefined ? '' : ` ${top.file}:${top.line}:${top.column} in ${top.function}`;

  const lines = [
    '',
    '='.repeat(65),
    c.red(c.bold(`==${options.pid ?? process.pid}==ERROR: BHSanitizer: ${bug} on ${what}`)),
    c.bold(`${facts.operation}() of ${deleted} ${what} here:`),
    ...renderFrames(used, c),
    '',
    c.bold(`${what} was ${deleted} here:`),
    ...renderFrames(shown(facts.deletedAt), c),
    '',
    c.bold(`${what} was previously allocated here:`),
    ...renderFrames(shown(facts.allocation?.frames ?? []), c),
    '',
    `SUMMARY: BHSanitizer: ${bug}${where}`,
  ];
  return `${lines.join('\n')}\n`;
}
