/**
 * The context's bottom-half list and its slices: how a poll finds the BHs to run in time that
 * does not depend on how many BHs exist.
 *
 * What is on the list, and when
 * -----------------------------
 * A BH is on exactly one of these, or on none:
 *
 *   list.head ─► bh ─► bh ─► null          BHs enqueued since the last poll began, newest first
 *   list.firstSlice ─► slice ─► slice ─► null  (list.lastSlice = the last slice)
 *                        │        │
 *                        ▼        ▼
 *                        bh       bh ─► bh ─► null   BHs a running poll has yet to take
 *
 * The links are intrusive (`bh.next`), so enqueueing allocates nothing. A BH is on a list or slice
 * exactly while its PENDING flag is set. Schedule, idle-schedule and delete set PENDING plus their
 * own flag and push the BH at the head only when PENDING was clear; cancel only clears SCHEDULED
 * and leaves the BH where it is. A BH that was made and never scheduled is on nothing at all, so
 * nothing in the runtime keeps it alive: the garbage collector may take it, and the tracker, which
 * holds only weak references, reports it as a leak.
 *
 * A poll moves the whole list into a new slice, appends the slice to the slice list, then takes
 * BHs from the first slice until every slice is empty. Taking a BH clears PENDING, SCHEDULED and
 * IDLE; the flags it had decide: it runs if SCHEDULED and not DELETED, and it is released if
 * DELETED or ONESHOT. So a BH scheduled while a poll runs goes to the list and waits for the next
 * poll; a nested poll (a callback that polls) takes from the outer slices first, then from its own;
 * the outer poll then finds every slice empty, and nothing runs twice.
 *
 * Exception safety: the slice being drained lives on the slice list, not in the poll's frame.
 * When a callback throws, the error goes to whoever polled and the BHs not yet taken stay in their
 * slice; the next poll appends its own slice behind it and runs them first.
 *
 * Cost of each operation (n = BHs scheduled or deleted since their last poll, i.e. PENDING ones;
 * BHs that merely exist never count):
 *   enqueue (schedule, scheduleIdle, delete)  O(1), no allocation
 *   cancel                                    O(1)
 *   poll                                      O(n) plus one slice object
 *   computeTimeout                            O(n)
 *   finalize                                  O(n)
 *
 * Who calls what: BottomHalf calls `enqueue`; AioContext calls everything else, from the thread
 * that owns the context (JavaScript has no other).
 */
import { BhFlag, type BottomHalf } from './bottom-half.js';
import { trackRelease } from '../tracking/tracker.js';

/** A batch of BHs taken off the list by one poll. */
class Slice {
  head: BottomHalf | null;
  next: Slice | null = null;

  constructor(head: BottomHalf | null) {
    this.head = head;
  }
}

/** One idle BH keeps a poll from waiting longer than this (nanoseconds). */
export const IDLE_BH_TIMEOUT_NS = 10_000_000;

const TAKEN = BhFlag.PENDING | BhFlag.SCHEDULED | BhFlag.IDLE;

export class BhList {
  /** Newest enqueued BH. */
  head: BottomHalf | null = null;
  firstSlice: Slice | null = null;
  lastSlice: Slice | null = null;
  /** Called after every enqueue; the context's notifier. */
  private readonly notify: () => void;

  constructor(notify: () => void) {
    this.notify = notify;
  }

  /**
   * Called by BottomHalf only: sets PENDING plus `flags` and puts the BH at the head of the list
   * if it was not PENDING. Pairs with `take`, which clears PENDING when it unlinks the BH.
   */
  enqueue(bh: BottomHalf, flags: number): void {
    const old = bh.state;
    bh.state = old | BhFlag.PENDING | flags;
    if ((old & BhFlag.PENDING) === 0) {
      bh.next = this.head;
      this.head = bh;
    }
    this.notify();
  }

  /** Called by AioContext.bhPoll only; returns whether a non-idle callback ran. */
  poll(): boolean {
    if (this.head === null && this.firstSlice === null) return false;

    const slice = new Slice(this.head);
    this.head = null;
    if (this.lastSlice === null) this.firstSlice = slice;
    else this.lastSlice.next = slice;
    this.lastSlice = slice;

    let progress = false;
    for (let s = this.firstSlice; s !== null; s = this.firstSlice) {
      const bh = s.head;
      if (bh === null) {
        this.firstSlice = s.next;
        if (this.firstSlice === null) this.lastSlice = null;
        continue;
      }

      // Unlink and clear PENDING before the callback, so that it may schedule itself again.
      s.head = bh.next;
      bh.next = null;
      const flags = bh.state;
      bh.state = flags & ~TAKEN;

      const runs = (flags & (BhFlag.SCHEDULED | BhFlag.DELETED)) === BhFlag.SCHEDULED;
      const releases = (flags & (BhFlag.DELETED | BhFlag.ONESHOT)) !== 0;
      if (runs) {
        if ((flags & BhFlag.IDLE) === 0) progress = true;
        if (releases) {
          try {
            bh.callback();
          } finally {
            release(bh, flags);
          }
        } else {
          bh.callback();
        }
      } else if (releases) {
        release(bh, flags);
      }
    }
    return progress;
  }

  /**
   * Called by AioContext only: the BH part of the timeout, starting from `timeout` (-1 = none).
   * 0 if a non-idle runnable BH waits, else 10 ms if an idle one waits, else `timeout`.
   */
  computeTimeout(timeout: number): number {
    timeout = chainTimeout(this.head, timeout);
    for (let s = this.firstSlice; s !== null && timeout !== 0; s = s.next) {
      timeout = chainTimeout(s.head, timeout);
    }
    return timeout;
  }

  /**
   * Called by AioContext.finalize only, when no poll is running: empties the list and every
   * slice; releases deleted BHs and returns the undeleted ones (each a leak).
   */
  drain(): BottomHalf[] {
    const undeleted: BottomHalf[] = [];
    const chains: Array<BottomHalf | null> = [this.head];
    for (let s = this.firstSlice; s !== null; s = s.next) chains.push(s.head);
    this.head = null;
    this.firstSlice = null;
    this.lastSlice = null;

    for (let bh of chains) {
      while (bh !== null) {
        const next = bh.next;
        bh.next = null;
        const flags = bh.state;
        bh.state = flags & ~TAKEN;
        if ((flags & BhFlag.DELETED) === 0) undeleted.push(bh);
        else release(bh, flags);
        bh = next;
      }
    }
    return undeleted;
  }
}

function chainTimeout(bh: BottomHalf | null, timeout: number): number {
  for (; bh !== null; bh = bh.next) {
    if ((bh.state & (BhFlag.SCHEDULED | BhFlag.DELETED)) !== BhFlag.SCHEDULED) continue;
    if ((bh.state & BhFlag.IDLE) === 0) return 0;
    timeout = IDLE_BH_TIMEOUT_NS;
  }
  return timeout;
}

/** Drops the callback; a oneshot's life ends here (a deleted BH's ended at `delete()`). */
function release(bh: BottomHalf, flags: number): void {
  bh.callback = released;
  if ((flags & BhFlag.DELETED) === 0) trackRelease(bh.handle, bh);
}

function released(): void {}
