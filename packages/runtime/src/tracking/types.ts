/**
 * The facts the allocation tracker hands out. Everything here is plain data: turning it into
 * words, colours, JSON or exit codes is the testkit's job.
 */

/** One frame of an allocation, deletion or use stack, as the engine reported it. */
export interface StackFrame {
  /** Function name as the engine gives it (`Migration.connect`), or `<anonymous>`. */
  readonly functionName: string;
  /** File path or URL as the engine gives it (source-mapped when source maps are enabled). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/** What was allocated: a bottom half or a timer. */
export type AllocationKind = 'bh' | 'timer';

/** One tracked allocation: a BH or timer, where and by whom it was made. */
export interface Allocation {
  /** Unique, increasing for the process. */
  readonly id: number;
  readonly kind: AllocationKind;
  /** The BH's or timer's name (explicit, or its callback's name). */
  readonly name: string;
  /** Name of the context the object belongs to. */
  readonly contextName: string;
  /** Owner label in force when the object was allocated (a test's full name, say). */
  readonly owner: string | undefined;
  /** Id of the allocation stack in the stack depot; 0 when capture was off. */
  readonly stackId: number;
  /** The allocation stack, runtime frames left out; parsed from the depot on first read. */
  readonly frames: readonly StackFrame[];
}

/**
 * How a leak was found.
 * - `direct`: the object was garbage-collected without being deleted; nothing can delete it now.
 * - `undeleted-at-finalize`: its context was finalized while it was still undeleted.
 * - `still-reachable`: it is alive and undeleted when a check ran (strict checks only).
 */
export type LeakKind = 'direct' | 'undeleted-at-finalize' | 'still-reachable';

/** One leaked object. */
export interface Leak {
  readonly kind: LeakKind;
  readonly allocation: Allocation;
  /**
   * The object itself, only for `still-reachable` and `undeleted-at-finalize` leaks (the others are
   * gone). Held strongly by this record: drop the record when done with it.
   */
  readonly object?: object;
}
