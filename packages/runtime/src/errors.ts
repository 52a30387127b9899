/**
 * Every error the runtime throws on purpose. Each class has a stable `code` that programs may match
 * on, a message that says what was wrong and what to do, and the facts as fields.
 */
import { plainPath } from './tracking/stack-depot.js';
import type { Allocation, Leak, StackFrame } from './tracking/types.js';

/** Base class of every bhsan error; `code` never changes between releases. */
export class BhsanError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An operation on a bottom half, as named in use-after-delete errors. */
export type BhOperation = 'schedule' | 'scheduleIdle' | 'cancel' | 'delete';

/** Facts about a use after delete: where the BH was made, deleted and used again. */
export interface UseAfterDeleteFacts {
  readonly allocation?: Allocation;
  readonly deletedAt: readonly StackFrame[];
  readonly usedAt: readonly StackFrame[];
}

/** `schedule`, `scheduleIdle`, `cancel` or `delete` on a BH that was already deleted. */
export class UseAfterDeleteError extends BhsanError {
  readonly bhName: string;
  readonly operation: BhOperation;
  readonly allocation: Allocation | undefined;
  readonly deletedAt: readonly StackFrame[];
  readonly usedAt: readonly StackFrame[];

  constructor(bhName: string, operation: BhOperation, facts: UseAfterDeleteFacts) {
    const what = operation === 'delete' ? 'double delete' : 'use after delete';
    super(
      'BHSAN_USE_AFTER_DELETE',
      `${what}: \`${operation}()\` on bottom half '${bhName}', which was already deleted` +
        `${where(facts.deletedAt)}. A deleted BH may not be used again: create a new one.`,
    );
    this.bhName = bhName;
    this.operation = operation;
    this.allocation = facts.allocation;
    this.deletedAt = facts.deletedAt;
    this.usedAt = facts.usedAt;
  }
}

/** An operation on a timer that was already freed. */
export class TimerUseAfterFreeError extends BhsanError {
  readonly timerName: string;
  readonly operation: 'mod' | 'del' | 'free';
  readonly allocation: Allocation | undefined;
  readonly deletedAt: readonly StackFrame[];
  readonly usedAt: readonly StackFrame[];

  constructor(timerName: string, operation: 'mod' | 'del' | 'free', facts: UseAfterDeleteFacts) {
    super(
      'BHSAN_TIMER_USE_AFTER_FREE',
      `\`${operation}()\` on timer '${timerName}', which was already freed` +
        `${where(facts.deletedAt)}. A freed timer may not be used again: create a new one.`,
    );
    this.timerName = timerName;
    this.operation = operation;
    this.allocation = facts.allocation;
    this.deletedAt = facts.deletedAt;
    this.usedAt = facts.usedAt;
  }
}

/** Poll, schedule, `bhNew`, `timerNew` or a second `finalize` on a finalized context. */
export class ContextFinalizedError extends BhsanError {
  readonly contextName: string;
  readonly operation: string;
  /** The BH or timer the operation was on, if any. */
  readonly subjectName: string | undefined;

  constructor(contextName: string, operation: string, subjectName?: string) {
    const on = subjectName === undefined ? '' : ` on '${subjectName}'`;
    super(
      'BHSAN_CONTEXT_FINALIZED',
      `\`${operation}()\`${on} in context '${contextName}', which was already finalized. ` +
        'Nothing may run in a context after finalize().',
    );
    this.contextName = contextName;
    this.operation = operation;
    this.subjectName = subjectName;
  }
}

/** `finalize()` called from inside a poll of the same context (a callback, a nested poll). */
export class FinalizeDuringPollError extends BhsanError {
  readonly contextName: string;

  constructor(contextName: string) {
    super(
      'BHSAN_FINALIZE_DURING_POLL',
      `finalize() of context '${contextName}' was called while a poll of it is running. ` +
        'Finalize the context after its last poll has returned.',
    );
    this.contextName = contextName;
  }
}

/**
 * `finalize()` found undeleted bottom halves or unfreed timers; every one is in `leaks`, and the
 * message names each with its allocation site when it was tracked with a stack:
 * `bh 'cleanup' (allocated at src/x.ts:18:17)`; one already collected adds `, collected`.
 */
export class UndeletedBottomHalvesError extends BhsanError {
  readonly contextName: string;
  readonly leaks: readonly Leak[];

  constructor(contextName: string, leaks: readonly Leak[]) {
    const names = leaks.map(describeLeak);
    super(
      'BHSAN_UNDELETED_AT_FINALIZE',
      `context '${contextName}' was finalized with ${leaks.length} undeleted ` +
        `${leaks.length === 1 ? 'object' : 'objects'}: ${names.join(', ')}. ` +
        'Delete every BH (and free every timer) before finalizing its context.',
    );
    this.contextName = contextName;
    this.leaks = leaks;
  }
}

/** A blocking poll or iteration found nothing that could ever end its wait. */
export class BlockingPollWouldHangError extends BhsanError {
  readonly contextName: string;
  /** Timers on the virtual clock, which only the program can advance. */
  readonly virtualTimersPending: number;

  constructor(contextName: string, virtualTimersPending: number) {
    const virtual =
      virtualTimersPending > 0
        ? ` (${virtualTimersPending} virtual-clock timer(s) are pending: advance ` +
          '`clocks.virtual` instead of blocking)'
        : '';
    super(
      'BHSAN_POLL_WOULD_HANG',
      `a blocking poll of '${contextName}' would wait forever: no bottom half is scheduled, ` +
        `no realtime timer is pending and nothing else can notify it${virtual}. ` +
        'Poll with blocking=false, or schedule something first.',
    );
    this.contextName = contextName;
    this.virtualTimersPending = virtualTimersPending;
  }
}

/** A blocking wait is impossible here (no SharedArrayBuffer, or Atomics.wait is not allowed). */
export class BlockingUnsupportedError extends BhsanError {
  constructor(reason: string) {
    super(
      'BHSAN_BLOCKING_UNSUPPORTED',
      `a blocking poll needs Atomics.wait on a SharedArrayBuffer, which this environment ` +
        `refuses (${reason}). Poll with blocking=false, or drive the context from the event loop.`,
    );
  }
}

/** The virtual clock was moved backwards. */
export class ClockError extends BhsanError {
  readonly requestedNs: number;
  readonly currentNs: number;

  constructor(requestedNs: number, currentNs: number) {
    super(
      'BHSAN_CLOCK_BACKWARDS',
      `the virtual clock cannot go back from ${currentNs} ns to ${requestedNs} ns. ` +
        'Pass a time at or after `clocks.now(ClockType.VIRTUAL)`.',
    );
    this.requestedNs = requestedNs;
    this.currentNs = currentNs;
  }
}

/** An argument of a runtime API call had the wrong type or value. */
export class InvalidArgumentError extends BhsanError {
  /** `function(argument)`, as in `timerNew(scale)`. */
  readonly where: string;

  constructor(where: string, problem: string) {
    super('BHSAN_INVALID_ARGUMENT', `${where}: ${problem}`);
    this.where = where;
  }
}

/** `null`, or the `typeof` of a value: what an InvalidArgumentError says was given. */
export function typeOf(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/** `bh 'name'`, plus where it was allocated (first frame outside the runtime) when known. */
function describeLeak(leak: Leak): string {
  const { kind, name, frames } = leak.allocation;
  const top = frames[0];
  const facts: string[] = [];
  if (top !== undefined)
    facts.push(`allocated at ${displayPath(top.file)}:${top.line}:${top.column}`);
  if (leak.kind === 'direct') facts.push('collected');
  return `${kind} '${name}'${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
}

/**
 * A frame's file as a message shows it: a `file://` URL as a path, relative to the working
 * directory when it lies inside it (Node only; browsers keep the URL).
 */
function displayPath(file: string): string {
  const path = plainPath(file);
  const cwd = workingDirectory();
  if (cwd !== undefined && path.startsWith(`${cwd}/`)) return path.slice(cwd.length + 1);
  return path;
}

function workingDirectory(): string | undefined {
  const proc = (globalThis as { process?: { cwd?: () => string } }).process;
  if (typeof proc?.cwd !== 'function') return undefined;
  try {
    return proc.cwd().replace(/\\/g, '/');
  } catch {
    return undefined;
  }
}

function where(frames: readonly StackFrame[]): string {
  const top = frames[0];
  if (top === undefined) return '';
  return ` at ${top.functionName} (${displayPath(top.file)}:${top.line}:${top.column})`;
}
