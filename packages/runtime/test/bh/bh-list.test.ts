import { describe, expect, it } from 'vitest';
import { AioContext, BhFlag, BottomHalf, IDLE_BH_TIMEOUT_NS } from '../../src/index.js';

const { PENDING, SCHEDULED, DELETED, IDLE } = BhFlag;

/** A context and a log that BHs made by `bh(name)` append their name to when they run. */
function setup() {
  const ctx = new AioContext({ name: 'bh-list-test' });
  const log: string[] = [];
  const bh = (name: string, body: () => void = () => {}): BottomHalf =>
    ctx.bhNew(
      () => {
        log.push(name);
        body();
      },
      { name },
    );
  return { ctx, log, bh };
}

describe('flags', () => {
  it('schedule, scheduleIdle and delete set PENDING plus their own flag', () => {
    const { ctx, bh } = setup();
    const a = bh('a');
    const b = bh('b');
    const c = bh('c');
    expect(a.flags).toBe(0);

    a.schedule();
    b.scheduleIdle();
    c.delete();

    expect(a.flags).toBe(PENDING | SCHEDULED);
    expect(b.flags).toBe(PENDING | SCHEDULED | IDLE);
    expect(c.flags).toBe(PENDING | DELETED);
    expect([a.scheduled, b.scheduled, c.scheduled]).toEqual([true, true, false]);
    a.delete();
    b.delete();
    ctx.finalize();
  });

  it('cancel clears SCHEDULED only; the BH stays pending on the list', () => {
    const { ctx, log, bh } = setup();
    const a = bh('a');
    a.schedule();
    a.cancel();

    expect(a.flags).toBe(PENDING);
    expect(ctx.bhPoll()).toBe(false);
    expect(log).toEqual([]);
    expect(a.flags).toBe(0);
    a.delete();
    ctx.finalize();
  });

  it('schedule() of an idle-scheduled BH keeps IDLE until a poll takes it', () => {
    const { ctx, bh } = setup();
    const a = bh('a');
    a.scheduleIdle();
    a.schedule();
    expect(a.flags).toBe(PENDING | SCHEDULED | IDLE);
    expect(ctx.computeTimeout()).toBe(10_000_000);
    expect(ctx.bhPoll()).toBe(false);
    a.schedule();
    expect(a.flags).toBe(PENDING | SCHEDULED);
    a.delete();
    ctx.finalize();
  });

  it('a poll clears PENDING, SCHEDULED and IDLE of the BHs it takes', () => {
    const { ctx, bh } = setup();
    const a = bh('a');
    a.scheduleIdle();
    ctx.bhPoll();
    expect(a.flags).toBe(0);
    a.delete();
    ctx.finalize();
  });
});

describe('the list', () => {
  it('runs BHs scheduled in one batch most recently scheduled first', () => {
    const { ctx, log, bh } = setup();
    const [a, b, c] = [bh('a'), bh('b'), bh('c')];
    a.schedule();
    b.schedule();
    c.schedule();

    expect(ctx.bhPoll()).toBe(true);
    expect(log).toEqual(['c', 'b', 'a']);
    for (const x of [a, b, c]) x.delete();
    ctx.finalize();
  });

  it('inserts a BH only if not PENDING: rescheduling keeps its place and runs it once', () => {
    const { ctx, log, bh } = setup();
    const [a, b] = [bh('a'), bh('b')];
    a.schedule();
    b.schedule();
    a.cancel();
    a.schedule();
    a.schedule();

    expect(ctx.bhPoll()).toBe(true);
    expect(log).toEqual(['b', 'a']);
    a.delete();
    b.delete();
    ctx.finalize();
  });

  it('a BH scheduled during a poll waits for the next poll', () => {
    const { ctx, log, bh } = setup();
    const later = bh('later');
    const first = bh('first', () => later.schedule());
    first.schedule();

    expect(ctx.bhPoll()).toBe(true);
    expect(log).toEqual(['first']);
    expect(later.flags).toBe(PENDING | SCHEDULED);
    expect(ctx.bhPoll()).toBe(true);
    expect(log).toEqual(['first', 'later']);
    expect(ctx.bhPoll()).toBe(false);
    first.delete();
    later.delete();
    ctx.finalize();
  });

  it('a BH rescheduling itself runs once per poll', () => {
    const { ctx, log, bh } = setup();
    const again: BottomHalf = bh('again', () => again.schedule());
    again.schedule();

    expect([ctx.bhPoll(), ctx.bhPoll(), ctx.bhPoll()]).toEqual([true, true, true]);
    expect(log).toEqual(['again', 'again', 'again']);
    again.delete();
    ctx.finalize();
  });

  it('a nested poll drains the outer slice first, then its own, and nothing runs twice', () => {
    const { ctx, log, bh } = setup();
    const inner = bh('inner');
    const x = bh('x');
    const y = bh('y');
    const outer = bh('outer', () => {
      inner.schedule();
      log.push(`nested returned ${ctx.bhPoll()}`);
    });
    x.schedule();
    y.schedule();
    outer.schedule();

    expect(ctx.bhPoll()).toBe(true);
    expect(log).toEqual(['outer', 'y', 'x', 'inner', 'nested returned true']);
    expect(ctx.bhPoll()).toBe(false);
    expect(log).toHaveLength(5);
    for (const b of [inner, x, y, outer]) b.delete();
    ctx.finalize();
  });

  it('a BH that deletes itself in its callback is released on the following poll', () => {
    const { ctx, log, bh } = setup();
    const self: BottomHalf = bh('self', () => self.delete());
    self.schedule();

    expect(ctx.bhPoll()).toBe(true);
    expect(log).toEqual(['self']);
    expect(self.flags).toBe(PENDING | DELETED);
    expect(ctx.bhPoll()).toBe(false);
    expect(self.flags).toBe(DELETED);
    ctx.finalize();
  });

  it('a deleted BH never runs, even if it was scheduled', () => {
    const { ctx, log, bh } = setup();
    const a = bh('a');
    a.schedule();
    a.delete();
    expect(a.flags).toBe(PENDING | SCHEDULED | DELETED);
    expect(a.scheduled).toBe(false);

    expect(ctx.bhPoll()).toBe(false);
    expect(log).toEqual([]);
    expect(a.flags).toBe(DELETED);
    ctx.finalize();
  });

  it('reports progress only when a non-idle callback ran', () => {
    const { ctx, log, bh } = setup();
    const idle = bh('idle');
    const busy = bh('busy');
    idle.scheduleIdle();
    expect(ctx.bhPoll()).toBe(false);
    expect(log).toEqual(['idle']);

    idle.scheduleIdle();
    busy.schedule();
    expect(ctx.bhPoll()).toBe(true);
    expect(log).toEqual(['idle', 'busy', 'idle']);
    idle.delete();
    busy.delete();
    ctx.finalize();
  });

  it('a oneshot runs once, counts as progress, and is gone afterwards', () => {
    const { ctx } = setup();
    let runs = 0;
    ctx.scheduleOneshot(() => runs++);

    expect(ctx.computeTimeout()).toBe(0);
    expect(ctx.bhPoll()).toBe(true);
    expect(ctx.bhPoll()).toBe(false);
    expect(runs).toBe(1);
    expect(ctx.computeTimeout()).toBe(-1);
    ctx.finalize();
  });

  it('a poll with nothing on the list returns false', () => {
    const { ctx } = setup();
    expect(ctx.bhPoll()).toBe(false);
    ctx.finalize();
  });
});

describe('computeTimeout', () => {
  it('is -1 with nothing scheduled, 0 with a BH scheduled, 10 ms with only idle ones', () => {
    const { ctx, bh } = setup();
    const a = bh('a');
    const b = bh('b');
    expect(ctx.computeTimeout()).toBe(-1);

    b.scheduleIdle();
    expect(ctx.computeTimeout()).toBe(10_000_000);
    expect(IDLE_BH_TIMEOUT_NS).toBe(10_000_000);
    a.schedule();
    expect(ctx.computeTimeout()).toBe(0);
    a.cancel();
    expect(ctx.computeTimeout()).toBe(10_000_000);
    b.delete();
    expect(ctx.computeTimeout()).toBe(-1);
    a.delete();
    ctx.finalize();
  });

  it('sees BHs still waiting in the slice of the running poll', () => {
    const { ctx, bh } = setup();
    const seen: number[] = [];
    const first = bh('first');
    const second = bh('second', () => seen.push(ctx.computeTimeout()));
    first.schedule();
    second.schedule();

    ctx.bhPoll();
    expect(seen).toEqual([0]);
    expect(ctx.computeTimeout()).toBe(-1);
    first.delete();
    second.delete();
    ctx.finalize();
  });
});

describe('exception safety', () => {
  it('a throwing callback propagates and the BHs after it run on the next poll', () => {
    const { ctx, log, bh } = setup();
    const a = bh('a');
    const b = bh('b', () => {
      throw new Error('b failed');
    });
    const c = bh('c');
    a.schedule();
    b.schedule();
    c.schedule();

    expect(() => ctx.bhPoll()).toThrow('b failed');
    expect(log).toEqual(['c', 'b']);
    expect(a.flags).toBe(PENDING | SCHEDULED);
    expect(b.flags).toBe(0);
    expect(ctx.computeTimeout()).toBe(0);

    expect(ctx.bhPoll()).toBe(true);
    expect(log).toEqual(['c', 'b', 'a']);
    expect(ctx.bhPoll()).toBe(false);
    for (const x of [a, b, c]) x.delete();
    ctx.finalize();
  });

  it('leftover BHs of a failed poll run before BHs scheduled after it', () => {
    const { ctx, log, bh } = setup();
    const a = bh('a');
    const thrower = bh('thrower', () => {
      throw new Error('boom');
    });
    const late = bh('late');
    a.schedule();
    thrower.schedule();
    expect(() => ctx.bhPoll()).toThrow('boom');
    late.schedule();

    expect(ctx.bhPoll()).toBe(true);
    expect(log).toEqual(['thrower', 'a', 'late']);
    for (const x of [a, thrower, late]) x.delete();
    ctx.finalize();
  });

  it('a throw inside a nested poll loses nothing and runs nothing twice', () => {
    const { ctx, log, bh } = setup();
    const thrower = bh('thrower', () => {
      throw new Error('inner failed');
    });
    const x = bh('x');
    const outer = bh('outer', () => {
      thrower.schedule();
      ctx.bhPoll();
    });
    x.schedule();
    outer.schedule();
    const y = bh('y');
    y.schedule();

    expect(() => ctx.bhPoll()).toThrow('inner failed');
    expect(log).toEqual(['y', 'outer', 'x', 'thrower']);
    expect(ctx.bhPoll()).toBe(false);
    expect(log).toEqual(['y', 'outer', 'x', 'thrower']);
    for (const b of [thrower, x, outer, y]) b.delete();
    ctx.finalize();
  });

  it('a throwing oneshot is still released', () => {
    const { ctx } = setup();
    let runs = 0;
    ctx.scheduleOneshot(() => {
      runs++;
      throw new Error('oneshot failed');
    });
    expect(() => ctx.bhPoll()).toThrow('oneshot failed');
    expect(ctx.bhPoll()).toBe(false);
    expect(runs).toBe(1);
    ctx.finalize();
  });
});

describe('names', () => {
  it('a BH is named explicitly, else after its callback, else anonymous', () => {
    const { ctx } = setup();
    function migrationCleanup(): void {}
    const named = ctx.bhNew(() => {}, { name: 'explicit' });
    const byCallback = ctx.bhNew(migrationCleanup);
    const anonymous = ctx.bhNew(() => {});

    expect([named.name, byCallback.name, anonymous.name]).toEqual([
      'explicit',
      'migrationCleanup',
      'anonymous',
    ]);
    expect(byCallback.context).toBe(ctx);
    for (const b of [named, byCallback, anonymous]) b.delete();
    ctx.finalize();
  });
});

describe('construction', () => {
  it('a BottomHalf cannot be made without its context', () => {
    const Ctor = BottomHalf as unknown as new () => BottomHalf;
    expect(() => new Ctor()).toThrow('new BottomHalf(): make bottom halves with ctx.bhNew()');
  });
});
