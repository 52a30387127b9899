/**
 * BASELINE — not bhsan. A deliberately small model of the bottom-half loop as it worked before
 * the O(1) redesign, kept only so that the benchmarks can run the old algorithm next to the new.
 *
 * The design being measured against:
 * - Every BH a context creates is linked onto the context's one list at creation, and stays there
 *   until it is deleted and swept.
 * - `schedule` only sets a flag; it does not touch the list.
 * - Every poll walks the whole list: it runs each scheduled, undeleted BH it meets, then (when no
 *   other poll is walking) sweeps deleted BHs off the list.
 *
 * Cost: bhNew O(1), schedule O(1), poll O(number of BHs the context ever created and did not yet
 * delete) — the cost the redesign removed. Idle scheduling, timers, notification and error checks
 * are left out: the benchmarks do not use them.
 */

/** A baseline BH. Who may call: the benchmarks only. */
export class BaselineBottomHalf {
  /** Next BH on the context's list; undefined at the tail. */
  next: BaselineBottomHalf | undefined;
  /** Set by schedule, cleared by the poll that runs the callback. */
  scheduled = false;
  /** Set by delete; the next poll that is the only one walking unlinks the BH. */
  deleted = false;

  constructor(
    readonly context: BaselineContext,
    readonly callback: () => void,
  ) {}

  schedule(): void {
    this.scheduled = true;
  }

  cancel(): void {
    this.scheduled = false;
  }

  delete(): void {
    this.scheduled = false;
    this.deleted = true;
    this.context.hasDeleted = true;
  }
}

/** A baseline context: one list holding every BH it created. */
export class BaselineContext {
  /** Head of the list of every created, not yet swept BH; new BHs go to the head. */
  private first: BaselineBottomHalf | undefined;
  /** How many polls are walking the list right now (a callback may poll again). */
  private walking = 0;
  /** True when some BH on the list was deleted and is waiting to be swept. */
  hasDeleted = false;

  /** Create a BH and link it onto the list. Who may call: the benchmarks only. */
  bhNew(callback: () => void): BaselineBottomHalf {
    const bh = new BaselineBottomHalf(this, callback);
    bh.next = this.first;
    this.first = bh;
    return bh;
  }

  /** Walk every BH on the list; true if a callback ran. Who may call: the benchmarks only. */
  bhPoll(): boolean {
    let ran = false;

    this.walking++;
    try {
      for (let bh = this.first; bh !== undefined; bh = bh.next) {
        if (bh.scheduled && !bh.deleted) {
          bh.scheduled = false;
          ran = true;
          bh.callback();
        }
      }
    } finally {
      this.walking--;
    }

    // Only the outermost walk may unlink: a nested walk's caller still holds list positions.
    if (this.walking === 0 && this.hasDeleted) {
      this.sweep();
    }
    return ran;
  }

  /** Unlink every deleted BH. Who may call: bhPoll, when no walk is in progress. */
  private sweep(): void {
    this.hasDeleted = false;
    while (this.first?.deleted) {
      this.first = this.first.next;
    }
    for (let bh = this.first; bh !== undefined; bh = bh.next) {
      while (bh.next?.deleted) {
        bh.next = bh.next.next;
      }
    }
  }
}
