import { describe, expect, it, vi } from 'vitest';
import {
  AioContext,
  BlockingPollWouldHangError,
  ClockType,
  InvalidArgumentError,
  MainContext,
  SCALE_MS,
  clocks,
  type Source,
} from '../../src/index.js';
import { caught } from '../helpers.js';

function attached() {
  const main = new MainContext();
  const ctx = new AioContext();
  main.attach(ctx.source);
  return { main, ctx };
}

/** A source whose readiness the test sets, recording the calls it gets. */
function scriptedSource(calls: string[], name: string) {
  const state = { ready: false, checkReady: false, keep: true };
  const source: Source = {
    prepare() {
      calls.push(`${name}.prepare`);
      return { ready: state.ready, timeoutNs: -1 };
    },
    check() {
      calls.push(`${name}.check`);
      return state.checkReady;
    },
    dispatch() {
      calls.push(`${name}.dispatch`);
      return state.keep;
    },
  };
  return { source, state };
}

describe('MainContext.iteration with a context source', () => {
  it('dispatches a scheduled BH, then finds nothing', () => {
    const { main, ctx } = attached();
    let runs = 0;
    const bh = ctx.bhNew(() => runs++);
    bh.schedule();

    expect(main.iteration(true)).toBe(true);
    expect(runs).toBe(1);
    expect(main.iteration(false)).toBe(false);
    bh.delete();
    expect(main.iteration(false)).toBe(true);
    expect(main.iteration(false)).toBe(false);
    ctx.finalize();
  });

  it('after a BH deletes itself, the next iteration is true once, then false', () => {
    const { main, ctx } = attached();
    const bh = ctx.bhNew(() => bh.delete());
    bh.schedule();

    expect([main.iteration(true), main.iteration(false), main.iteration(false)]).toEqual([
      true,
      true,
      false,
    ]);
    ctx.finalize();
  });

  it('scheduleIdle notifies, so the next iteration dispatches the idle BH', () => {
    const { main, ctx } = attached();
    let runs = 0;
    const bh = ctx.bhNew(() => runs++);
    bh.scheduleIdle();

    expect(ctx.source.prepare()).toEqual({ ready: true, timeoutNs: 0 });
    expect(main.iteration(false)).toBe(true);
    expect(runs).toBe(1);
    expect(ctx.source.prepare()).toEqual({ ready: false, timeoutNs: -1 });
    expect(main.iteration(false)).toBe(false);
    bh.delete();
    main.iteration(false);
    ctx.finalize();
  });

  it('a blocking iteration waits for a realtime timer', () => {
    const { main, ctx } = attached();
    let ranAt = -1;
    const timer = ctx.timerNew(ClockType.REALTIME, SCALE_MS, () => {
      ranAt = clocks.now(ClockType.REALTIME);
    });
    timer.mod(clocks.now(ClockType.REALTIME) / SCALE_MS + 15);
    const deadline = timer.expireTime;

    while (ranAt === -1) main.iteration(true);
    expect(ranAt).toBeGreaterThanOrEqual(deadline);
    timer.free();
    ctx.finalize();
  });

  it('a blocking iteration with nothing to wait for throws instead of hanging', () => {
    const { main, ctx } = attached();
    const error = caught(() => main.iteration(true)) as BlockingPollWouldHangError;
    expect(error).toBeInstanceOf(BlockingPollWouldHangError);
    expect(error.code).toBe('BHSAN_POLL_WOULD_HANG');
    expect(error.contextName).toBe(main.name);
    ctx.finalize();
  });

  it("a nested iteration dispatches the context's source again (it can recurse)", () => {
    const { main, ctx } = attached();
    const log: string[] = [];
    const inner = ctx.bhNew(() => log.push('inner'));
    const outer = ctx.bhNew(() => {
      inner.schedule();
      log.push(`nested ${main.iteration(false)}`);
    });
    outer.schedule();

    expect(ctx.source.canRecurse).toBe(true);
    expect(main.iteration(false)).toBe(true);
    expect(log).toEqual(['inner', 'nested true']);
    inner.delete();
    outer.delete();
    main.iteration(false);
    ctx.finalize();
  });

  it('drops the source of a finalized context', () => {
    const { main, ctx } = attached();
    ctx.finalize();
    expect(main.iteration(false)).toBe(false);
    expect(main.sources).toEqual([]);
  });
});

describe('MainContext with any source', () => {
  it('prepares all, checks the ones not ready, dispatches the ready ones in attach order', () => {
    const calls: string[] = [];
    const main = new MainContext();
    const a = scriptedSource(calls, 'a');
    const b = scriptedSource(calls, 'b');
    const c = scriptedSource(calls, 'c');
    for (const s of [a, b, c]) main.attach(s.source);
    b.state.ready = true;
    a.state.checkReady = true;

    expect(main.iteration(false)).toBe(true);
    expect(calls).toEqual([
      'a.prepare',
      'b.prepare',
      'c.prepare',
      'a.check',
      'c.check',
      'a.dispatch',
      'b.dispatch',
    ]);
  });

  it('detaches a source whose dispatch returns false', () => {
    const calls: string[] = [];
    const main = new MainContext();
    const a = scriptedSource(calls, 'a');
    main.attach(a.source);
    a.state.ready = true;
    a.state.keep = false;
    expect(main.iteration(false)).toBe(true);
    expect(main.sources).toEqual([]);
    expect(main.iteration(false)).toBe(false);
  });

  it('a nested iteration skips the source being dispatched', () => {
    const calls: string[] = [];
    const main = new MainContext();
    const inner = scriptedSource(calls, 'inner');
    const outer: Source = {
      prepare: () => ({ ready: true, timeoutNs: 0 }),
      check: () => true,
      dispatch() {
        calls.push(`nested ${main.iteration(false)}`);
        return true;
      },
    };
    main.attach(outer);
    main.attach(inner.source);
    inner.state.checkReady = true;

    expect(main.iteration(false)).toBe(true);
    expect(calls).toEqual([
      'inner.prepare',
      'inner.check',
      'inner.prepare',
      'inner.check',
      'inner.dispatch',
      'nested true',
      'inner.dispatch',
    ]);
  });

  it('a nested iteration dispatches a source with canRecurse again', () => {
    const calls: string[] = [];
    const main = new MainContext();
    let depth = 0;
    const source: Source = {
      canRecurse: true,
      prepare: () => ({ ready: depth < 2, timeoutNs: -1 }),
      check: () => false,
      dispatch() {
        depth++;
        calls.push(`dispatch at depth ${depth}`);
        if (depth === 1) calls.push(`nested ${main.iteration(false)}`);
        return true;
      },
    };
    main.attach(source);

    expect(main.iteration(false)).toBe(true);
    expect(calls).toEqual(['dispatch at depth 1', 'dispatch at depth 2', 'nested true']);
  });

  it('refuses to attach a source twice', () => {
    const main = new MainContext();
    const { source } = scriptedSource([], 's');
    main.attach(source);
    expect(() => main.attach(source)).toThrow(InvalidArgumentError);
  });

  it('refuses a source attached to another main context until it is detached there', () => {
    const first = new MainContext({ name: 'first' });
    const second = new MainContext({ name: 'second' });
    const { source } = scriptedSource([], 's');
    first.attach(source);

    expect(() => second.attach(source)).toThrow(
      "MainContext 'second'.attach(source): this source is attached to main context 'first'; " +
        'detach it from there first',
    );
    first.detach(source);
    second.attach(source);
    expect(second.sources).toEqual([source]);
    expect(first.sources).toEqual([]);
  });

  it('validates the arguments of attach, onNotify and iteration', () => {
    const main = new MainContext({ name: 'checked' });
    expect(() => main.attach(null as unknown as Source)).toThrow(
      "MainContext 'checked'.attach(source): the source must be an object, got null",
    );
    expect(() => main.attach({ prepare() {}, check() {} } as unknown as Source)).toThrow(
      "MainContext 'checked'.attach(source): the source has no dispatch() method",
    );
    expect(() => main.onNotify('x' as unknown as () => void)).toThrow(
      "MainContext 'checked'.onNotify(listener): the listener must be a function, got string",
    );
    expect(() => main.iteration(1 as unknown as boolean)).toThrow(
      "MainContext 'checked'.iteration(mayBlock): mayBlock must be a boolean, got number",
    );
  });

  it('a throwing listener does not stop the other listeners or the notifier', () => {
    const main = new MainContext();
    const ctx = new AioContext();
    main.attach(ctx.source);
    const queued: Array<() => void> = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      queued.push(task);
    });
    let heard = 0;
    const unsubscribe = main.onNotify(() => {
      throw new Error('main listener failed');
    });
    main.onNotify(() => heard++);
    try {
      ctx.notify();
    } finally {
      unsubscribe();
      spy.mockRestore();
    }

    expect(heard).toBe(1);
    expect(queued).toHaveLength(1);
    expect(() => queued[0]?.()).toThrow('main listener failed');
    ctx.finalize();
  });

  it('MainContext.default() is one process-wide main context', () => {
    expect(MainContext.default()).toBe(MainContext.default());
    expect(MainContext.default().name).toBe('default-main-context');
  });

  it('computeWaitTimeout is 0 when a source is ready, else the soonest timeout', () => {
    const main = new MainContext();
    expect(main.computeWaitTimeout()).toBe(-1);
    main.attach({
      prepare: () => ({ ready: false, timeoutNs: 500 }),
      check: () => false,
      dispatch: () => true,
    });
    main.attach({
      prepare: () => ({ ready: false, timeoutNs: 200 }),
      check: () => false,
      dispatch: () => true,
    });
    expect(main.computeWaitTimeout()).toBe(200);
    main.attach({
      prepare: () => ({ ready: true, timeoutNs: 0 }),
      check: () => true,
      dispatch: () => true,
    });
    expect(main.computeWaitTimeout()).toBe(0);
  });
});
