/**
 * The producer: a disk on the host whose requests complete after a latency, stood in for by
 * timers on the main loop's context. Each completion is handed to the I/O thread as a oneshot BH
 * (`completeRequest`), as a block driver hands completions to the context that submitted them.
 */
import { ClockType, SCALE_MS, clocks, mainLoopContext, type Timer } from '@bhsan/runtime';

import type { IOThread } from './iothread.js';

/** One request: submitted on the main loop, completed on the I/O thread. */
export interface Request {
  readonly id: number;
  readonly latencyMs: number;
  /** Set by `completeRequest`, on the I/O thread. */
  completedOn: string | undefined;
}

/** A disk whose completions go to one I/O thread. Called from the main loop only. */
export class Disk {
  /** Requests the host has not finished yet. */
  private readonly inFlight = new Map<Request, Timer>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly completionWaiters = new Map<Request, () => void>();
  private nextId = 1;

  constructor(private readonly iothread: IOThread) {}

  /** Starts a request; resolves once the I/O thread ran its completion. */
  submit(latencyMs: number): Promise<Request> {
    const request: Request = { id: this.nextId++, latencyMs, completedOn: undefined };
    const timer = mainLoopContext().timerNew(ClockType.REALTIME, SCALE_MS, () =>
      this.hostCompleted(request),
    );
    this.inFlight.set(request, timer);
    timer.mod(clocks.now(ClockType.REALTIME) / SCALE_MS + latencyMs);
    return new Promise((resolve) => this.completionWaiters.set(request, () => resolve(request)));
  }

  /** Resolves once the host finished every request in flight (not: once they completed). */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The host finished `request`: hand its completion to the I/O thread. Called by its timer. */
  private hostCompleted(request: Request): void {
    this.inFlight.get(request)?.free();
    this.inFlight.delete(request);
    const context = this.iothread.context;
    context.scheduleOneshot(() => this.completeRequest(request), { name: 'completeRequest' });
    if (this.inFlight.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** The completion, on the I/O thread: records where it ran and wakes the submitter. */
  private completeRequest(request: Request): void {
    request.completedOn = this.iothread.context.name;
    this.completionWaiters.get(request)?.();
    this.completionWaiters.delete(request);
  }
}
