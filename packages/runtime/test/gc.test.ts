// Reachability: what the runtime keeps alive. Needs `--expose-gc` (see vitest.config.ts).
import { describe, expect, it } from 'vitest';
import { AioContext, ClockType, tracker, type BottomHalf, type Timer } from '../src/index.js';
import { realGc } from './helpers.js';

const gc = realGc();
const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Drops every strong reference the test's frames hold, then collects. */
async function collect(): Promise<void> {
  await macrotask();
  gc();
  await macrotask();
}

describe('what the runtime keeps alive', () => {
  it('runs with a real gc()', () => {
    expect(typeof gc).toBe('function');
  });

  it('a never-scheduled BH is reachable from nothing in the runtime', async () => {
    const ctx = new AioContext({ name: 'gc-never-scheduled' });
    const ref = new WeakRef(ctx.bhNew(() => {}, { name: 'dropped' }));
    await collect();
    expect(ref.deref()).toBeUndefined();

    // The tracker saw it go without delete(): a direct leak.
    await tracker.settle();
    const leaks = tracker.check().filter((l) => l.allocation.contextName === ctx.name);
    expect(leaks.map((l) => [l.kind, l.allocation.name])).toEqual([['direct', 'dropped']]);
    ctx.finalize();
  });

  it('a scheduled BH is kept by its context until a poll takes it', async () => {
    const ctx = new AioContext();
    const ref = new WeakRef(ctx.bhNew(() => {}, { name: 'scheduled' }));
    ref.deref()?.schedule();
    await collect();
    expect(ref.deref()?.name).toBe('scheduled');

    (ref.deref() as BottomHalf).delete();
    ctx.poll(false);
    await collect();
    expect(ref.deref()).toBeUndefined();
    ctx.finalize();
  });

  it('a BH that deleted itself is kept until the following poll releases it', async () => {
    const ctx = new AioContext();
    const ref = new WeakRef(ctx.bhNew(() => ref.deref()?.delete()));
    ref.deref()?.schedule();
    ctx.poll(false);
    await collect();
    expect(ref.deref()).not.toBeUndefined();

    ctx.poll(false);
    await collect();
    expect(ref.deref()).toBeUndefined();
    ctx.finalize();
  });

  it('an unarmed timer is unreachable from the runtime; an armed one is kept', async () => {
    const ctx = new AioContext();
    const unarmed = new WeakRef(ctx.timerNew(ClockType.VIRTUAL, 1, () => {}));
    const armed = new WeakRef(ctx.timerNew(ClockType.VIRTUAL, 1, () => {}));
    armed.deref()?.mod(1e15);
    await collect();
    expect(unarmed.deref()).toBeUndefined();
    expect(armed.deref()?.pending).toBe(true);
    (armed.deref() as Timer).free();
    await tracker.settle();
    tracker.check();
    ctx.finalize();
  });
});
