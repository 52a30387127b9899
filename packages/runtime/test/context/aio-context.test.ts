import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
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
import { caught, realGc } from '../helpers.js';

const gc = realGc();
const THIS_FILE_LINES = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');

/**
 * `test/context/aio-context.test.ts:<line>:<column>` of the call of `method` on the first line of
 * this file that contains `needle`: the allocation site a finalize error names.
 */
function site(needle: string, method: string): string {
  const index = THIS_FILE_LINES.findIndex((line) => line.includes(needle));
  const column = (THIS_FILE_LINES[index] as string).indexOf(`.${method}(`) + 2;
  return `test/context/aio-context.test.ts:${index + 1}:${column}`;
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

  it('finalize inside a poll throws FinalizeDuringPollError and leaves the context usable', () => {
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
      `context '${ctx.name}' was finalized with 5 undeleted objects: ` +
        `bh 'never-scheduled' (allocated at ${site("name: 'never-scheduled'", 'bhNew')}), ` +
        `bh 'scheduled' (allocated at ${site("name: 'scheduled'", 'bhNew')}), ` +
        `bh 'cancelled' (allocated at ${site("name: 'cancelled'", 'bhNew')}), ` +
        `bh 'oneshot' (allocated at ${site("name: 'oneshot'", 'scheduleOneshot')}), ` +
        `timer 'armed-timer' (allocated at ${site("name: 'armed-timer'", 'timerNew')}). ` +
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

describe('notify listeners', () => {
  it('a throwing listener neither stops the others nor makes schedule() throw', () => {
    const ctx = new AioContext();
    const queued: Array<() => void> = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      queued.push(task);
    });
    const log: string[] = [];
    const unsubscribe = ctx.onNotify(() => {
      throw new Error('listener failed');
    });
    ctx.onNotify(() => log.push('second listener'));
    const bh = ctx.bhNew(() => log.push('ran'));
    try {
      bh.schedule();
    } finally {
      unsubscribe();
      spy.mockRestore();
    }

    expect(log).toEqual(['second listener']);
    expect(bh.scheduled).toBe(true);
    expect(queued).toHaveLength(1);
    expect(() => queued[0]?.()).toThrow('listener failed');
    expect(ctx.poll(false)).toBe(true);
    expect(log).toEqual(['second listener', 'ran']);
    bh.delete();
    ctx.finalize();
  });
});

describe('references', () => {
  it('unref of the last reference inside a poll throws and keeps the reference', () => {
    const ctx = new AioContext();
    const errors: unknown[] = [];
    const bh = ctx.bhNew(() => errors.push(caught(() => ctx.unref())));
    bh.schedule();
    ctx.poll(false);

    expect((errors[0] as FinalizeDuringPollError).code).toBe('BHSAN_FINALIZE_DURING_POLL');
    expect(ctx.refCount).toBe(1);
    expect(ctx.finalized).toBe(false);
    bh.delete();
    ctx.unref();
    expect(ctx.refCount).toBe(0);
    expect(ctx.finalized).toBe(true);
  });
});

describe('finalize and collected BHs', () => {
  /** Makes a BH of `ctx` that nothing keeps, so a gc() in a later job collects it. */
  function loseBh(ctx: AioContext): void {
    ctx.bhNew(function cleanup() {});
  }

  it.each([
    ['not yet noticed by the tracker', false],
    ['already noticed, not yet checked', true],
  ])('names an undeleted BH that was collected (%s), reported once', async (_, settle) => {
    const ctx = new AioContext({ name: 'lost-bh' });
    loseBh(ctx);
    // A new WeakRef keeps its target alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    if (settle) await tracker.settle();

    const error = caught(() => ctx.finalize()) as UndeletedBottomHalvesError;
    expect(error).toBeInstanceOf(UndeletedBottomHalvesError);
    expect(error.leaks.map((l) => [l.kind, l.allocation.name, l.object])).toEqual([
      ['direct', 'cleanup', undefined],
    ]);
    expect(error.message).toBe(
      `context '${ctx.name}' was finalized with 1 undeleted object: ` +
        `bh 'cleanup' (allocated at ${site('ctx.bhNew(function cleanup', 'bhNew')}, collected). ` +
        'Delete every BH (and free every timer) before finalizing its context.',
    );
    const ofThisContext = (): string[] =>
      tracker
        .check()
        .filter((l) => l.allocation.contextName === ctx.name)
        .map((l) => `${l.kind} ${l.allocation.name}`);
    expect(ofThisContext()).toEqual(['direct cleanup']);
    await tracker.settle();
    expect(ofThisContext()).toEqual([]);
  });

  it('a context that reuses a finalized name is not blamed for its predecessor', async () => {
    const first = new AioContext({ name: 'reused-name' });
    loseBh(first);
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
    expect(caught(() => first.finalize())).toBeInstanceOf(UndeletedBottomHalvesError);

    const second = new AioContext({ name: 'reused-name' });
    expect(second.name).toBe('reused-name');
    expect(() => second.finalize()).not.toThrow();
    expect(
      tracker
        .check()
        .filter((l) => l.allocation.contextName === 'reused-name')
        .map((l) => `${l.kind} ${l.allocation.name}`),
    ).toEqual(['direct cleanup']);
  });
});

describe('small rules', () => {
  it('refuses an empty BH name and a non-boolean blocking', () => {
    const ctx = new AioContext();
    expect(() => ctx.bhNew(() => {}, { name: '' })).toThrow(
      "bhNew(callback, options): options.name must be a non-empty string, got ''",
    );
    expect(() => ctx.scheduleOneshot(() => {}, { name: '' })).toThrow(
      "scheduleOneshot(callback, options): options.name must be a non-empty string, got ''",
    );
    expect(() => ctx.poll('yes' as unknown as boolean)).toThrow(
      'poll(blocking): blocking must be a boolean, got string',
    );
    ctx.finalize();
  });

  it('after finalize, an undeleted BH may be cancelled and deleted; a timer del and free', () => {
    const ctx = new AioContext();
    const bh = ctx.bhNew(() => {});
    bh.schedule();
    const timer = ctx.timerNew(ClockType.VIRTUAL, 1, () => {});
    timer.mod(clocks.now(ClockType.VIRTUAL) + 10);
    expect(() => ctx.finalize()).toThrow(UndeletedBottomHalvesError);
    tracker.check();

    bh.cancel();
    expect(bh.flags).toBe(0);
    expect(() => bh.scheduleIdle()).toThrow(ContextFinalizedError);
    expect(() => timer.mod(1)).toThrow(ContextFinalizedError);
    timer.del();
    timer.free();
    bh.delete();
    expect(bh.flags).toBe(BhFlag.DELETED);
  });

  it('a finalized context frees its name for a new one', () => {
    const base = `reused-${Math.random().toString(36).slice(2)}`;
    const first = new AioContext({ name: base });
    expect(new AioContext({ name: base }).name).toBe(`${base}#2`);
    first.finalize();
    expect(new AioContext({ name: base }).name).toBe(base);
  });
});
