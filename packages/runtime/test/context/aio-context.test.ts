import { describe, expect, it } from 'vitest';
import {
  AioContext,
  BhFlag,
  BlockingPollWouldHangError,
  ClockType,
  ContextFinalizedError,
  FinalizeDuringPollError,
  InvalidArgumentError,
  SCALE_MS,
  UndeletedBottomHalvesError,
  UseAfterDeleteError,
  clocks,
  tracker,
} from '../../src/index.js';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('misuse errors', () => {
  it.each(['schedule', 'scheduleIdle', 'cancel', 'delete'] as const)(
    '%s() of a deleted BH is a use after delete naming the BH',
    (operation) => {
      const ctx = new AioContext();
      const bh = ctx.bhNew(() => {}, { name: 'migration-cleanup' });
      bh.delete();

      const error = caught(() => bh[operation]()) as UseAfterDeleteError;
      expect(error).toBeInstanceOf(UseAfterDeleteError);
      expect(error.code).toBe('BHSAN_USE_AFTER_DELETE');
      expect(error.bhName).toBe('migration-cleanup');
      expect(error.operation).toBe(operation);
      expect(error.message).toContain(`\`${operation}()\` on bottom half 'migration-cleanup'`);
      expect(error.message.startsWith(operation === 'delete' ? 'double delete' : 'use after')).toBe(
        true,
      );
      expect(error.allocation?.name).toBe('migration-cleanup');
      expect(error.deletedAt.some((f) => f.file.endsWith('aio-context.test.ts'))).toBe(true);
      expect(error.usedAt.some((f) => f.file.endsWith('aio-context.test.ts'))).toBe(true);
      expect(bh.flags).toBe(BhFlag.PENDING | BhFlag.DELETED);
      ctx.finalize();
    },
  );

  it('`using` deletes the BH at the end of the block, and disposing twice is allowed', () => {
    const ctx = new AioContext();
    let kept: ReturnType<AioContext['bhNew']> | undefined;
    {
      using bh = ctx.bhNew(() => {});
      kept = bh;
      bh.schedule();
    }
    expect(kept.deleted).toBe(true);
    kept[Symbol.dispose]();
    expect(ctx.poll(false)).toBe(false);
    ctx.finalize();
  });

  it.each([
    ['poll', (ctx: AioContext) => ctx.poll(false)],
    ['bhPoll', (ctx: AioContext) => ctx.bhPoll()],
    ['bhNew', (ctx: AioContext) => ctx.bhNew(function late() {})],
    ['scheduleOneshot', (ctx: AioContext) => ctx.scheduleOneshot(function late() {})],
    ['timerNew', (ctx: AioContext) => ctx.timerNew(ClockType.VIRTUAL, 1, function late() {})],
    ['finalize', (ctx: AioContext) => ctx.finalize()],
  ])('%s() on a finalized context throws ContextFinalizedError', (operation, use) => {
    const ctx = new AioContext({ name: 'done' });
    ctx.finalize();
    const error = caught(() => use(ctx)) as ContextFinalizedError;
    expect(error).toBeInstanceOf(ContextFinalizedError);
    expect(error.code).toBe('BHSAN_CONTEXT_FINALIZED');
    expect(error.operation).toBe(operation);
    expect(error.contextName).toBe(ctx.name);
  });

  it('scheduling a BH of a finalized context names the BH; deleting it is still allowed', () => {
    const ctx = new AioContext();
    const bh = ctx.bhNew(() => {}, { name: 'straggler' });
    expect(() => ctx.finalize()).toThrow(UndeletedBottomHalvesError);

    const error = caught(() => bh.schedule()) as ContextFinalizedError;
    expect(error.code).toBe('BHSAN_CONTEXT_FINALIZED');
    expect(error.subjectName).toBe('straggler');
    expect(error.message).toContain("`schedule()` on 'straggler'");
    bh.delete();
    expect(bh.flags).toBe(BhFlag.DELETED);
  });

  it('finalize from inside a poll throws FinalizeDuringPollError and leaves the context usable', () => {
    const ctx = new AioContext();
    const errors: unknown[] = [];
    const bh = ctx.bhNew(() => errors.push(caught(() => ctx.finalize())));
    bh.schedule();
    expect(ctx.poll(false)).toBe(true);

    const error = errors[0] as FinalizeDuringPollError;
    expect(error).toBeInstanceOf(FinalizeDuringPollError);
    expect(error.code).toBe('BHSAN_FINALIZE_DURING_POLL');
    expect(error.contextName).toBe(ctx.name);
    expect(ctx.finalized).toBe(false);
    bh.delete();
    ctx.finalize();
    expect(ctx.finalized).toBe(true);
  });

  it('bad arguments name the call and the argument', () => {
    const ctx = new AioContext();
    const notAFunction = 42 as unknown as () => void;
    const error = caught(() => ctx.bhNew(notAFunction)) as InvalidArgumentError;
    expect(error.code).toBe('BHSAN_INVALID_ARGUMENT');
    expect(error.message).toBe(
      'bhNew(callback, options): the callback must be a function, got number',
    );
    expect(() => ctx.timerNew(ClockType.VIRTUAL, 0, () => {})).toThrow(
      'timerNew(scale): scale must be a positive number',
    );
    expect(() => ctx.timerNew(7 as ClockType, 1, () => {})).toThrow(
      'timerNew(clock): unknown clock type 7',
    );
    ctx.finalize();
  });
});

describe('finalize', () => {
  it('names every undeleted BH and timer, scheduled or not, in allocation order', () => {
    const ctx = new AioContext({ name: 'leaky' });
    const neverScheduled = ctx.bhNew(() => {}, { name: 'never-scheduled' });
    const scheduled = ctx.bhNew(() => {}, { name: 'scheduled' });
    scheduled.schedule();
    const cancelled = ctx.bhNew(() => {}, { name: 'cancelled' });
    cancelled.schedule();
    cancelled.cancel();
    ctx.bhNew(() => {}, { name: 'deleted' }).delete();
    ctx.scheduleOneshot(() => {}, { name: 'oneshot' });
    const timer = ctx.timerNew(ClockType.VIRTUAL, SCALE_MS, () => {}, { name: 'armed-timer' });
    timer.mod(clocks.now(ClockType.VIRTUAL) / SCALE_MS + 1);

    const error = caught(() => ctx.finalize()) as UndeletedBottomHalvesError;
    expect(error).toBeInstanceOf(UndeletedBottomHalvesError);
    expect(error.code).toBe('BHSAN_UNDELETED_AT_FINALIZE');
    expect(error.contextName).toBe(ctx.name);
    expect(error.leaks.map((l) => [l.kind, l.allocation.kind, l.allocation.name])).toEqual([
      ['undeleted-at-finalize', 'bh', 'never-scheduled'],
      ['undeleted-at-finalize', 'bh', 'scheduled'],
      ['undeleted-at-finalize', 'bh', 'cancelled'],
      ['undeleted-at-finalize', 'bh', 'oneshot'],
      ['undeleted-at-finalize', 'timer', 'armed-timer'],
    ]);
    expect(error.leaks[0]?.object).toBe(neverScheduled);
    expect(error.message).toBe(
      `context '${ctx.name}' was finalized with 5 undeleted objects: bh 'never-scheduled', ` +
        "bh 'scheduled', bh 'cancelled', bh 'oneshot', timer 'armed-timer'. " +
        'Delete every BH (and free every timer) before finalizing its context.',
    );
    expect(ctx.finalized).toBe(true);
    expect(timer.pending).toBe(false);
    expect(scheduled.flags).toBe(0);
    tracker.check();
  });

  it('with tracking off, names the BHs on the list (the only ones it can see)', () => {
    const ctx = new AioContext();
    tracker.withoutTracking(() => {
      ctx.bhNew(() => {}, { name: 'invisible' });
      ctx.bhNew(() => {}, { name: 'on-the-list' }).schedule();
    });
    const error = caught(() => ctx.finalize()) as UndeletedBottomHalvesError;
    expect(error.leaks.map((l) => [l.allocation.name, l.allocation.id])).toEqual([
      ['on-the-list', 0],
    ]);
  });

  it('succeeds once every BH is deleted and every timer freed, releasing deleted ones', () => {
    const ctx = new AioContext();
    const bh = ctx.bhNew(() => {});
    bh.schedule();
    bh.delete();
    const timer = ctx.timerNew(ClockType.REALTIME, SCALE_MS, () => {});
    timer.mod(1e9);
    timer.free();
    ctx.finalize();
    expect(bh.flags).toBe(BhFlag.DELETED);
  });

  it('leftover BHs of a poll that threw do not count as a poll in progress', () => {
    const ctx = new AioContext();
    const a = ctx.bhNew(() => {});
    const b = ctx.bhNew(() => {
      throw new Error('stop');
    });
    a.schedule();
    b.schedule();
    expect(() => ctx.poll(false)).toThrow('stop');
    a.delete();
    b.delete();
    ctx.finalize();
  });
});

describe('names of contexts', () => {
  it('are unique: a repeated name gets #2, #3…; unnamed ones are aio-context#<n>', () => {
    const base = `ctx-${Math.random().toString(36).slice(2)}`;
    const names = [1, 2, 3].map(() => new AioContext({ name: base }).name);
    expect(names).toEqual([base, `${base}#2`, `${base}#3`]);
    expect(new AioContext().name).toMatch(/^aio-context#\d+$/);
  });

  it('refuses an empty name', () => {
    expect(() => new AioContext({ name: '' })).toThrow(
      'new AioContext(options.name): the name must be a non-empty string',
    );
  });
});

describe('blocking poll', () => {
  it('waits for a realtime timer, then runs it', () => {
    const ctx = new AioContext();
    let ranAt = -1;
    const timer = ctx.timerNew(ClockType.REALTIME, SCALE_MS, () => {
      ranAt = clocks.now(ClockType.REALTIME);
    });
    timer.mod(clocks.now(ClockType.REALTIME) / SCALE_MS + 20);
    const deadline = timer.expireTime;

    expect(ctx.poll(true)).toBe(true);
    expect(ranAt).toBeGreaterThanOrEqual(deadline);
    expect(timer.pending).toBe(false);
    timer.free();
    ctx.finalize();
  });

  it('does not wait when a BH is scheduled or a notify is pending', () => {
    const ctx = new AioContext();
    ctx.notify();
    expect(ctx.notificationPending).toBe(true);
    expect(ctx.poll(true)).toBe(false);
    expect(ctx.notificationPending).toBe(false);
    ctx.finalize();
  });

  it('throws BlockingPollWouldHangError when nothing could ever wake it', () => {
    const ctx = new AioContext({ name: 'idle' });
    const error = caught(() => ctx.poll(true)) as BlockingPollWouldHangError;
    expect(error).toBeInstanceOf(BlockingPollWouldHangError);
    expect(error.code).toBe('BHSAN_POLL_WOULD_HANG');
    expect(error.contextName).toBe(ctx.name);
    expect(error.virtualTimersPending).toBe(0);
    ctx.finalize();
  });

  it('counts a pending virtual timer as nothing that could wake it', () => {
    const ctx = new AioContext();
    const timer = ctx.timerNew(ClockType.VIRTUAL, 1, () => {});
    timer.mod(clocks.now(ClockType.VIRTUAL) + 1000);
    ctx.poll(false);

    const error = caught(() => ctx.poll(true)) as BlockingPollWouldHangError;
    expect(error.virtualTimersPending).toBe(1);
    expect(error.message).toContain('1 virtual-clock timer(s) are pending');
    timer.free();
    ctx.finalize();
  });
});

describe('notify', () => {
  it('calls onNotify listeners on every schedule until unsubscribed', () => {
    const ctx = new AioContext();
    let calls = 0;
    const unsubscribe = ctx.onNotify(() => calls++);
    const bh = ctx.bhNew(() => {});
    bh.schedule();
    bh.schedule();
    ctx.notify();
    unsubscribe();
    bh.delete();
    expect(calls).toBe(3);
    ctx.poll(false);
    ctx.finalize();
  });
});
