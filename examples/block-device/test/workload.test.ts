import { AioContext, UseAfterDeleteError } from '@bhsan/runtime';
import { describe, expect, it } from 'vitest';

import {
  DeviceConfigError,
  plugDevice,
  runWorkload,
  type CompletionBh,
  type CompletionContext,
  type DeviceCounters,
} from '../src/index.js';

/** Wraps a context and counts the BHs made and deleted through it. */
function countingContext(inner: AioContext): CompletionContext & { made: number; deleted: number } {
  const counts = {
    made: 0,
    deleted: 0,
    bhNew(callback: () => void, options?: { readonly name?: string }): CompletionBh {
      const bh = inner.bhNew(callback, options);
      counts.made++;
      return {
        schedule: () => bh.schedule(),
        delete: () => {
          counts.deleted++;
          bh.delete();
        },
      };
    },
    bhPoll: () => inner.bhPoll(),
  };
  return counts;
}

const noCounters = (): DeviceCounters => ({ requestsCompleted: 0, callbacksRun: 0, notifies: 0 });

describe('block-device workload', () => {
  it('completes every request on the 3,170-queue machine with 4 busy queues', () => {
    const stats = runWorkload({ requests: 1000 });

    expect({ ...stats, elapsedNs: 0 }).toEqual({
      devices: 101,
      queues: 3170,
      busyQueues: 4,
      requestsSubmitted: 1000,
      requestsCompleted: 1000,
      // 125 rounds of 4 queues × 2 requests, one poll each; then one poll runs the last
      // notifications and one finds nothing left.
      polls: 127,
      // 500 queue completions; a device's notification covers two rounds: 4 × 63 of them.
      callbacksRun: 500 + 252,
      notifies: 252,
      hotplugs: 0,
      elapsedNs: 0,
    });
    expect(stats.elapsedNs).toBeGreaterThan(0);
  });

  it('does the same work whether or not 3,166 idle queues exist', () => {
    const all = runWorkload({ requests: 1000 });
    const onlyBusy = runWorkload({ requests: 1000, shape: [{ devices: 4, queuesPerDevice: 1 }] });

    expect([onlyBusy.polls, onlyBusy.callbacksRun]).toEqual([all.polls, all.callbacksRun]);
  });

  it('runs on any context with the bhNew/bhPoll shape, deleting every BH it made', () => {
    const inner = new AioContext({ name: 'counted' });
    const context = countingContext(inner);

    const stats = runWorkload({ context, requests: 64 });

    expect(stats.requestsCompleted).toBe(64);
    expect([context.made, context.deleted]).toEqual([3170 + 101, 3170 + 101]);
    inner.finalize();
  });

  it('unplugs and re-plugs idle devices during the run without losing a BH', () => {
    const inner = new AioContext({ name: 'hotplug' });
    const context = countingContext(inner);

    const stats = runWorkload({ context, requests: 4000, hotplugEvery: 50 });

    expect([stats.hotplugs, stats.requestsCompleted]).toEqual([10, 4000]);
    // Each re-plug of a 32-queue device makes 33 BHs more; all of them were deleted.
    expect([context.made, context.deleted]).toEqual([3271 + 10 * 33, 3271 + 10 * 33]);
    inner.finalize();
  });

  it('rejects bad options, naming the key', () => {
    expect(() => runWorkload({ busyQueues: 0 })).toThrow(
      new RangeError('runWorkload: options.busyQueues must be an integer ≥ 1, got 0'),
    );
    expect(() => runWorkload({ requests: 10, busyQueues: 5, shape: [] })).toThrow(
      new RangeError('runWorkload: options.busyQueues (5) exceeds the 0 queues'),
    );
  });
});

describe('hot-plug and unplug', () => {
  it('unplug deletes every BH of the device', () => {
    const context = new AioContext({ name: 'unplug' });
    const device = plugDevice(context, { name: 'disk0', queues: 3 }, noCounters());
    const queue = device.queues[1]!;

    device.unplug();

    expect(device.isPlugged).toBe(false);
    expect(() => device.submit(queue)).toThrow(UseAfterDeleteError);
    context.bhPoll();
    context.finalize();
  });

  it('a bad config fails the plug before anything is allocated', () => {
    const inner = new AioContext({ name: 'bad-plug' });
    const context = countingContext(inner);

    expect(() => plugDevice(context, { name: 'disk1', queues: 65 }, noCounters())).toThrow(
      new DeviceConfigError('disk1', 65),
    );
    expect(new DeviceConfigError('disk1', 65).message).toBe(
      "device 'disk1': queues must be an integer from 1 to 64, got 65",
    );
    expect(context.made).toBe(0);
    inner.finalize();
  });
});
