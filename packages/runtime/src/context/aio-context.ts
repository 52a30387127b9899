/**
 * The context (AioContext): owns a bottom-half list, timers on both clocks and an event notifier,
 * and runs them when polled. Its GSource face (`ctx.source`) lets a MainContext run it.
 */
import { BhList } from '../bh/bh-list.js';
import { BhFlag, BottomHalf, type BhCallback, type BhOptions } from '../bh/bottom-half.js';
import { ClockType, checkClockType } from '../timers/clocks.js';
import {
  BlockingPollWouldHangError,
  ContextFinalizedError,
  FinalizeDuringPollError,
  InvalidArgumentError,
  UndeletedBottomHalvesError,
  typeOf,
} from '../errors.js';
import type { Source } from '../main-loop/main-context.js';
import { Timer, TimerList, type TimerOptions } from '../timers/timers.js';
import { closeContext, recordFinalizeLeaks } from '../tracking/tracker.js';
import type { Allocation, Leak } from '../tracking/types.js';
import { callListeners } from '../main-loop/listeners.js';
import { sleepNs, soonest } from '../main-loop/wait.js';

/** Options of `new AioContext()`. */
export interface AioContextOptions {
  /**
   * Shown in errors and reports; made unique with `#<n>` if a live context has it. A finalized
   * context's name is free again.
   */
  readonly name?: string;
}

const namesInUse = new Set<string>();
let unnamedCount = 0;

function uniqueName(requested: string | undefined): string {
  if (requested === undefined) {
    let name: string;
    do name = `aio-context#${++unnamedCount}`;
    while (namesInUse.has(name));
    namesInUse.add(name);
    return name;
  }
  let name = requested;
  for (let n = 2; namesInUse.has(name); n++) name = `${requested}#${n}`;
  namesInUse.add(name);
  return name;
}

function callbackName(where: string, callback: unknown, options: BhOptions | undefined): string {
  if (typeof callback !== 'function') {
    throw new InvalidArgumentError(
      where,
      `the callback must be a function, got ${typeOf(callback)}`,
    );
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError(where, `options must be an object, got ${typeOf(options)}`);
  }
  const name = options?.name;
  if (name !== undefined && (typeof name !== 'string' || name === '')) {
    throw new InvalidArgumentError(
      where,
      `options.name must be a non-empty string, got ${name === '' ? "''" : typeOf(name)}`,
    );
  }
  return name ?? (callback.name || 'anonymous');
}

/**
 * A context: create it, make BHs and timers on it, poll it (or attach its source to a
 * MainContext, or drive it from Node's loop), and finalize it once every BH is deleted.
 */
export class AioContext {
  readonly name: string;
  /** The GSource face: attach it to a MainContext to run this context from there. */
  readonly source: AioSource;

  private readonly bhs: BhList;
  private readonly timers: TimerList;
  private notified = false;
  private listeners: Array<() => void> = [];
  private pollDepth = 0;
  private isFinalized = false;
  private refs = 1;

  constructor(options?: AioContextOptions) {
    const requested = options?.name;
    if (requested !== undefined && (typeof requested !== 'string' || requested === '')) {
      throw new InvalidArgumentError(
        'new AioContext(options.name)',
        'the name must be a non-empty string',
      );
    }
    this.name = uniqueName(requested);
    this.bhs = new BhList(() => this.notify());
    // Arming a timer only wakes drivers: every wait recomputes its timeout from the timers anyway.
    this.timers = new TimerList(this, () => this.wake());
    this.source = new AioSource(this);
  }

  get finalized(): boolean {
    return this.isFinalized;
  }

  /** Makes a bottom half that runs `callback` on each poll after it was scheduled. */
  bhNew(callback: BhCallback, options?: BhOptions): BottomHalf {
    const name = callbackName('bhNew(callback, options)', callback, options);
    this.checkNotFinalized('bhNew', name);
    return new BottomHalf(this, this.bhs, callback, name);
  }

  /** Runs `callback` once on the next poll; its BH is released after that run. */
  scheduleOneshot(callback: BhCallback, options?: BhOptions): void {
    const name = callbackName('scheduleOneshot(callback, options)', callback, options);
    this.checkNotFinalized('scheduleOneshot', name);
    const bh = new BottomHalf(this, this.bhs, callback, name);
    this.bhs.enqueue(bh, BH_SCHEDULED_ONESHOT);
  }

  /**
   * One pass over the BH list (aio_bh_poll): runs every BH scheduled before it began, and
   * releases deleted and oneshot ones. Returns whether a non-idle callback ran. Callbacks may
   * poll again (nested); an error from a callback propagates and loses no other BH.
   */
  bhPoll(): boolean {
    this.checkNotFinalized('bhPoll');
    this.pollDepth++;
    try {
      return this.bhs.poll();
    } finally {
      this.pollDepth--;
    }
  }

  /**
   * aio_poll: with `blocking`, first sleeps until a BH or timer needs running (throws
   * BlockingPollWouldHangError if nothing ever could); then runs the BHs and expired timers.
   * Returns whether progress was made: a non-idle BH or a timer ran (a notify alone is none).
   */
  poll(blocking: boolean): boolean {
    this.checkNotFinalized('poll');
    if (typeof blocking !== 'boolean') {
      throw new InvalidArgumentError(
        'poll(blocking)',
        `blocking must be a boolean, got ${typeOf(blocking)}`,
      );
    }
    if (blocking) this.waitForWork();
    this.notified = false;

    this.pollDepth++;
    try {
      const ranBh = this.bhs.poll();
      return this.timers.runExpired() || ranBh;
    } finally {
      this.pollDepth--;
    }
  }

  /**
   * Nanoseconds until something needs running: 0 if a non-idle BH is scheduled (or a timer
   * expired), 10 ms if only idle BHs are, else the nearest timer deadline on either clock, or -1.
   */
  computeTimeout(): number {
    const timeout = this.bhs.computeTimeout(-1);
    if (timeout === 0) return 0;
    const realtime = this.timers.deadline(ClockType.REALTIME);
    if (realtime === 0) return 0;
    return soonest(soonest(timeout, realtime), this.timers.deadline(ClockType.VIRTUAL));
  }

  /**
   * How long a wait may sleep, in nanoseconds, or -1 if nothing will ever end it: like
   * `computeTimeout()`, but a pending notification counts as 0 and a virtual timer only once it
   * expired (only the program moves that clock). Used by blocking polls and event-loop drivers.
   */
  computeWaitTimeout(): number {
    if (this.notified) return 0;
    const timeout = this.bhs.computeTimeout(-1);
    if (timeout === 0 || this.timers.deadline(ClockType.VIRTUAL) === 0) return 0;
    return soonest(timeout, this.timers.deadline(ClockType.REALTIME));
  }

  /** Sets the event notifier and tells every `onNotify` listener. Any code may call it. */
  notify(): void {
    this.notified = true;
    this.wake();
  }

  /**
   * Tells the `onNotify` listeners (drivers) that the wait timeout may have changed. Every
   * listener is called; one that throws does not stop the others or the caller (a `schedule()`
   * has already enqueued): its error is rethrown from a microtask.
   */
  private wake(): void {
    callListeners(this.listeners);
  }

  /** Whether `notify()` was called since the last poll or dispatch accepted it. */
  get notificationPending(): boolean {
    return this.notified;
  }

  /**
   * Calls `listener` on every notify, whenever a timer becomes the nearest deadline or the
   * nearest one is disarmed (for event-loop drivers: the wait timeout may have changed), and once
   * at finalize (`finalized` is then true). Returns the unsubscribe. A throwing listener's error is
   * rethrown from a microtask.
   */
  onNotify(listener: () => void): () => void {
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError('onNotify(listener)', 'the listener must be a function');
    }
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Makes a timer on `clock`; `scale` is nanoseconds per unit of its `mod()` (SCALE_MS…). */
  timerNew(clock: ClockType, scale: number, callback: () => void, options?: TimerOptions): Timer {
    const name = callbackName('timerNew(clock, scale, callback, options)', callback, options);
    const type = checkClockType('timerNew(clock)', clock);
    if (!(Number.isFinite(scale) && scale > 0)) {
      throw new InvalidArgumentError(
        'timerNew(scale)',
        'scale must be a positive number of nanoseconds (SCALE_NS, SCALE_US, SCALE_MS), ' +
          `got ${String(scale)}`,
      );
    }
    this.checkNotFinalized('timerNew', name);
    return new Timer(this.timers, type, scale, callback, name, this.name);
  }

  /** Adds a reference (aio_context_ref). */
  ref(): void {
    this.checkNotFinalized('ref');
    this.refs++;
  }

  /**
   * Drops a reference (aio_context_unref); dropping the last one finalizes the context. Dropping
   * the last one inside a poll of this context throws FinalizeDuringPollError and keeps it.
   */
  unref(): void {
    this.checkNotFinalized('unref');
    if (this.refs > 1) {
      this.refs--;
      return;
    }
    if (this.pollDepth > 0) throw new FinalizeDuringPollError(this.name);
    this.refs = 0;
    this.finalize();
  }

  /** References held (1 after `new`; `ref()` adds one, `unref()` drops one). */
  get refCount(): number {
    return this.refs;
  }

  /**
   * Ends the context. Every BH must have been deleted and every timer freed: otherwise this
   * still finalizes (releasing what it can), records the leaks with the tracker and throws
   * UndeletedBottomHalvesError naming every one: the live ones, and those already collected
   * undeleted (direct leaks) that no check has drained yet. May not be called from inside a
   * poll of it. Wakes the `onNotify` listeners once (drivers stop), then drops them, and frees
   * the context's name.
   */
  finalize(): void {
    if (this.isFinalized) throw new ContextFinalizedError(this.name, 'finalize');
    if (this.pollDepth > 0) throw new FinalizeDuringPollError(this.name);
    this.isFinalized = true;

    const onList: object[] = this.bhs.drain();
    const armed: object[] = this.timers.drain();
    const { undeleted, collected } = closeContext(this.name);
    const live = undeleted.map(({ allocation, object }): Leak => ({
      kind: LEAK_KIND,
      allocation,
      object,
    }));
    const tracked = [...live, ...collected].sort((a, b) => a.allocation.id - b.allocation.id);
    const seen = new Set(live.map((leak) => leak.object));
    const untracked = [...onList, ...armed]
      .filter((object) => !seen.has(object))
      .map((object): Leak => ({ kind: LEAK_KIND, allocation: this.untracked(object), object }));

    if (live.length > 0) recordFinalizeLeaks(live);
    namesInUse.delete(this.name);
    const listeners = this.listeners;
    this.listeners = [];
    callListeners(listeners);

    const leaks = [...tracked, ...untracked];
    if (leaks.length > 0) throw new UndeletedBottomHalvesError(this.name, leaks);
  }

  /** @internal Throws ContextFinalizedError; called by this context's BHs and timers. */
  checkNotFinalized(operation: string, subjectName?: string): void {
    if (this.isFinalized) throw new ContextFinalizedError(this.name, operation, subjectName);
  }

  /** @internal Called by AioSource only: whether a check should report the source ready. */
  hasWork(): boolean {
    return this.notified || this.computeTimeout() === 0;
  }

  /** @internal Called by AioSource.dispatch only: accepts the notification, runs everything. */
  dispatch(): void {
    this.notified = false;
    this.pollDepth++;
    try {
      this.bhs.poll();
      this.timers.runExpired();
    } finally {
      this.pollDepth--;
    }
  }

  private waitForWork(): void {
    const timeout = this.computeWaitTimeout();
    if (timeout === -1) {
      throw new BlockingPollWouldHangError(this.name, this.timers.count(ClockType.VIRTUAL));
    }
    if (timeout > 0) sleepNs(timeout);
  }

  /** The record of an object the tracker did not see (tracking was off when it was made). */
  private untracked(object: object): Allocation {
    const timer = object instanceof Timer;
    return {
      id: 0,
      kind: timer ? 'timer' : 'bh',
      name: (object as BottomHalf | Timer).name,
      contextName: this.name,
      owner: undefined,
      stackId: 0,
      frames: [],
    };
  }
}

const BH_SCHEDULED_ONESHOT = BhFlag.SCHEDULED | BhFlag.ONESHOT;

const LEAK_KIND = 'undeleted-at-finalize';

/**
 * The GSource face of a context (aio_get_g_source). prepare reports it ready when something is
 * due or a notify is pending; check looks again after the wait; dispatch accepts the notification
 * and runs BHs and expired timers. Deleting a BH notifies, so the iteration after a BH deleted
 * itself dispatches once more (and releases it).
 */
export class AioSource implements Source {
  readonly context: AioContext;
  /** A callback may run a nested iteration that dispatches this source again (as QEMU's does). */
  readonly canRecurse = true;

  /** @internal Called by the AioContext constructor only. */
  constructor(context: AioContext) {
    this.context = context;
  }

  get destroyed(): boolean {
    return this.context.finalized;
  }

  prepare(): { ready: boolean; timeoutNs: number } {
    if (this.context.hasWork()) return { ready: true, timeoutNs: 0 };
    return { ready: false, timeoutNs: this.context.computeWaitTimeout() };
  }

  check(): boolean {
    return this.context.hasWork();
  }

  dispatch(): boolean {
    this.context.dispatch();
    return true;
  }

  onNotify(listener: () => void): () => void {
    return this.context.onNotify(listener);
  }
}
