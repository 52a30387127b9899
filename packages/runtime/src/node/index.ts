/**
 * @bhsan/runtime/node: runs a context (or a main context) inside Node's own event loop, so that a
 * scheduled BH runs without anyone calling poll.
 *
 * After each iteration the driver asks for the wait timeout: 0 → it runs again from
 * `setImmediate`; a positive time (a realtime timer, an idle BH) → from `setTimeout`; -1 → it arms
 * nothing and waits for a notify. So the driver keeps the process alive exactly while a BH is
 * scheduled or a realtime timer is pending; virtual-clock timers do not keep it alive.
 */
import { AioContext } from '../context/aio-context.js';
import { MainContext } from '../main-loop/main-context.js';

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
    throw new TypeError('attachToNodeLoop(target): target must be an AioContext or a MainContext');
  }
  const stats = { iterations: 0, progress: 0, errors: 0 };
  let immediate: ReturnType<typeof setImmediate> | undefined;
  let timeout: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const iterate =
    target instanceof AioContext ? () => target.poll(false) : () => target.iteration(false);
  const waitTimeout = (): number =>
    target instanceof AioContext && target.finalized ? -1 : target.computeWaitTimeout();

  const runSoon = (): void => {
    if (stopped || immediate !== undefined) return;
    if (timeout !== undefined) {
      clearTimeout(timeout);
      timeout = undefined;
    }
    immediate = setImmediate(run);
  };

  const arm = (): void => {
    if (stopped || immediate !== undefined) return;
    const ns = waitTimeout();
    if (ns === 0) {
      runSoon();
    } else if (ns > 0) {
      if (timeout !== undefined) clearTimeout(timeout);
      timeout = setTimeout(run, Math.ceil(ns / 1_000_000));
    }
  };

  function run(): void {
    immediate = undefined;
    timeout = undefined;
    if (stopped || (target instanceof AioContext && target.finalized)) return;
    stats.iterations++;
    try {
      if (iterate()) stats.progress++;
    } catch (error) {
      stats.errors++;
      arm();
      if (options.onError === undefined) throw error;
      options.onError(error);
    }
    arm();
  }

  const unsubscribe = target.onNotify(runSoon);
  arm();

  return {
    stats,
    get stopped() {
      return stopped;
    },
    stop() {
      stopped = true;
      unsubscribe();
      if (immediate !== undefined) clearImmediate(immediate);
      if (timeout !== undefined) clearTimeout(timeout);
      immediate = timeout = undefined;
    },
  };
}
