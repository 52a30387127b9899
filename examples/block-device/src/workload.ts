/**
 * The workload: plug devices, keep a few queues busy, poll, optionally hot-unplug and re-plug
 * idle devices as it goes, then unplug everything. It runs on any `CompletionContext`, so the
 * benchmarks can time the same work on bhsan and on a pre-redesign baseline.
 */
import { AioContext } from '@bhsan/runtime';

import type { CompletionContext } from './context.js';
import type { BlockDevice, DeviceCounters } from './device.js';
import { plugDevice } from './fixed/plug.js';

/** `devices` devices with `queuesPerDevice` queues each. */
export interface DeviceGroup {
  readonly devices: number;
  readonly queuesPerDevice: number;
}

/** The machine of QEMU's own measurement of the O(1) poll: 2 × 1 queue + 99 × 32 queues. */
export const qemuMeasurementShape: readonly DeviceGroup[] = [
  { devices: 2, queuesPerDevice: 1 },
  { devices: 99, queuesPerDevice: 32 },
];

/** Options of `runWorkload`; every one has a default. */
export interface WorkloadOptions {
  /** The context to run on; default a new AioContext, finalized at the end. */
  readonly context?: CompletionContext;
  /** Devices to plug; default `qemuMeasurementShape` (3,170 queues). */
  readonly shape?: readonly DeviceGroup[];
  /** Queues with requests in flight, spread evenly over all queues; default 4. */
  readonly busyQueues?: number;
  /** Requests to submit in all; default 100,000. */
  readonly requests?: number;
  /** Requests each busy queue gets per round, before the round's one poll; default 2. */
  readonly depth?: number;
  /** Rounds between hot-plug cycles (unplug an idle device, plug it again); 0: none (default). */
  readonly hotplugEvery?: number;
}

/** What a run did. */
export interface WorkloadStats {
  readonly devices: number;
  readonly queues: number;
  readonly busyQueues: number;
  readonly requestsSubmitted: number;
  readonly requestsCompleted: number;
  /** `bhPoll()` calls, the final drain included. */
  readonly polls: number;
  /** BH callbacks run: queue completions plus guest notifications. */
  readonly callbacksRun: number;
  readonly notifies: number;
  /** Idle devices unplugged and plugged again. */
  readonly hotplugs: number;
  /** Wall time of the submit-and-poll loop, in nanoseconds (plug and unplug not included). */
  readonly elapsedNs: number;
}

/** Throws a RangeError naming `key` unless `value` is an integer of at least `min`. */
function checkCount(key: keyof WorkloadOptions, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`runWorkload: options.${key} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/**
 * Runs the workload to its end and returns its counters. Throws if a request was lost or, on its
 * own context, if unplug left a BH undeleted (finalize fails). Any caller; synchronous.
 */
export function runWorkload(options: WorkloadOptions = {}): WorkloadStats {
  const ownContext = options.context === undefined;
  const context = options.context ?? new AioContext({ name: 'block-device' });
  const shape = options.shape ?? qemuMeasurementShape;
  const requests = checkCount('requests', options.requests ?? 100_000, 0);
  const depth = checkCount('depth', options.depth ?? 2, 1);
  const hotplugEvery = checkCount('hotplugEvery', options.hotplugEvery ?? 0, 0);
  const counters: DeviceCounters = { requestsCompleted: 0, callbacksRun: 0, notifies: 0 };

  const busyCount = checkCount('busyQueues', options.busyQueues ?? 4, 1);
  const queueCount = shape.reduce((sum, group) => sum + group.devices * group.queuesPerDevice, 0);
  // Checked before anything is plugged, so that a bad option leaves no BH behind.
  if (busyCount > queueCount) {
    throw new RangeError(
      `runWorkload: options.busyQueues (${busyCount}) exceeds the ${queueCount} queues`,
    );
  }

  const devices: BlockDevice[] = [];
  for (const group of shape) {
    for (let d = 0; d < group.devices; d++) {
      const config = { name: `disk${devices.length}`, queues: group.queuesPerDevice };
      devices.push(plugDevice(context, config, counters));
    }
  }
  const queues = devices.flatMap((device) => device.queues);
  const busy = spreadOver(queues, busyCount);
  const busyDevices = new Set(busy.map((queue) => queue.device));

  let submitted = 0;
  let polls = 0;
  let hotplugs = 0;
  const start = performance.now();
  for (let round = 1; submitted < requests; round++) {
    for (const queue of busy) {
      const count = Math.min(depth, requests - submitted);
      if (count === 0) break;
      queue.device.submit(queue, count);
      submitted += count;
    }
    context.bhPoll();
    polls++;
    if (hotplugEvery > 0 && round % hotplugEvery === 0) {
      hotplugs += replugIdleDevice(context, devices, busyDevices, counters);
    }
  }
  // Notifications scheduled by the last completions run on the polls after them.
  while (context.bhPoll()) polls++;
  polls++;
  const elapsedNs = Math.round((performance.now() - start) * 1e6);

  for (const device of devices) device.unplug();
  context.bhPoll();
  if (ownContext) (context as AioContext).finalize();

  if (counters.requestsCompleted !== submitted) {
    throw new Error(`runWorkload: ${counters.requestsCompleted} of ${submitted} completed`);
  }
  return {
    devices: devices.length,
    queues: queues.length,
    busyQueues: busyCount,
    requestsSubmitted: submitted,
    requestsCompleted: counters.requestsCompleted,
    polls,
    callbacksRun: counters.callbacksRun,
    notifies: counters.notifies,
    hotplugs,
    elapsedNs,
  };
}

/** `count` items spread evenly over `items`, so that busy queues are not neighbours. */
export function spreadOver<T>(items: readonly T[], count: number): T[] {
  const step = Math.floor(items.length / count);
  return Array.from({ length: count }, (_, i) => items[i * step] as T);
}

/** Unplugs the last device that has no busy queue and plugs one like it; returns 1, or 0. */
function replugIdleDevice(
  context: CompletionContext,
  devices: BlockDevice[],
  busyDevices: ReadonlySet<BlockDevice>,
  counters: DeviceCounters,
): number {
  const index = devices.findLastIndex((device) => !busyDevices.has(device));
  const old = devices[index];
  if (old === undefined) return 0;
  old.unplug();
  devices[index] = plugDevice(context, { name: old.name, queues: old.queues.length }, counters);
  return 1;
}
