/**
 * @bhsan/runtime: bottom halves with QEMU's O(1) semantics, timers, a GLib-style main context and
 * the allocation tracker. Browser-safe: the Node driver lives in `@bhsan/runtime/node`.
 */
export { AioContext, AioSource, type AioContextOptions } from './context/aio-context.js';
export { BhFlag, BottomHalf, type BhCallback, type BhOptions } from './bh/bottom-half.js';
export { IDLE_BH_TIMEOUT_NS } from './bh/bh-list.js';
export { ClockType, SCALE_MS, SCALE_NS, SCALE_US, clocks } from './timers/clocks.js';
export {
  BhsanError,
  BlockingPollWouldHangError,
  BlockingUnsupportedError,
  ClockError,
  ContextFinalizedError,
  FinalizeDuringPollError,
  InvalidArgumentError,
  TimerUseAfterFreeError,
  UndeletedBottomHalvesError,
  UseAfterDeleteError,
  type BhOperation,
  type UseAfterDeleteFacts,
} from './errors.js';
export { MainContext, type Source } from './main-loop/main-context.js';
export { mainLoopContext } from './main-loop/main-loop.js';
export { Timer, type TimerOptions } from './timers/timers.js';
export {
  tracker,
  type AllocationFilter,
  type CheckOptions,
  type LeakListener,
  type Tracker,
  type TrackerConfig,
} from './tracking/tracker.js';
export type * from './tracking/types.js';
