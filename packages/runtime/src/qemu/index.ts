/**
 * QEMU's names for the runtime, for code ported from QEMU: callbacks take an `opaque` argument,
 * contexts are reference-counted, and a null main context means the default one. Every function
 * here forwards to the idiomatic API and adds no behaviour of its own.
 */
import { AioContext, type AioSource } from '../context/aio-context.js';
import { BottomHalf } from '../bh/bottom-half.js';
import { ClockType, clocks } from '../timers/clocks.js';
import { MainContext, type Source } from '../main-loop/main-context.js';
import { mainLoopContext } from '../main-loop/main-loop.js';
import type { Timer } from '../timers/timers.js';

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
  return (typeof cb === 'function' && cb.name) || 'anonymous';
}

export function aio_context_new(name?: string): AioContext {
  return new AioContext(name === undefined ? undefined : { name });
}
export function aio_context_ref(ctx: AioContext): void {
  ctx.ref();
}
/** Dropping the last reference finalizes the context (and throws if BHs were left undeleted). */
export function aio_context_unref(ctx: AioContext): void {
  ctx.unref();
}
export function qemu_get_aio_context(): AioContext {
  return mainLoopContext();
}

export function aio_bh_new<T>(ctx: AioContext, cb: QEMUBHFunc<T>, opaque: T): QEMUBH {
  return ctx.bhNew(() => cb(opaque), { name: nameOf(cb) });
}
export function aio_bh_new_full<T>(
  ctx: AioContext,
  cb: QEMUBHFunc<T>,
  opaque: T,
  name: string,
): QEMUBH {
  return ctx.bhNew(() => cb(opaque), { name });
}
export function qemu_bh_new<T>(cb: QEMUBHFunc<T>, opaque: T): QEMUBH {
  return aio_bh_new(mainLoopContext(), cb, opaque);
}
export function aio_bh_schedule_oneshot<T>(ctx: AioContext, cb: QEMUBHFunc<T>, opaque: T): void {
  ctx.scheduleOneshot(() => cb(opaque), { name: nameOf(cb) });
}
export function aio_bh_schedule_oneshot_full<T>(
  ctx: AioContext,
  cb: QEMUBHFunc<T>,
  opaque: T,
  name: string,
): void {
  ctx.scheduleOneshot(() => cb(opaque), { name });
}
export function qemu_bh_schedule(bh: QEMUBH): void {
  bh.schedule();
}
export function qemu_bh_schedule_idle(bh: QEMUBH): void {
  bh.scheduleIdle();
}
export function qemu_bh_cancel(bh: QEMUBH): void {
  bh.cancel();
}
export function qemu_bh_delete(bh: QEMUBH): void {
  bh.delete();
}

export function aio_bh_poll(ctx: AioContext): boolean {
  return ctx.bhPoll();
}
export function aio_poll(ctx: AioContext, blocking: boolean): boolean {
  return ctx.poll(blocking);
}
export function aio_compute_timeout(ctx: AioContext): number {
  return ctx.computeTimeout();
}
export function aio_notify(ctx: AioContext): void {
  ctx.notify();
}
export function aio_get_g_source(ctx: AioContext): AioSource {
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
  (context ?? MainContext.default()).attach(source);
}
/** One iteration of `context` (the default one when null). */
export function g_main_context_iteration(context: MainContext | null, mayBlock: boolean): boolean {
  return (context ?? MainContext.default()).iteration(mayBlock);
}

export function aio_timer_new<T>(
  ctx: AioContext,
  type: QEMUClockType,
  scale: number,
  cb: QEMUTimerCB<T>,
  opaque: T,
): Timer {
  return ctx.timerNew(type, scale, () => cb(opaque), { name: nameOf(cb) });
}
export function timer_mod(timer: Timer, expireTime: number): void {
  timer.mod(expireTime);
}
export function timer_del(timer: Timer): void {
  timer.del();
}
export function timer_free(timer: Timer): void {
  timer.free();
}
export function timer_pending(timer: Timer): boolean {
  return timer.pending;
}
/** The expire time in nanoseconds, or -1 when not pending. */
export function timer_expire_time_ns(timer: Timer): number {
  return timer.expireTime;
}
export function qemu_clock_get_ns(type: QEMUClockType): number {
  return clocks.now(type);
}
export function qemu_clock_get_ms(type: QEMUClockType): number {
  return Math.floor(clocks.now(type) / 1_000_000);
}
