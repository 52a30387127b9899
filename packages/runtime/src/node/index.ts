/**
 * @bhsan/runtime/node: runs a context (or a main context) inside Node's own event loop, so that a
 * scheduled BH runs without anyone calling poll.
 *
 * After each iteration the driver asks for the wait timeout: 0 → it runs again from
 * `setImmediate`; a positive time (a realtime timer, an idle BH) → from `setTimeout`, at most
 * MAX_TIMEOUT_MS at a time; -1 → it arms nothing and waits for a notify. So the driver keeps the
 * process alive exactly while a BH is scheduled or a realtime timer is pending; virtual-clock
 * timers do not keep it alive. The context wakes the driver on every notify, when a timer becomes
 * the nearest deadline, when the nearest timer is disarmed and when the context is finalized (the
 * driver then stops itself), so a stale `setTimeout` never holds the process.
 */
import { AioContext } from '../context/aio-context.js';
import { InvalidArgumentError } from '../errors.js';
import { MainContext } from '../main-loop/main-context.js';

/**
 * The longest single `setTimeout` the driver arms (2^31 - 1 ms, about 24.8 days): Node turns a
 * longer delay into 1 ms. A farther deadline is reached in several waits.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Options of `attachToNodeLoop()`. */
export interface NodeLoopOptions {
  /**
   * Receives what an iteration threw (a BH or timer callback). Without it the error is thrown
   * from the driver's immediate or timeout, Node's uncaught-exception path. Either way the driver
   * keeps running, and the BHs still scheduled run on the next iteration.
   */
  readonly onError?: (error: unknown) => void;
}

/** Counters of a running driver. */
export interface NodeLoopStats {
  /** Iterations run. */
  readonly iterations: number;
  /** Iterations that dispatched something (made progress). */
  readonly progress: number;
  /** Iterations that threw. */
  readonly errors: number;
}

/** A running driver; `stop()` detaches it from Node's loop. */
export interface NodeLoopDriver {
  readonly stats: NodeLoopStats;
  /** True after `stop()`, and once a driven AioContext was finalized. */
  readonly stopped: boolean;
  stop(): void;
}

/**
 * Runs `target` from Node's event loop until `stop()` is called or the target is finalized.
 * Call it once per target, from the thread that owns it.
 */
export function attachToNodeLoop(
  target: AioContext | MainContext,
  options: NodeLoopOptions = {},
): NodeLoopDriver {
  if (!(target instanceof AioContext) && !(target instanceof MainContext)) {
    throw new InvalidArgumentError(
      'attachToNodeLoop(target)',
      'the target must be an AioContext or a MainContext',
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('attachToNodeLoop(options)', 'options must be an object');
  }
  const { onError } = options;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new InvalidArgumentError(
      'attachToNodeLoop(options.onError)',
      `onError must be a function, got ${typeof onError}`,
    );
  }
  if (target instanceof AioContext) target.checkNotFinalized('attachToNodeLoop');
  const stats = { iterations: 0, progress: 0, errors: 0 };
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let timeout: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const iterate =
    target instanceof AioContext ? () => target.poll(false) : () => target.iteration(false);
  const targetFinalized = (): boolean => target instanceof AioContext && target.finalized;

  const clearTimer = (): void => {
    if (timeout !== undefined) clearTimeout(timeout);
    timeout = undefined;
  };

  const runSoon = (): void => {
    if (stopped || immediate !== undefined) return;
    clearTimer();
    immediate = setImmediate(run);
  };

  // Called after each iteration: sleeps until the wait timeout, or arms nothing when it is -1.
  const arm = (): void => {
    if (stopped || immediate !== undefined) return;
    const ns = target.computeWaitTimeout();
    clearTimer();
    if (ns === 0) runSoon();
    else if (ns > 0) timeout = setTimeout(run, Math.min(Math.ceil(ns / 1_000_000), MAX_TIMEOUT_MS));
  };

  function run(): void {
    immediate = undefined;
    timeout = undefined;
    if (stopped) return;
    stats.iterations++;
    try {
      if (iterate()) stats.progress++;
    } catch (error) {
      stats.errors++;
      arm();
      if (onError === undefined) throw error;
      onError(error);
    }
    arm();
  }

  function stop(): void {
    stopped = true;
    unsubscribe();
    if (immediate !== undefined) clearImmediate(immediate);
    clearTimer();
    immediate = undefined;
  }

  // A wake may mean the wait got shorter (notify, a nearer timer) or longer (a disarmed timer):
  // one iteration soon works it out again. A finalized context never runs again: stop.
  const unsubscribe = target.onNotify(() => {
    if (targetFinalized()) stop();
    else runSoon();
  });
  arm();

  return {
    stats,
    get stopped() {
      return stopped;
    },
    stop,
  };
}
