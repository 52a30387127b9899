// QEMU's own bottom-half test cases, through the QEMU-named facade: first with aio_poll, then
// with g_main_context_iteration on the default main context (a null context).
import { afterAll, describe, expect, it } from 'vitest';
import {
  QEMUBH,
  QEMU_CLOCK_REALTIME,
  QEMU_CLOCK_VIRTUAL,
  SCALE_MS,
  aio_bh_new,
  aio_bh_new_full,
  aio_bh_poll,
  aio_bh_schedule_oneshot,
  aio_bh_schedule_oneshot_full,
  aio_compute_timeout,
  aio_context_new,
  aio_context_ref,
  aio_context_unref,
  aio_get_g_source,
  aio_notify,
  aio_poll,
  aio_timer_new,
  g_main_context_default,
  g_main_context_iteration,
  g_main_context_new,
  g_source_attach,
  qemu_bh_cancel,
  qemu_bh_delete,
  qemu_bh_new,
  qemu_bh_schedule,
  qemu_bh_schedule_idle,
  qemu_clock_get_ns,
  qemu_get_aio_context,
  timer_del,
  timer_expire_time_ns,
  timer_free,
  timer_mod,
  timer_pending,
} from '../../src/qemu/index.js';
import { InvalidArgumentError, MainContext, clocks } from '../../src/index.js';
import { caught } from '../helpers.js';

interface BHTestData {
  bh: QEMUBH | null;
  n: number;
  max: number;
}

function bhTestCb(data: BHTestData): void {
  data.n++;
  if (data.n < data.max && data.bh !== null) qemu_bh_schedule(data.bh);
}

function bhDeleteCb(data: BHTestData): void {
  if (++data.n < data.max) {
    qemu_bh_schedule(data.bh as QEMUBH);
  } else {
    qemu_bh_delete(data.bh as QEMUBH);
    data.bh = null;
  }
}

const ctx = aio_context_new('qemu-test-aio');
g_source_attach(aio_get_g_source(ctx), null);

afterAll(() => {
  // Every test deleted its BHs, so dropping the last reference finalizes without an error.
  aio_context_unref(ctx);
  expect(ctx.finalized).toBe(true);
});

describe('aio_poll', () => {
  it('notify alone is no progress, even for a blocking poll', () => {
    expect(aio_poll(ctx, false)).toBe(false);
    aio_notify(ctx);
    expect(aio_poll(ctx, true)).toBe(false);
    expect(aio_poll(ctx, false)).toBe(false);
  });

  it('bh schedule: a blocking poll runs it once, the next poll finds nothing', () => {
    const data: BHTestData = { bh: null, n: 0, max: 0 };
    data.bh = aio_bh_new(ctx, bhTestCb, data);
    qemu_bh_schedule(data.bh);
    expect(data.n).toBe(0);

    expect(aio_poll(ctx, true)).toBe(true);
    expect(data.n).toBe(1);
    expect(aio_poll(ctx, false)).toBe(false);
    expect(data.n).toBe(1);
    qemu_bh_delete(data.bh);
  });

  it('bh schedule10: a BH rescheduling itself runs ten times, once per poll', () => {
    const data: BHTestData = { bh: null, n: 0, max: 10 };
    data.bh = aio_bh_new(ctx, bhTestCb, data);
    qemu_bh_schedule(data.bh);
    expect(data.n).toBe(0);

    expect(aio_poll(ctx, false)).toBe(true);
    expect(data.n).toBe(1);
    expect(aio_poll(ctx, true)).toBe(true);
    expect(data.n).toBe(2);
    let polls = 0;
    while (data.n < 10) {
      aio_poll(ctx, true);
      polls++;
    }
    expect(polls).toBe(8);
    expect(data.n).toBe(10);
    expect(aio_poll(ctx, false)).toBe(false);
    expect(data.n).toBe(10);
    qemu_bh_delete(data.bh);
  });

  it('bh cancel: a cancelled BH does not run', () => {
    const data: BHTestData = { bh: null, n: 0, max: 0 };
    data.bh = aio_bh_new(ctx, bhTestCb, data);
    qemu_bh_schedule(data.bh);
    qemu_bh_cancel(data.bh);
    expect(aio_poll(ctx, false)).toBe(false);
    expect(data.n).toBe(0);
    qemu_bh_delete(data.bh);
  });

  it('bh delete before poll: it never runs', () => {
    const data: BHTestData = { bh: null, n: 0, max: 0 };
    data.bh = aio_bh_new(ctx, bhTestCb, data);
    qemu_bh_schedule(data.bh);
    qemu_bh_delete(data.bh);
    expect(aio_poll(ctx, false)).toBe(false);
    expect(data.n).toBe(0);
  });

  it('bh delete from its own callback', () => {
    const data: BHTestData = { bh: null, n: 0, max: 1 };
    data.bh = aio_bh_new(ctx, bhDeleteCb, data);
    qemu_bh_schedule(data.bh);
    expect(data.n).toBe(0);

    while (data.n < data.max) aio_poll(ctx, true);
    expect(data.n).toBe(1);
    expect(data.bh).toBe(null);
    // Releasing the deleted BH is no progress.
    expect(aio_poll(ctx, false)).toBe(false);
  });

  it('four BHs deleting themselves after 1, 2, 3 and 4 runs', () => {
    const all: BHTestData[] = [1, 2, 3, 4].map((max) => ({ bh: null, n: 0, max }));
    for (const data of all) data.bh = aio_bh_new(ctx, bhDeleteCb, data);
    for (const data of all) qemu_bh_schedule(data.bh as QEMUBH);
    expect(all.map((d) => d.n)).toEqual([0, 0, 0, 0]);

    expect(aio_poll(ctx, false)).toBe(true);
    expect(all.map((d) => d.n)).toEqual([1, 1, 1, 1]);
    expect(all.map((d) => d.bh === null)).toEqual([true, false, false, false]);

    const progress: boolean[] = [];
    while (all.some((d) => d.n < d.max)) progress.push(aio_poll(ctx, false));
    expect(progress).toEqual([true, true, true]);
    expect(all.map((d) => d.n)).toEqual([1, 2, 3, 4]);
    expect(all.map((d) => d.bh)).toEqual([null, null, null, null]);
    expect(aio_poll(ctx, false)).toBe(false);
  });

  it('bh flush: polling until no progress runs a scheduled BH once, then nothing is left', () => {
    const data: BHTestData = { bh: null, n: 0, max: 0 };
    data.bh = aio_bh_new(ctx, bhTestCb, data);
    qemu_bh_schedule(data.bh);
    expect(data.n).toBe(0);

    while (aio_poll(ctx, false));
    expect(data.n).toBe(1);
    expect(aio_poll(ctx, false)).toBe(false);
    qemu_bh_delete(data.bh);
  });

  it('an idle BH runs without counting as progress; aio_bh_poll agrees', () => {
    const data: BHTestData = { bh: null, n: 0, max: 0 };
    data.bh = aio_bh_new_full(ctx, bhTestCb, data, 'idle-test');
    expect(data.bh.name).toBe('idle-test');
    qemu_bh_schedule_idle(data.bh);
    expect(aio_compute_timeout(ctx)).toBe(10_000_000);
    expect(aio_bh_poll(ctx)).toBe(false);
    expect(data.n).toBe(1);
    qemu_bh_delete(data.bh);
    aio_poll(ctx, false);
  });

  it('a oneshot gets its opaque, is named after its callback, and runs once', () => {
    const seen: string[] = [];
    function oneshotCb(opaque: string): void {
      seen.push(opaque);
    }
    aio_bh_schedule_oneshot(ctx, oneshotCb, 'opaque-value');
    expect(aio_poll(ctx, false)).toBe(true);
    expect(aio_poll(ctx, false)).toBe(false);
    expect(seen).toEqual(['opaque-value']);
  });

  it('aio_bh_new names the BH after the callback', () => {
    const bh = aio_bh_new(ctx, bhTestCb, { bh: null, n: 0, max: 0 });
    expect(bh.name).toBe('bhTestCb');
    expect(bh).toBeInstanceOf(QEMUBH);
    qemu_bh_delete(bh);
    aio_poll(ctx, false);
  });
});

describe('g_main_context_iteration', () => {
  it('flush: a notify makes one iteration dispatch, then nothing', () => {
    expect(g_main_context_iteration(null, false)).toBe(false);
    aio_notify(ctx);
    let iterations = 0;
    while (g_main_context_iteration(null, false)) iterations++;
    expect(iterations).toBe(1);
    expect(g_main_context_iteration(null, false)).toBe(false);
  });

  it('bh schedule: a blocking iteration runs it once, the next finds nothing', () => {
    const data: BHTestData = { bh: null, n: 0, max: 0 };
    data.bh = aio_bh_new(ctx, bhTestCb, data);
    qemu_bh_schedule(data.bh);
    expect(data.n).toBe(0);

    expect(g_main_context_iteration(null, true)).toBe(true);
    expect(data.n).toBe(1);
    expect(g_main_context_iteration(null, false)).toBe(false);
    expect(data.n).toBe(1);
    qemu_bh_delete(data.bh);
    // The delete notified: one iteration accepts it.
    expect(g_main_context_iteration(null, false)).toBe(true);
    expect(g_main_context_iteration(null, false)).toBe(false);
  });

  it('bh schedule10 through iterations', () => {
    const data: BHTestData = { bh: null, n: 0, max: 10 };
    data.bh = aio_bh_new(ctx, bhTestCb, data);
    qemu_bh_schedule(data.bh);

    expect(g_main_context_iteration(null, false)).toBe(true);
    expect(data.n).toBe(1);
    expect(g_main_context_iteration(null, true)).toBe(true);
    expect(data.n).toBe(2);
    while (g_main_context_iteration(null, false));
    expect(data.n).toBe(10);
    expect(g_main_context_iteration(null, false)).toBe(false);
    qemu_bh_delete(data.bh);
    while (g_main_context_iteration(null, false));
  });

  it('bh cancel through iterations', () => {
    const data: BHTestData = { bh: null, n: 0, max: 0 };
    data.bh = aio_bh_new(ctx, bhTestCb, data);
    qemu_bh_schedule(data.bh);
    qemu_bh_cancel(data.bh);
    while (g_main_context_iteration(null, false));
    expect(data.n).toBe(0);
    qemu_bh_delete(data.bh);
    while (g_main_context_iteration(null, false));
  });

  it('bh delete before iteration: it never runs', () => {
    const data: BHTestData = { bh: null, n: 0, max: 0 };
    data.bh = aio_bh_new(ctx, bhTestCb, data);
    qemu_bh_schedule(data.bh);
    qemu_bh_delete(data.bh);
    while (g_main_context_iteration(null, false));
    expect(data.n).toBe(0);
  });

  it('bh delete from its own callback: the next iteration is true once, then false', () => {
    const data: BHTestData = { bh: null, n: 0, max: 1 };
    data.bh = aio_bh_new(ctx, bhDeleteCb, data);
    qemu_bh_schedule(data.bh);
    expect(data.n).toBe(0);

    expect(g_main_context_iteration(null, true)).toBe(true);
    expect(data.n).toBe(1);
    expect(data.bh).toBe(null);
    expect(g_main_context_iteration(null, false)).toBe(true);
    expect(g_main_context_iteration(null, false)).toBe(false);
  });

  it('four BHs deleting themselves after 1, 2, 3 and 4 runs', () => {
    const all: BHTestData[] = [1, 2, 3, 4].map((max) => ({ bh: null, n: 0, max }));
    for (const data of all) data.bh = aio_bh_new(ctx, bhDeleteCb, data);
    for (const data of all) qemu_bh_schedule(data.bh as QEMUBH);

    expect(g_main_context_iteration(null, false)).toBe(true);
    expect(all.map((d) => d.n)).toEqual([1, 1, 1, 1]);
    let iterations = 1;
    while (g_main_context_iteration(null, false)) iterations++;
    expect(all.map((d) => d.n)).toEqual([1, 2, 3, 4]);
    expect(all.map((d) => d.bh)).toEqual([null, null, null, null]);
    // Four running iterations, then one that releases the last BH, which deleted itself.
    expect(iterations).toBe(5);
  });
});

describe('timers and clocks', () => {
  it('a virtual timer under its QEMU names', () => {
    const hits: string[] = [];
    const timer = aio_timer_new(
      ctx,
      QEMU_CLOCK_VIRTUAL,
      SCALE_MS,
      (o: string) => hits.push(o),
      'x',
    );
    const now = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    expect(timer_pending(timer)).toBe(false);
    timer_mod(timer, now / SCALE_MS + 3);
    expect(timer_pending(timer)).toBe(true);
    expect(timer_expire_time_ns(timer)).toBe(now + 3_000_000);
    expect(aio_compute_timeout(ctx)).toBe(3_000_000);

    clocks.virtual.advance(3_000_000);
    expect(aio_poll(ctx, false)).toBe(true);
    expect(hits).toEqual(['x']);
    expect(timer_pending(timer)).toBe(false);
    timer_mod(timer, now / SCALE_MS + 10);
    timer_del(timer);
    expect(timer_expire_time_ns(timer)).toBe(-1);
    timer_free(timer);
    while (aio_poll(ctx, false));
  });

  it('the realtime clock moves by itself', () => {
    const a = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    let b = a;
    while (b === a) b = qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    expect(b).toBeGreaterThan(a);
  });
});

describe('contexts', () => {
  it('aio_context_unref finalizes on the last reference only', () => {
    const other = aio_context_new();
    aio_context_ref(other);
    aio_context_unref(other);
    expect(other.finalized).toBe(false);
    aio_context_unref(other);
    expect(other.finalized).toBe(true);
  });

  it('qemu_bh_new uses the main loop context, attached to the default main context', () => {
    const main = qemu_get_aio_context();
    expect(main.name).toBe('main-loop');
    expect(qemu_get_aio_context()).toBe(main);
    expect(g_main_context_default().sources).toContain(main.source);

    const data: BHTestData = { bh: null, n: 0, max: 0 };
    data.bh = qemu_bh_new(bhTestCb, data);
    expect(data.bh.context).toBe(main);
    qemu_bh_schedule(data.bh);
    expect(g_main_context_iteration(null, false)).toBe(true);
    expect(data.n).toBe(1);
    qemu_bh_delete(data.bh);
    while (g_main_context_iteration(null, false));
  });

  it('g_main_context_new makes a separate main context', () => {
    const other = g_main_context_new();
    expect(other).not.toBe(g_main_context_default());
    expect(other.sources).toEqual([]);
    expect(g_main_context_iteration(other, false)).toBe(false);
  });
});

describe('argument checks', () => {
  const notAFunction = 7 as unknown as () => void;
  const noContext = null as unknown as typeof ctx;
  const noBh = null as unknown as QEMUBH;
  const noTimer = undefined as unknown as ReturnType<typeof aio_timer_new>;
  const cb = (): void => {};

  it.each([
    ['aio_bh_new(ctx)', 'ctx must be an AioContext, got null', () => aio_bh_new(noContext, cb, 0)],
    ['aio_bh_new(cb)', 'cb must be a function, got number', () => aio_bh_new(ctx, notAFunction, 0)],
    [
      'aio_bh_new_full(cb)',
      'cb must be a function, got undefined',
      () => aio_bh_new_full(ctx, undefined as unknown as () => void, 0, 'named'),
    ],
    ['qemu_bh_new(cb)', 'cb must be a function, got number', () => qemu_bh_new(notAFunction, 0)],
    [
      'aio_bh_schedule_oneshot(cb)',
      'cb must be a function, got number',
      () => aio_bh_schedule_oneshot(ctx, notAFunction, 0),
    ],
    [
      'aio_bh_schedule_oneshot_full(ctx)',
      'ctx must be an AioContext, got an instance of Object',
      () => aio_bh_schedule_oneshot_full({} as typeof ctx, cb, 0, 'x'),
    ],
    [
      'aio_timer_new(cb)',
      'cb must be a function, got number',
      () => aio_timer_new(ctx, QEMU_CLOCK_VIRTUAL, 1, notAFunction, 0),
    ],
    ['qemu_bh_schedule(bh)', 'bh must be a QEMUBH, got null', () => qemu_bh_schedule(noBh)],
    ['qemu_bh_delete(bh)', 'bh must be a QEMUBH, got null', () => qemu_bh_delete(noBh)],
    ['aio_poll(ctx)', 'ctx must be an AioContext, got null', () => aio_poll(noContext, false)],
    ['aio_notify(ctx)', 'ctx must be an AioContext, got null', () => aio_notify(noContext)],
    ['timer_mod(timer)', 'timer must be a Timer, got undefined', () => timer_mod(noTimer, 1)],
    [
      'g_main_context_iteration(context)',
      'context must be a GMainContext or null, got number',
      () => g_main_context_iteration(3 as unknown as MainContext, false),
    ],
  ])('%s is checked at the call', (where, problem, call) => {
    const error = caught(call);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe('BHSAN_INVALID_ARGUMENT');
    expect((error as InvalidArgumentError).message).toBe(`${where}: ${problem}`);
  });
});
