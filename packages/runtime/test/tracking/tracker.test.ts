import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeContext,
  describeUseAfterDelete,
  recordFinalizeLeaks,
  trackAllocation,
  tracker,
  trackRelease,
  type AllocationHandle,
} from '../../src/tracking/tracker.js';
import { depotSize } from '../../src/tracking/stack-depot.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { caught, realGc } from '../helpers.js';

const THIS_FILE = /packages\/runtime\/test\/tracking\/tracker\.test\.ts$/;
let contextSeq = 0;
const freshContext = (): string => `tracker-test#${++contextSeq}`;

beforeAll(() => {
  realGc();
});

afterEach(async () => {
  tracker.configure({ enabled: true, mallocContextSize: 30 });
  tracker.setOwner(undefined);
  await tracker.settle();
  tracker.check();
});

/** Tracks a plain object that nothing keeps: the tracker alone must not keep it alive. */
function loseOne(name: string, contextName: string): void {
  trackAllocation('bh', {}, name, contextName);
}

/** The 1-based line of `trackAllocation` in loseOne, read from this file. */
const loseOneLine =
  readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes("trackAllocation('bh', {}, name, contextName)")) + 1;

describe('tracker', () => {
  it('reports an undeleted object that was collected as one direct leak', async () => {
    const ctx = freshContext();
    loseOne('cleanup', ctx);

    await tracker.settle();
    const leaks = tracker.check();

    expect(leaks).toHaveLength(1);
    const [leak] = leaks;
    expect(leak?.kind).toBe('direct');
    expect(leak?.object).toBeUndefined();
    expect(leak?.allocation.name).toBe('cleanup');
    expect(leak?.allocation.contextName).toBe(ctx);
    expect(leak?.allocation.kind).toBe('bh');
    const top = leak?.allocation.frames[0];
    expect(top?.functionName).toBe('loseOne');
    expect(top?.file).toMatch(THIS_FILE);
    expect(top?.line).toBe(loseOneLine);
    expect(tracker.check()).toEqual([]);
  });

  it('does not report a deleted object that was collected', async () => {
    const ctx = freshContext();
    (() => {
      const object = {};
      trackRelease(trackAllocation('bh', object, 'done', ctx), object);
    })();

    await tracker.settle();

    expect(tracker.check()).toEqual([]);
  });

  it('closing a context lists its undeleted live objects only', () => {
    const a = freshContext();
    const b = freshContext();
    const keptA = {};
    const keptB = {};
    const deleted = {};
    trackAllocation('bh', keptA, 'a1', a);
    trackAllocation('timer', keptB, 'b1', b);
    trackRelease(trackAllocation('bh', deleted, 'a2', a), deleted);

    const found = closeContext(a).undeleted;

    expect(found.map((entry) => entry.allocation.name)).toEqual(['a1']);
    expect(found[0]?.object).toBe(keptA);
    expect(closeContext(b).undeleted.map((entry) => entry.allocation.kind)).toEqual(['timer']);
  });

  it('hands out finalize leaks once and never again as direct leaks', async () => {
    const ctx = freshContext();
    (() => {
      const object = {};
      const handle = trackAllocation('bh', object, 'left', ctx) as AllocationHandle;
      const leak = { kind: 'undeleted-at-finalize' as const, allocation: handle.allocation };
      recordFinalizeLeaks([leak]);
      recordFinalizeLeaks([leak]);
    })();

    await tracker.settle();

    expect(tracker.liveAllocations({ contextName: ctx })).toEqual([]);
    expect(tracker.check().map((l) => l.kind)).toEqual(['undeleted-at-finalize']);
  });

  it('gives the three sites of a use after delete', () => {
    const object = {};
    const handle = trackAllocation('bh', object, 'once', freshContext());
    const deleteHere = (): void => trackRelease(handle, object);
    deleteHere();

    const useHere = (): ReturnType<typeof describeUseAfterDelete> => describeUseAfterDelete(handle);
    const sites = useHere();

    expect(sites.allocation?.name).toBe('once');
    expect(sites.deletedAt[0]?.functionName).toBe('deleteHere');
    expect(sites.usedAt[0]?.functionName).toBe('useHere');
    expect(sites.allocation?.frames[0]?.file).toMatch(THIS_FILE);
  });

  it('stores identical stacks once in the depot', () => {
    const ctx = freshContext();
    const kept: object[] = [];
    const before = depotSize();
    for (let i = 0; i < 5; i++) {
      const object = {};
      kept.push(object);
      trackAllocation('bh', object, 'same', ctx);
    }

    const ids = tracker.liveAllocations({ contextName: ctx }).map((a) => a.stackId);

    expect(depotSize() - before).toBe(1);
    expect(new Set(ids).size).toBe(1);
    expect(kept).toHaveLength(5);
  });

  it('captures no stack at depth 0 and at most N frames at depth N', () => {
    const ctx = freshContext();
    const kept = [{}, {}];
    tracker.configure({ mallocContextSize: 0 });
    trackAllocation('bh', kept[0] as object, 'no-stack', ctx);
    tracker.configure({ mallocContextSize: 1 });
    trackAllocation('bh', kept[1] as object, 'one-frame', ctx);

    const [none, one] = tracker.liveAllocations({ contextName: ctx });

    expect(none?.stackId).toBe(0);
    expect(none?.frames).toEqual([]);
    expect(one?.frames).toHaveLength(1);
  });

  it('does not track while disabled or inside withoutTracking', () => {
    const ctx = freshContext();
    tracker.disable();
    expect(trackAllocation('bh', {}, 'x', ctx)).toBeUndefined();
    tracker.enable();
    expect(tracker.withoutTracking(() => trackAllocation('bh', {}, 'y', ctx))).toBeUndefined();
    expect(trackAllocation('bh', {}, 'z', ctx)).toBeDefined();
  });

  it('labels allocations with the owner and checks by owner', async () => {
    const ctx = freshContext();
    const previous = tracker.setOwner('test A');
    loseOne('of-a', ctx);
    tracker.setOwner('test B');
    loseOne('of-b', ctx);
    tracker.setOwner(previous);
    await tracker.settle();

    expect(tracker.check({ owner: 'test B' }).map((l) => l.allocation.name)).toEqual(['of-b']);
    expect(tracker.check().map((l) => l.allocation.name)).toEqual(['of-a']);
  });

  it('reports live undeleted objects as still reachable unless baselined or ignored', () => {
    const ctx = freshContext();
    const old = {};
    trackAllocation('bh', old, 'old', ctx);
    expect(tracker.baseline()).toBeGreaterThanOrEqual(1);
    const ignored = {};
    const fresh = {};
    trackAllocation('bh', ignored, 'ignored', ctx);
    trackAllocation('bh', fresh, 'fresh', ctx);
    expect(tracker.ignore(ignored)).toBe(true);

    const leaks = tracker.check({ includeStillReachable: true });

    expect(leaks.map((l) => [l.kind, l.allocation.name])).toEqual([['still-reachable', 'fresh']]);
    expect(leaks[0]?.object).toBe(fresh);
    expect(closeContext(ctx).undeleted.map((e) => e.allocation.name)).toEqual(['old', 'fresh']);
  });

  it('notifies leak listeners until unsubscribed', async () => {
    const seen: string[] = [];
    const off = tracker.onLeak((leak) => seen.push(`${leak.kind}:${leak.allocation.name}`));
    loseOne('heard', freshContext());
    await tracker.settle();
    off();
    loseOne('unheard', freshContext());
    await tracker.settle();

    expect(seen).toEqual(['direct:heard']);
  });

  it('finds collected objects synchronously with collectNow after gc', async () => {
    const gc = realGc();
    loseOne('sync', freshContext());
    // A new WeakRef keeps its target alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));

    gc();
    const found = tracker.collectNow();

    expect(found).toBe(1);
    expect(tracker.check().map((l) => l.allocation.name)).toEqual(['sync']);
  });

  it('rejects a bad option with InvalidArgumentError naming it, and changes nothing', () => {
    const error = caught(() => tracker.configure({ mallocContextSize: -1 }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe('BHSAN_INVALID_ARGUMENT');
    expect((error as InvalidArgumentError).where).toBe('tracker.configure(mallocContextSize)');
    expect((error as Error).message).toBe(
      'tracker.configure(mallocContextSize): mallocContextSize must be an integer >= 0, got -1',
    );
    expect(() => tracker.configure({ mallocContextSize: 1.5 })).toThrow(
      'tracker.configure(mallocContextSize): mallocContextSize must be an integer >= 0, got 1.5',
    );
    expect(() =>
      tracker.configure({ enabled: 'no' as unknown as boolean, mallocContextSize: 3 }),
    ).toThrow('tracker.configure(enabled): enabled must be a boolean, got string');
    expect(tracker.mallocContextSize).toBe(30);
    expect(tracker.enabled).toBe(true);
  });
});
