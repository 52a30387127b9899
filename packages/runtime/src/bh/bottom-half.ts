/**
 * The bottom half (QEMUBH): a callback that a context runs later, on its next poll, and its flags.
 * How a BH travels through its context's list is described in bh-list.ts.
 */
import type { AioContext } from '../context/aio-context.js';
import type { BhList } from './bh-list.js';
import {
  ContextFinalizedError,
  InvalidArgumentError,
  UseAfterDeleteError,
  type BhOperation,
} from '../errors.js';
import {
  describeUseAfterDelete,
  trackAllocation,
  trackRelease,
  type AllocationHandle,
} from '../tracking/tracker.js';

/** The state of a bottom half, one bit each. */
export const BhFlag = {
  /** On its context's list or in a slice of it: a poll will take it. */
  PENDING: 1,
  /** Its callback runs when a poll takes it (cleared by `cancel()` and by being taken). */
  SCHEDULED: 2,
  /** `delete()` was called: a poll releases it and never runs it again. */
  DELETED: 4,
  /** Made by `scheduleOneshot()`: released after its only run. */
  ONESHOT: 8,
  /** Scheduled with `scheduleIdle()`: its run does not count as progress. */
  IDLE: 16,
} as const;
export type BhFlag = (typeof BhFlag)[keyof typeof BhFlag];

/** A bottom half's callback. It runs with no arguments; bind what it needs. */
export type BhCallback = () => void;

/** Options of `bhNew()` and `scheduleOneshot()`. */
export interface BhOptions {
  /** Shown in errors and leak reports; defaults to the callback's name, else `'anonymous'`. */
  readonly name?: string;
}

/**
 * A deferred callback bound to one context. Make it with `ctx.bhNew()`; every BH must be deleted
 * (`delete()` or `using`) before its context is finalized or the program loses it.
 */
export class BottomHalf {
  readonly name: string;
  readonly context: AioContext;

  /** @internal Flag bits, written by this class and by the poll in bh-list.ts only. */
  state = 0;
  /** @internal Next BH on the same list or slice; null at the end or when not PENDING. */
  next: BottomHalf | null = null;
  /** @internal Cleared when the BH is released so its closure can be collected. */
  callback: BhCallback;
  /** @internal The context's list. */
  readonly list: BhList;
  /** @internal The tracker's record of this allocation, if tracking was on. */
  readonly handle: AllocationHandle | undefined;

  /** @internal Called by `AioContext.bhNew()` and `scheduleOneshot()` only. */
  constructor(context: AioContext, list: BhList, callback: BhCallback, name: string) {
    if (typeof list?.enqueue !== 'function') {
      throw new InvalidArgumentError('new BottomHalf()', 'make bottom halves with ctx.bhNew()');
    }
    this.context = context;
    this.list = list;
    this.callback = callback;
    this.name = name;
    this.handle = trackAllocation('bh', this, name, context.name);
  }

  /** The current `BhFlag` bits. */
  get flags(): number {
    return this.state;
  }

  get deleted(): boolean {
    return (this.state & BhFlag.DELETED) !== 0;
  }

  /** Whether the callback will run on a coming poll. */
  get scheduled(): boolean {
    return (this.state & (BhFlag.SCHEDULED | BhFlag.DELETED)) === BhFlag.SCHEDULED;
  }

  /** Runs the callback on the context's next poll (once, however often it is scheduled). */
  schedule(): void {
    this.checkUsable('schedule');
    this.list.enqueue(this, BhFlag.SCHEDULED);
  }

  /** Like `schedule()`, but the run does not count as progress and may wait up to 10 ms. */
  scheduleIdle(): void {
    this.checkUsable('scheduleIdle');
    this.list.enqueue(this, BhFlag.SCHEDULED | BhFlag.IDLE);
  }

  /** Keeps a scheduled callback from running; the BH stays usable and may be scheduled again. */
  cancel(): void {
    this.checkNotDeleted('cancel');
    this.state &= ~BhFlag.SCHEDULED;
  }

  /**
   * Ends the BH's life: its callback never runs again, and the next poll releases it. Allowed
   * once, also after its context was finalized.
   */
  delete(): void {
    this.checkNotDeleted('delete');
    trackRelease(this.handle, this);
    if (this.context.finalized) {
      this.state |= BhFlag.DELETED;
      return;
    }
    this.list.enqueue(this, BhFlag.DELETED);
  }

  /** Deletes the BH unless it is deleted already, so that `using bh = ctx.bhNew(...)` works. */
  [Symbol.dispose](): void {
    if (!this.deleted) this.delete();
  }

  private checkUsable(operation: BhOperation): void {
    this.checkNotDeleted(operation);
    if (this.context.finalized) {
      throw new ContextFinalizedError(this.context.name, operation, this.name);
    }
  }

  private checkNotDeleted(operation: BhOperation): void {
    if ((this.state & BhFlag.DELETED) !== 0) {
      throw new UseAfterDeleteError(this.name, operation, describeUseAfterDelete(this.handle));
    }
  }
}
