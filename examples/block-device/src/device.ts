/**
 * A block device with many queues (virtio-blk with one virtqueue per vCPU, say). Each queue
 * completes its requests through its own BH; completions then schedule the device's one notify
 * BH, which tells the guest once per batch however many queues completed (interrupt coalescing).
 *
 * With QEMU's O(1) poll only the BHs that were scheduled are on the context's list, so a poll
 * costs the same whether the machine has 4 queues or 3,170 of which 4 are busy.
 */
import type { CompletionBh, CompletionContext } from './context.js';

/** What a device is plugged with. */
export interface DeviceConfig {
  readonly name: string;
  /** Number of queues, 1 to `maxQueues`. */
  readonly queues: number;
}

/** Most queues a device may have (virtio-blk's limit in this model). */
export const maxQueues = 64;

/** Counters shared by every device of a bus. */
export interface DeviceCounters {
  requestsCompleted: number;
  /** BH callbacks run: queue completions and guest notifications. */
  callbacksRun: number;
  notifies: number;
}

/** A device's config is unusable; names the device and the bad value. */
export class DeviceConfigError extends Error {
  readonly code = 'BLOCK_DEVICE_BAD_CONFIG';

  constructor(
    readonly device: string,
    readonly queues: number,
  ) {
    super(`device '${device}': queues must be an integer from 1 to ${maxQueues}, got ${queues}`);
    this.name = 'DeviceConfigError';
  }
}

/** Throws DeviceConfigError unless `config` is usable. */
export function checkConfig(config: DeviceConfig): void {
  const { queues } = config;
  if (!Number.isInteger(queues) || queues < 1 || queues > maxQueues) {
    throw new DeviceConfigError(config.name, queues);
  }
}

/** One queue: requests waiting for completion and the BH that completes them. */
export class Queue {
  inFlight = 0;
  readonly completionBh: CompletionBh;

  constructor(
    readonly device: BlockDevice,
    readonly index: number,
    context: CompletionContext,
  ) {
    this.completionBh = context.bhNew(() => device.completeQueue(this), {
      name: 'completeQueue',
    });
  }

  /** Deletes the queue's BH. Called once, by its device's `unplug()`. */
  release(): void {
    this.completionBh.delete();
  }
}

/** A plugged device. Made by a plug function (src/fixed/plug.ts); ended by `unplug()`. */
export class BlockDevice {
  readonly queues: readonly Queue[];
  private notifyPending = false;
  private plugged = true;

  /** Takes ownership of `notifyBh`; makes one completion BH per queue. */
  constructor(
    readonly name: string,
    context: CompletionContext,
    queueCount: number,
    private readonly notifyBh: CompletionBh,
    private readonly counters: DeviceCounters,
  ) {
    this.queues = Array.from({ length: queueCount }, (_, i) => new Queue(this, i, context));
  }

  get isPlugged(): boolean {
    return this.plugged;
  }

  /** The guest submits `count` requests on `queue`; its BH completes them on the next poll. */
  submit(queue: Queue, count = 1): void {
    queue.inFlight += count;
    queue.completionBh.schedule();
  }

  /** A queue's completion BH: completes its requests, then asks for one guest notification. */
  completeQueue(queue: Queue): void {
    this.counters.callbacksRun++;
    this.counters.requestsCompleted += queue.inFlight;
    queue.inFlight = 0;
    if (!this.notifyPending) {
      this.notifyPending = true;
      this.notifyBh.schedule();
    }
  }

  /** The notify BH (notify_guest_bh's role): one interrupt for the batch. */
  notifyGuest(): void {
    this.counters.callbacksRun++;
    this.counters.notifies++;
    this.notifyPending = false;
  }

  /** Hot-unplug: deletes every BH of the device; the next poll releases them. Called once. */
  unplug(): void {
    for (const queue of this.queues) queue.release();
    this.notifyBh.delete();
    this.plugged = false;
  }
}
