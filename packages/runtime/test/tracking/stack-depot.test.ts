import { describe, expect, it } from 'vitest';
import { AioContext } from '../../src/context/aio-context.js';
import { isRuntimeFrame, parseFrame } from '../../src/tracking/stack-depot.js';
import { tracker } from '../../src/tracking/tracker.js';
import { realGc } from '../helpers.js';

describe('parseFrame', () => {
  it.each([
    [
      '    at connect (file:///app/src/m.ts:18:17)',
      { functionName: 'connect', file: 'file:///app/src/m.ts', line: 18, column: 17 },
    ],
    [
      '    at async Migration.resume (/app/src/m.ts:3:5)',
      { functionName: 'Migration.resume', file: '/app/src/m.ts', line: 3, column: 5 },
    ],
    [
      '    at new BottomHalf (C:\\app\\dist\\bh.js:1:2)',
      { functionName: 'new BottomHalf', file: 'C:\\app\\dist\\bh.js', line: 1, column: 2 },
    ],
    [
      '    at file:///app/main.mjs:7:1',
      { functionName: '<anonymous>', file: 'file:///app/main.mjs', line: 7, column: 1 },
    ],
    [
      '    at Array.map (<anonymous>)',
      { functionName: 'Array.map', file: '<anonymous>', line: 0, column: 0 },
    ],
    [
      'connect@http://localhost:5173/src/m.ts:18:17',
      { functionName: 'connect', file: 'http://localhost:5173/src/m.ts', line: 18, column: 17 },
    ],
    [
      '@http://localhost:5173/main.js:2:3',
      { functionName: '<anonymous>', file: 'http://localhost:5173/main.js', line: 2, column: 3 },
    ],
  ])('reads %s', (line, expected) => {
    expect(parseFrame(line)).toEqual(expected);
  });

  it('skips the header line', () => {
    expect(parseFrame('Error')).toBeUndefined();
  });
});

describe('runtime frames', () => {
  it("are told apart by the runtime package's own directory", () => {
    const src = new URL('../../src/bh/bottom-half.ts', import.meta.url);
    const test = new URL('./stack-depot.test.ts', import.meta.url);
    const dist = new URL('../../dist/bottom-half.js', import.meta.url);

    expect(isRuntimeFrame(src.href)).toBe(true);
    expect(isRuntimeFrame(src.pathname)).toBe(true);
    expect(isRuntimeFrame(dist.href)).toBe(true);
    expect(isRuntimeFrame(test.href)).toBe(false);
  });

  it('are left out of a real BH allocation, whose first frame is the caller of bhNew', () => {
    const ctx = new AioContext({ name: 'depot-test' });
    const makeOne = () => ctx.bhNew(function tick() {});
    const bh = makeOne();

    const [allocation] = tracker.liveAllocations({ contextName: ctx.name });

    expect(allocation?.name).toBe('tick');
    expect(allocation?.frames[0]?.functionName).toBe('makeOne');
    expect(allocation?.frames.some((frame) => isRuntimeFrame(frame.file))).toBe(false);
    bh.delete();
    ctx.finalize();
  });

  it('a lost real BH becomes one direct leak', async () => {
    realGc();
    const ctx = new AioContext({ name: 'depot-leak' });
    (() => {
      ctx.bhNew(function lostCleanup() {});
    })();

    await tracker.settle();
    const leaks = tracker.check({}).filter((l) => l.allocation.contextName === ctx.name);

    expect(leaks.map((l) => [l.kind, l.allocation.name])).toEqual([['direct', 'lostCleanup']]);
    ctx.finalize();
  });
});
