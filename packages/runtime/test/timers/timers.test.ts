import { describe, expect, it } from 'vitest';
import {
  AioContext,
  ClockError,
  ClockType,
  SCALE_MS,
  SCALE_NS,
  SCALE_US,
  TimerUseAfterFreeError,
  clocks,
} from '../../src/index.js';
import { caught } from '../helpers.js';

const vnow = (): number => clocks.now(ClockType.VIRTUAL);

describe('virtual-clock timers', () => {
  it('fire once the program advances the clock past their expire time', () => {
    const ctx = new AioContext();
    let runs = 0;
    const timer = ctx.timerNew(ClockType.VIRTUAL, SCALE_NS, () => runs++);
    const start = vnow();
    timer.mod(start + 5_000_000);
    expect(timer.pending).toBe(true);
    expect(timer.expireTime).toBe(start + 5_000_000);
    expect(ctx.computeTimeout()).toBe(5_000_000);

    clocks.virtual.advance(4_000_000);
    expect(ctx.computeTimeout()).toBe(1_000_000);
    expect(ctx.poll(false)).toBe(false);
    expect(runs).toBe(0);

    clocks.virtual.advance(1_000_000);
    expect(ctx.computeTimeout()).toBe(0);
    expect(ctx.poll(false)).toBe(true);
    expect(runs).toBe(1);
    expect(timer.pending).toBe(false);
    expect(timer.expireTime).toBe(-1);
    expect(ctx.poll(false)).toBe(false);
    timer.free();
    ctx.finalize();
  });

  it('the scale says how many nanoseconds one unit of mod() is', () => {
    const ctx = new AioContext();
    const timers = [SCALE_NS, SCALE_US, SCALE_MS].map((scale) =>
      ctx.timerNew(ClockType.VIRTUAL, scale, () => {}),
    );
    for (const timer of timers) timer.mod(7);
    expect(timers.map((t) => t.expireTime)).toEqual([7, 7_000, 7_000_000]);
    for (const timer of timers) timer.free();
    ctx.finalize();
  });

  it('run in expire-time order, equal times in the order they were armed', () => {
    const ctx = new AioContext();
    const log: string[] = [];
    const make = (name: string) => ctx.timerNew(ClockType.VIRTUAL, 1, () => log.push(name));
    const [late, early, sameA, sameB] = ['late', 'early', 'sameA', 'sameB'].map(make);
    const t = vnow();
    late?.mod(t + 300);
    sameA?.mod(t + 200);
    early?.mod(t + 100);
    sameB?.mod(t + 200);

    clocks.virtual.advance(300);
    expect(ctx.poll(false)).toBe(true);
    expect(log).toEqual(['early', 'sameA', 'sameB', 'late']);
    for (const timer of [late, early, sameA, sameB]) timer?.free();
    ctx.finalize();
  });

  it('mod of a pending timer moves it; del disarms it', () => {
    const ctx = new AioContext();
    let runs = 0;
    const timer = ctx.timerNew(ClockType.VIRTUAL, 1, () => runs++);
    const t = vnow();
    timer.mod(t + 100);
    timer.mod(t + 1000);
    expect(ctx.computeTimeout()).toBe(1000);
    clocks.virtual.advance(100);
    expect(ctx.poll(false)).toBe(false);

    timer.del();
    expect([timer.pending, timer.expireTime, ctx.computeTimeout()]).toEqual([false, -1, -1]);
    clocks.virtual.advance(1000);
    expect(ctx.poll(false)).toBe(false);
    expect(runs).toBe(0);
    timer.free();
    ctx.finalize();
  });

  it('a timer may re-arm itself from its callback', () => {
    const ctx = new AioContext();
    let runs = 0;
    const timer = ctx.timerNew(ClockType.VIRTUAL, 1, () => {
      if (++runs < 3) timer.mod(vnow() + 10);
    });
    timer.mod(vnow() + 10);
    for (let i = 0; i < 5; i++) {
      clocks.virtual.advance(10);
      ctx.poll(false);
    }
    expect(runs).toBe(3);
    expect(timer.pending).toBe(false);
    timer.free();
    ctx.finalize();
  });

  it('a throwing timer propagates; the other expired timers run on the next poll', () => {
    const ctx = new AioContext();
    const log: string[] = [];
    const bad = ctx.timerNew(ClockType.VIRTUAL, 1, () => {
      log.push('bad');
      throw new Error('timer failed');
    });
    const good = ctx.timerNew(ClockType.VIRTUAL, 1, () => log.push('good'));
    bad.mod(vnow() + 1);
    good.mod(vnow() + 2);
    clocks.virtual.advance(2);

    expect(() => ctx.poll(false)).toThrow('timer failed');
    expect(log).toEqual(['bad']);
    expect(good.pending).toBe(true);
    expect(ctx.computeTimeout()).toBe(0);
    expect(ctx.poll(false)).toBe(true);
    expect(log).toEqual(['bad', 'good']);
    bad.free();
    good.free();
    ctx.finalize();
  });

  it('mod() of a non-number says what was given', () => {
    const ctx = new AioContext();
    const timer = ctx.timerNew(ClockType.VIRTUAL, 1, function tick() {});
    expect(() => timer.mod('5' as unknown as number)).toThrow(
      "timer 'tick'.mod(expireTime): expireTime must be a finite number, got the string '5'",
    );
    expect(() => timer.mod(Number.NaN)).toThrow(
      "timer 'tick'.mod(expireTime): expireTime must be a finite number, got NaN",
    );
    expect(timer.pending).toBe(false);
    timer.free();
    ctx.finalize();
  });

  it('moving the virtual clock wakes the drivers of contexts with a pending virtual timer', () => {
    const ctx = new AioContext();
    let wakeups = 0;
    ctx.onNotify(() => wakeups++);
    const timer = ctx.timerNew(ClockType.VIRTUAL, 1, () => {});
    timer.mod(vnow() + 10);
    expect(wakeups).toBe(1);
    clocks.virtual.advance(5);
    expect(wakeups).toBe(2);
    // Disarming the nearest timer wakes them once more (their wait got longer), the clock no more.
    timer.del();
    expect(wakeups).toBe(3);
    clocks.virtual.advance(5);
    expect(wakeups).toBe(3);
    timer.free();
    ctx.finalize();
  });

  it('the virtual clock never goes back', () => {
    const now = vnow();
    expect(() => clocks.virtual.set(now - 1)).toThrow(ClockError);
    expect(() => clocks.virtual.advance(-1)).toThrow(
      'clocks.virtual.advance(ns): ns must be a number >= 0, got -1',
    );
    clocks.virtual.set(now + 1);
    expect(vnow()).toBe(now + 1);
  });
});

describe('computeTimeout with timers and BHs', () => {
  it('is the sooner of the idle-BH 10 ms and the nearest timer deadline', () => {
    const ctx = new AioContext();
    const bh = ctx.bhNew(() => {});
    const timer = ctx.timerNew(ClockType.VIRTUAL, SCALE_MS, () => {});
    bh.scheduleIdle();
    timer.mod(vnow() / SCALE_MS + 5);
    expect(ctx.computeTimeout()).toBe(5_000_000);
    timer.mod(vnow() / SCALE_MS + 50);
    expect(ctx.computeTimeout()).toBe(10_000_000);
    const busy = ctx.bhNew(() => {});
    busy.schedule();
    expect(ctx.computeTimeout()).toBe(0);
    bh.delete();
    busy.delete();
    timer.free();
    ctx.poll(false);
    ctx.finalize();
  });

  it('the wait timeout ignores virtual timers until they expire', () => {
    const ctx = new AioContext();
    const timer = ctx.timerNew(ClockType.VIRTUAL, 1, () => {});
    timer.mod(vnow() + 100);
    expect([ctx.computeTimeout(), ctx.computeWaitTimeout()]).toEqual([100, -1]);
    clocks.virtual.advance(100);
    expect([ctx.computeTimeout(), ctx.computeWaitTimeout()]).toEqual([0, 0]);
    timer.free();
    ctx.finalize();
  });
});

describe('realtime timers', () => {
  it('have a deadline between 0 and the requested delay, and run once it passes', () => {
    const ctx = new AioContext();
    let runs = 0;
    const timer = ctx.timerNew(ClockType.REALTIME, SCALE_MS, () => runs++);
    timer.mod(clocks.now(ClockType.REALTIME) / SCALE_MS + 30);
    const timeout = ctx.computeTimeout();
    expect(timeout).toBeGreaterThan(0);
    expect(timeout).toBeLessThanOrEqual(30_000_000);

    while (runs === 0) ctx.poll(true);
    expect(clocks.now(ClockType.REALTIME)).toBeGreaterThanOrEqual(timer.expireTime);
    expect(runs).toBe(1);
    timer.free();
    ctx.finalize();
  });
});

describe('use after free', () => {
  it.each(['mod', 'del', 'free'] as const)('%s() of a freed timer throws, naming it', (op) => {
    const ctx = new AioContext();
    const timer = ctx.timerNew(ClockType.VIRTUAL, 1, () => {}, { name: 'retry-timer' });
    timer.free();
    const error = caught(() => (op === 'mod' ? timer.mod(1) : timer[op]()));
    expect(error).toBeInstanceOf(TimerUseAfterFreeError);
    expect((error as TimerUseAfterFreeError).code).toBe('BHSAN_TIMER_USE_AFTER_FREE');
    expect((error as TimerUseAfterFreeError).timerName).toBe('retry-timer');
    expect((error as TimerUseAfterFreeError).operation).toBe(op);
    ctx.finalize();
  });
});
