/** Heap evidence: retainer paths from a real heap snapshot of this test process. */

import { AioContext, tracker, type BottomHalf } from '@bhsan/runtime';
import { describe, expect, it } from 'vitest';

import { findRetainerPaths, readableNames, type RetainerStep } from '../../src/heap/retainers.js';

const migration: { cleanupBh?: BottomHalf } = {};

function cleanup(): void {}

describe('findRetainerPaths', () => {
  it('names the module variable and the property that hold a still-reachable BH', async () => {
    const owner = 'retainers test';
    const previous = tracker.setOwner(owner);
    migration.cleanupBh = new AioContext({ name: 'held' }).bhNew(cleanup);
    tracker.setOwner(previous);

    const leaks = tracker.check({ owner, includeStillReachable: true });
    const paths = await findRetainerPaths([...leaks, {}]);

    expect(paths.map((found) => found?.names)).toEqual([['migration', 'cleanupBh'], undefined]);
    expect(paths[0]?.steps.at(-1)).toEqual({ type: 'property', name: 'cleanupBh', from: 'Object' });
    migration.cleanupBh.delete();
  });
});

describe('readableNames', () => {
  const step = (type: string, name: string): RetainerStep => ({ type, name, from: 'x' });

  it('starts at the last closure variable and shows array indexes in brackets', () => {
    expect(
      readableNames([
        step('context', 'registry'),
        step('internal', 'table'),
        step('context', 'state'),
        step('property', 'pending'),
        step('element', '3'),
      ]),
    ).toEqual(['state', 'pending', '[3]']);
  });

  it('keeps the last four named steps when no closure variable is on the path', () => {
    expect(
      readableNames([
        step('property', 'a'),
        step('hidden', '1'),
        step('property', 'b'),
        step('property', 'c'),
        step('property', 'd'),
        step('property', 'e'),
      ]),
    ).toEqual(['b', 'c', 'd', 'e']);
  });
});
