/**
 * Timers on a context (QEMUTimer). Each context keeps one list per clock of its *pending* timers,
 * sorted by expire time; timers with the same expire time run in the order they were armed. A
 * timer that is not pending is on no list, so, like an unscheduled BH, nothing in the runtime keeps
 * it alive.
 *
 * Cost (p = pending timers of that clock): `mod` O(p) (binary search, then an array insert),
 * `del` O(p), the nearest deadline O(1) per clock, running an expired timer O(p).
 */
import type { AioContext } from '../context/aio-context.js';
import { ClockType, clocks, watchVirtualClock } from './clocks.js';
import { InvalidArgumentError, TimerUseAfterFreeError } from '../errors.js';
import {
  describeUseAfterDelete,
  trackAllocation,
  trackRelease,
  type AllocationHandle,
} from '../tracking/tracker.js';

/** Options of `timerNew()`. */
export interface TimerOptions {
  /** Shown in errors and leak reports; defaults to the callback's name, else `'anonymous'`. */
  readonly name?: string;
}

/**
 * A callback that a context runs once its clock reaches the expire time. Make it with
 * `ctx.timerNew()`; `free()` it when done.
 */
export class Timer {
  readonly name: string;
  readonly clock: ClockType;
  /** Nanoseconds per unit of `mod()`. */
  readonly scale: number;

  /** @internal Expire time in ns, -1 when not pending. */
  expireNs = -1;
  /** @internal */
  freed = false;
  /** @internal */
  callback: () => void;
  /** @internal */
  readonly list: TimerList;
  /** @internal */
  readonly handle: AllocationHandle | undefined;

  /** @internal Called by `AioContext.timerNew()` only. */
  constructor(
    list: TimerList,
    clock: ClockType,
    scale: number,
    callback: () => void,
    name: string,
    contextName: string,
  ) {
    if (typeof list?.arm !== 'function') {
      throw new InvalidArgumentError('new Timer()', 'make timers with ctx.timerNew()');
    }
    this.list = list;
    this.clock = clock;
    this.scale = scale;
    this.callback = callback;
    this.name = name;
    this.handle = trackAllocation('timer', this, name, contextName);
  }

  /** Whether the timer is armed. */
  get pending(): boolean {
    return this.expireNs !== -1;
  }

  /** When the timer fires, in nanoseconds on its clock; -1 when not pending. */
  get expireTime(): number {
    return this.expireNs;
  }

  /** Arms (or re-arms) the timer to fire at `expireTime` units of its scale on its clock. */
  mod(expireTime: number): void {
    this.checkNotFreed('mod');
    if (typeof expireTime !== 'number' || !Number.isFinite(expireTime)) {
      const got =
        typeof expireTime === 'number'
          ? String(expireTime)
          : typeof expireTime === 'string'
            ? `the string '${expireTime}'`
            : expireTime === null
              ? 'null'
              : `a value of type ${typeof expireTime}`;
      throw new InvalidArgumentError(
        `timer '${this.name}'.mod(expireTime)`,
        `expireTime must be a finite number, got ${got}`,
      );
    }
    this.list.arm(this, Math.max(0, Math.floor(expireTime * this.scale)));
  }

  /** Disarms the timer; it may be armed again. */
  del(): void {
    this.checkNotFreed('del');
    this.list.disarm(this);
  }

  /** Disarms the timer and ends its life. */
  free(): void {
    this.checkNotFreed('free');
    this.list.disarm(this);
    this.freed = true;
    this.callback = noop;
    trackRelease(this.handle, this);
  }

  private checkNotFreed(operation: 'mod' | 'del' | 'free'): void {
    if (this.freed) {
      throw new TimerUseAfterFreeError(this.name, operation, describeUseAfterDelete(this.handle));
    }
  }
}

function noop(): void {}

/** The pending timers of one context, by clock. Called by Timer and AioContext only. */
export class TimerList {
  private readonly pending: [Timer[], Timer[]] = [[], []];
  private unwatchVirtual: (() => void) | undefined;
  private readonly context: AioContext;
  /** Wakes the context's drivers; called when the nearest deadline may have moved. */
  private readonly notify: () => void;

  constructor(context: AioContext, notify: () => void) {
    this.context = context;
    this.notify = notify;
  }

  /** Number of pending timers on `clock`. */
  count(clock: ClockType): number {
    return this.pending[clock].length;
  }

  arm(timer: Timer, expireNs: number): void {
    this.context.checkNotFinalized('mod', timer.name);
    const list = this.pending[timer.clock];
    if (timer.expireNs !== -1) remove(list, timer);
    timer.expireNs = expireNs;

    // After every timer expiring at or before expireNs: equal times keep arming order.
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((list[mid] as Timer).expireNs <= expireNs) low = mid + 1;
      else high = mid;
    }
    list.splice(low, 0, timer);

    if (timer.clock === ClockType.VIRTUAL) this.watchVirtual();
    if (low === 0) this.notify();
  }

  /**
   * Called by Timer only. Disarming the nearest timer wakes the drivers too: their wait must
   * be worked out again (it may now be longer, or none), or they would sleep to the old deadline.
   */
  disarm(timer: Timer): void {
    if (timer.expireNs === -1) return;
    const list = this.pending[timer.clock];
    const wasFirst = list[0] === timer;
    remove(list, timer);
    timer.expireNs = -1;
    this.unwatchIfIdle();
    if (wasFirst) this.notify();
  }

  /** Nanoseconds until the earliest deadline on `clock` (0 if expired), or -1 if none. */
  deadline(clock: ClockType): number {
    const first = this.pending[clock][0];
    if (first === undefined) return -1;
    return Math.max(0, first.expireNs - clocks.now(clock));
  }

  /**
   * Runs every expired timer, realtime clock first; returns whether any ran. A timer is disarmed
   * before its callback runs; if a callback throws, the other expired timers stay armed and run
   * on the next poll.
   */
  runExpired(): boolean {
    let progress = false;
    for (const clock of [ClockType.REALTIME, ClockType.VIRTUAL] as const) {
      const list = this.pending[clock];
      if (list.length === 0) continue;
      const now = clocks.now(clock);
      for (let first = list[0]; first !== undefined && first.expireNs <= now; first = list[0]) {
        list.shift();
        first.expireNs = -1;
        progress = true;
        try {
          first.callback();
        } finally {
          this.unwatchIfIdle();
        }
      }
    }
    return progress;
  }

  /** Called by finalize only: disarms everything; returns the timers that were pending. */
  drain(): Timer[] {
    const all = [...this.pending[0], ...this.pending[1]];
    for (const timer of all) timer.expireNs = -1;
    this.pending[0].length = 0;
    this.pending[1].length = 0;
    this.unwatchIfIdle();
    return all;
  }

  private watchVirtual(): void {
    if (this.unwatchVirtual === undefined) this.unwatchVirtual = watchVirtualClock(this.notify);
  }

  private unwatchIfIdle(): void {
    if (this.unwatchVirtual !== undefined && this.pending[ClockType.VIRTUAL].length === 0) {
      this.unwatchVirtual();
      this.unwatchVirtual = undefined;
    }
  }
}

function remove(list: Timer[], timer: Timer): void {
  const index = list.indexOf(timer);
  if (index !== -1) list.splice(index, 1);
}
