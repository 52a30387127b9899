/**
 * QEMU's names for the runtime, for code ported from QEMU: callbacks take an `opaque` argument,
 * contexts are reference-counted, and a null main context means the default one. Every function
 * here forwards to the idiomatic API and adds no behaviour of its own; it only checks its own
 * arguments first, so that a bad one is an InvalidArgumentError naming the QEMU function.
 */
import { AioContext, type AioSource } from '../context/aio-context.js';
import { BottomHalf } from '../bh/bottom-half.js';
import { InvalidArgumentError } from '../errors.js';
import { ClockType, clocks } from '../timers/clocks.js';
import { MainContext, type Source } from '../main-loop/main-context.js';
import { mainLoopContext } from '../main-loop/main-loop.js';
import { Timer } from '../timers/timers.js';

export type { AioContext, AioSource, MainContext, Timer };
/** QEMU's name for a bottom half. */
export type QEMUBH = BottomHalf;
export const QEMUBH = BottomHalf;
export type QEMUBHFunc<T = unknown> = (opaque: T) => void;
export type QEMUTimerCB<T = unknown> = (opaque: T) => void;
export type GSource = Source;
export type GMainContext = MainContext;

export const QEMU_CLOCK_REALTIME = ClockType.REALTIME;
export const QEMU_CLOCK_VIRTUAL = ClockType.VIRTUAL;
export type QEMUClockType = ClockType;
export { SCALE_MS, SCALE_NS, SCALE_US } from '../timers/clocks.js';

/** The callback's own name, as QEMU names a BH after the function passed to `aio_bh_new`. */
function nameOf(cb: (opaque: never) => void): string {
  return cb.name || 'anonymous';
}

/** What a bad argument was, for the error message. */
function given(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return typeof value;
}

/** What each facade argument must be, by its name: a description and the test. */
const EXPECTED = {
  ctx: ['an AioContext', (value: unknown) => value instanceof AioContext],
  bh: ['a QEMUBH', (value: unknown) => value instanceof BottomHalf],
  timer: ['a Timer', (value: unknown) => value instanceof Timer],
  context: [
    'a GMainContext or null',
    (value: unknown) => value === null || value instanceof MainContext,
  ],
  cb: ['a function', (value: unknown) => typeof value === 'function'],
} as const;

/**
 * Throws InvalidArgumentError(`fn(arg)`) unless `value` is what `arg` must be. The facade's only
 * check, called first by each function that takes one of these arguments.
 */
function check(fn: string, arg: keyof typeof EXPECTED, value: unknown): void {
  const [expected, test] = EXPECTED[arg];
  if (test(value)) return;
  throw new InvalidArgumentError(
    `${fn}(${arg})`,
    `${arg} must be ${expected}, got ${given(value)}`,
  );
}

export function aio_context_new(name?: string): AioContext {
  return new AioContext(name === undefined ? undefined : { name });
}
export function aio_context_ref(ctx: AioContext): void {
  check('aio_context_ref', 'ctx', ctx);
  ctx.ref();
}
/** Dropping the last reference finalizes the context (and throws if BHs were left undeleted). */
export function aio_context_unref(ctx: AioContext): void {
  check('aio_context_unref', 'ctx', ctx);
  ctx.unref();
}
export function qemu_get_aio_context(): AioContext {
  return mainLoopContext();
}

export function aio_bh_new<T>(ctx: AioContext, cb: QEMUBHFunc<T>, opaque: T): QEMUBH {
  check('aio_bh_new', 'ctx', ctx);
  check('aio_bh_new', 'cb', cb);
  return ctx.bhNew(() => cb(opaque), { name: nameOf(cb) });
}
export function aio_bh_new_full<T>(
  ctx: AioContext,
  cb: QEMUBHFunc<T>,
  opaque: T,
  name: string,
): QEMUBH {
  check('aio_bh_new_full', 'ctx', ctx);
  check('aio_bh_new_full', 'cb', cb);
  return ctx.bhNew(() => cb(opaque), { name });
}
export function qemu_bh_new<T>(cb: QEMUBHFunc<T>, opaque: T): QEMUBH {
  check('qemu_bh_new', 'cb', cb);
  return aio_bh_new(mainLoopContext(), cb, opaque);
}
export function aio_bh_schedule_oneshot<T>(ctx: AioContext, cb: QEMUBHFunc<T>, opaque: T): void {
  check('aio_bh_schedule_oneshot', 'ctx', ctx);
  check('aio_bh_schedule_oneshot', 'cb', cb);
  ctx.scheduleOneshot(() => cb(opaque), { name: nameOf(cb) });
}
export function aio_bh_schedule_oneshot_full<T>(
  ctx: AioContext,
  cb: QEMUBHFunc<T>,
  opaque: T,
  name: string,
): void {
  check('aio_bh_schedule_oneshot_full', 'ctx', ctx);
  check('aio_bh_schedule_oneshot_full', 'cb', cb);
  ctx.scheduleOneshot(() => cb(opaque), { name });
}
export function qemu_bh_schedule(bh: QEMUBH): void {
  check('qemu_bh_schedule', 'bh', bh);
  bh.schedule();
}
export function qemu_bh_schedule_idle(bh: QEMUBH): void {
  check('qemu_bh_schedule_idle', 'bh', bh);
  bh.scheduleIdle();
}
export function qemu_bh_cancel(bh: QEMUBH): void {
  check('qemu_bh_cancel', 'bh', bh);
  bh.cancel();
}
export function qemu_bh_delete(bh: QEMUBH): void {
  check('qemu_bh_delete', 'bh', bh);
  bh.delete();
}

export function aio_bh_poll(ctx: AioContext): boolean {
  check('aio_bh_poll', 'ctx', ctx);
  return ctx.bhPoll();
}
export function aio_poll(ctx: AioContext, blocking: boolean): boolean {
  check('aio_poll', 'ctx', ctx);
  return ctx.poll(blocking);
}
export function aio_compute_timeout(ctx: AioContext): number {
  check('aio_compute_timeout', 'ctx', ctx);
  return ctx.computeTimeout();
}
export function aio_notify(ctx: AioContext): void {
  check('aio_notify', 'ctx', ctx);
  ctx.notify();
}
export function aio_get_g_source(ctx: AioContext): AioSource {
  check('aio_get_g_source', 'ctx', ctx);
  return ctx.source;
}

export function g_main_context_new(): MainContext {
  return new MainContext();
}
export function g_main_context_default(): MainContext {
  return MainContext.default();
}
/** Attaches `source` to `context` (the default one when null). */
export function g_source_attach(source: GSource, context: MainContext | null): void {
  check('g_source_attach', 'context', context);
  (context ?? MainContext.default()).attach(source);
}
/** One iteration of `context` (the default one when null). */
export function g_main_context_iteration(context: MainContext | null, mayBlock: boolean): boolean {
  check('g_main_context_iteration', 'context', context);
  return (context ?? MainContext.default()).iteration(mayBlock);
}

export function aio_timer_new<T>(
  ctx: AioContext,
  type: QEMUClockType,
  scale: number,
  cb: QEMUTimerCB<T>,
  opaque: T,
): Timer {
  check('aio_timer_new', 'ctx', ctx);
  check('aio_timer_new', 'cb', cb);
  return ctx.timerNew(type, scale, () => cb(opaque), { name: nameOf(cb) });
}
export function timer_mod(timer: Timer, expireTime: number): void {
  check('timer_mod', 'timer', timer);
  timer.mod(expireTime);
}
export function timer_del(timer: Timer): void {
  check('timer_del', 'timer', timer);
  timer.del();
}
export function timer_free(timer: Timer): void {
  check('timer_free', 'timer', timer);
  timer.free();
}
export function timer_pending(timer: Timer): boolean {
  check('timer_pending', 'timer', timer);
  return timer.pending;
}
/** The expire time in nanoseconds, or -1 when not pending. */
export function timer_expire_time_ns(timer: Timer): number {
  check('timer_expire_time_ns', 'timer', timer);
  return timer.expireTime;
}
export function qemu_clock_get_ns(type: QEMUClockType): number {
  return clocks.now(type);
}
export function qemu_clock_get_ms(type: QEMUClockType): number {
  return Math.floor(clocks.now(type) / 1_000_000);
}
