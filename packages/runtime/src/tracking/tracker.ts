/**
 * The allocation tracker: it records every BH and timer, never keeps one alive, and turns the ones
 * that are lost without `delete()` into leak facts.
 *
 * Data structures:
 * - one `TrackedAllocation` record per tracked object, created by `trackAllocation` and held by
 *   the object itself (as its opaque handle) and by the tracker's live table until the object is
 *   deleted or collected. The record holds the object only through a `WeakRef`.
 * - `live`: id → record, for every undeleted object not yet known to be collected.
 * - `liveByContext`: context name → records, so `finalize()` finds its undeleted objects without a
 *   scan of everything.
 * - a `FinalizationRegistry` whose held value is the record: when an undeleted object is collected,
 *   it becomes a `direct` leak, waiting in `pending` until a check drains it.
 *
 * Costs: `trackAllocation` is one stack capture (see stack-depot.ts) plus O(1) table work;
 * `trackRelease` is one capture plus O(1); nothing here runs on schedule or poll. The capture
 * dominates (tens of microseconds at depth 30 in Node 20); depth 0 leaves the weak bookkeeping.
 *
 * Known shortcoming: two copies of the runtime in one process have two trackers, each seeing
 * only its own BHs.
 *
 * Who calls what: the hooks (`trackAllocation` … `recordFinalizeLeaks`) are for the runtime's own
 * `BottomHalf`, `Timer` and `AioContext`; the `tracker` object is the public face for tests,
 * harnesses and the testkit.
 */

import { InvalidArgumentError } from '../errors.js';
import { captureLazily, captureStack, framesOf, intern, type StackHolder } from './stack-depot.js';
import type { Allocation, AllocationKind, Leak, StackFrame } from './types.js';

/** What the runtime keeps per tracked object; opaque apart from `allocation`. */
export interface AllocationHandle {
  readonly allocation: Allocation;
}

/** Filter for `tracker.liveAllocations` and `tracker.check`. */
export interface AllocationFilter {
  /** Only allocations made under this owner label. */
  readonly owner?: string;
  /** Only allocations of this context. */
  readonly contextName?: string;
  /** Only BHs or only timers. */
  readonly kind?: AllocationKind;
}

/** Options of `tracker.check`. */
export interface CheckOptions {
  /** Only leaks of allocations made under this owner label; others stay pending. */
  readonly owner?: string;
  /** Also report live, undeleted, not baselined or ignored objects as `still-reachable`. */
  readonly includeStillReachable?: boolean;
}

/** Options of `tracker.configure`. */
export interface TrackerConfig {
  /** Track new allocations (default true). */
  readonly enabled?: boolean;
  /** Frames kept per allocation and deletion stack (default 30; 0 captures none). */
  readonly mallocContextSize?: number;
}

/** Called once for every leak as the tracker finds it. */
export type LeakListener = (leak: Leak) => void;

class TrackedAllocation implements Allocation {
  readonly kind: AllocationKind;
  readonly name: string;
  readonly contextName: string;
  readonly owner: string | undefined;
  readonly id: number;
  readonly stackId: number;

  /** The object, weakly. */
  readonly ref: WeakRef<object>;
  /** Deleted (or freed): its life ended properly. */
  released = false;
  /** The delete stack, captured but not yet text (see `captureLazily`); undefined when none. */
  releaseStack: StackHolder | undefined = undefined;
  /** Collected undeleted, and already named by its context's `finalize()`. */
  namedAtFinalize = false;
  /** Alive at `baseline()`: never reported by checks (finalize still sees it). */
  baselined = false;
  /** Passed to `ignore()`: never reported, not even by finalize. */
  ignored = false;
  /** Already handed out as a leak (finalize or direct); never reported twice. */
  reported = false;

  constructor(
    id: number,
    kind: AllocationKind,
    object: object,
    name: string,
    contextName: string,
    owner: string | undefined,
    stackId: number,
  ) {
    this.id = id;
    this.kind = kind;
    this.name = name;
    this.contextName = contextName;
    this.owner = owner;
    this.stackId = stackId;
    this.ref = new WeakRef(object);
  }

  get frames(): readonly StackFrame[] {
    return framesOf(this.stackId);
  }

  /** The record as the handle the runtime keeps. */
  get allocation(): Allocation {
    return this;
  }

  /** Node's inspect (error printouts) shows the facts too. Browsers ignore the symbol. */
  [Symbol.for('nodejs.util.inspect.custom')](): Allocation {
    return this.toJSON();
  }

  /** Plain data, so that JSON.stringify of a leak shows the facts, not the weak reference. */
  toJSON(): Allocation {
    return {
      id: this.id,
      kind: this.kind,
      name: this.name,
      contextName: this.contextName,
      owner: this.owner,
      stackId: this.stackId,
      frames: this.frames,
    };
  }
}

let enabled = true;
let mallocContextSize = 30;
let untrackedDepth = 0;
let owner: string | undefined;
let nextId = 1;
/** Count of registry callbacks seen, so `settle()` knows when they stop arriving. */
let collectedCount = 0;

const live = new Map<number, TrackedAllocation>();
const liveByContext = new Map<string, Set<TrackedAllocation>>();
const pending: Leak[] = [];
const listeners = new Set<LeakListener>();

const registry: FinalizationRegistry<TrackedAllocation> | undefined =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<TrackedAllocation>(onCollected)
    : undefined;

/** Registry callback: an object the tracker knew was collected. */
function onCollected(record: TrackedAllocation): void {
  collectedCount++;
  noteCollected(record);
}

/** Ends a record whose object is gone; an undeleted one becomes a direct leak. */
function noteCollected(record: TrackedAllocation): void {
  if (!forget(record)) return;
  if (record.released || record.baselined || record.ignored || record.reported) return;
  record.reported = true;
  publish({ kind: 'direct', allocation: record });
}

/** Removes a record from the live tables; false if it was not there. */
function forget(record: TrackedAllocation): boolean {
  if (!live.delete(record.id)) return false;
  const ofContext = liveByContext.get(record.contextName);
  ofContext?.delete(record);
  if (ofContext !== undefined && ofContext.size === 0) liveByContext.delete(record.contextName);
  return true;
}

/**
 * The record's object, or undefined once it was collected: then the record is ended at once, as
 * its registry callback would (which may not have run yet).
 */
function derefOrNotice(record: TrackedAllocation): object | undefined {
  const object = record.ref.deref();
  if (object === undefined) {
    registry?.unregister(record);
    noteCollected(record);
  }
  return object;
}

function publish(leak: Leak): void {
  pending.push(leak);
  for (const listener of listeners) {
    try {
      listener(leak);
    } catch (error) {
      // A listener's failure must not stop the others or the runtime; it surfaces on its own.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

function isAsRecord(handle: AllocationHandle | undefined): TrackedAllocation | undefined {
  return handle instanceof TrackedAllocation ? handle : undefined;
}

function matches(record: Allocation, filter: AllocationFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (filter.owner !== undefined && record.owner !== filter.owner) return false;
  if (filter.contextName !== undefined && record.contextName !== filter.contextName) return false;
  if (filter.kind !== undefined && record.kind !== filter.kind) return false;
  return true;
}

/**
 * Records a new BH or timer. Called by the `BottomHalf` and `Timer` constructors; returns
 * undefined when tracking is off (disabled, or inside `withoutTracking`).
 */
export function trackAllocation(
  kind: AllocationKind,
  object: object,
  name: string,
  contextName: string,
): AllocationHandle | undefined {
  if (!enabled || untrackedDepth > 0) return undefined;

  const stackId = captureStack(mallocContextSize, trackAllocation);
  const record = new TrackedAllocation(nextId++, kind, object, name, contextName, owner, stackId);
  live.set(record.id, record);
  let ofContext = liveByContext.get(contextName);
  if (ofContext === undefined) {
    ofContext = new Set();
    liveByContext.set(contextName, ofContext);
  }
  ofContext.add(record);
  registry?.register(object, record, record);
  return record;
}

/**
 * Marks an object's life as ended properly and remembers where, for use-after-delete reports.
 * Called by `BottomHalf.delete()` and `Timer.free()`, once per object.
 */
export function trackRelease(handle: AllocationHandle | undefined, _object: object): void {
  const record = isAsRecord(handle);
  if (record === undefined || record.released) return;
  record.released = true;
  // Lazily: a delete site is read only by a use-after-delete report, and this skips most of the
  // capture's cost on every delete.
  record.releaseStack = captureLazily(mallocContextSize, trackRelease);
  forget(record);
  registry?.unregister(record);
}

/**
 * The three sites of a use-after-delete: allocation, delete and the current use. Called by the
 * runtime when a deleted BH is used, just before it throws `UseAfterDeleteError`.
 */
export function describeUseAfterDelete(handle: AllocationHandle | undefined): {
  allocation?: Allocation;
  deletedAt: readonly StackFrame[];
  usedAt: readonly StackFrame[];
} {
  const record = isAsRecord(handle);
  const usedAt = framesOf(captureStack(mallocContextSize, describeUseAfterDelete));
  if (record === undefined) return { deletedAt: [], usedAt };
  return {
    allocation: record,
    deletedAt: record.releaseStack === undefined ? [] : framesOf(intern(record.releaseStack)),
    usedAt,
  };
}

/** What a context leaves behind at `finalize()`; see `closeContext`. */
export interface ContextRemains {
  /** Its tracked, undeleted objects that are still alive, ignored ones left out, oldest first. */
  readonly undeleted: Array<{ allocation: Allocation; object: object }>;
  /** Its direct leaks (undeleted objects that were collected) not drained by a check yet. */
  readonly collected: Leak[];
}

/**
 * Ends a context's part in the tracker and returns what it leaves behind. Collected objects whose
 * registry callback has not run yet are noticed first (each published once, as `direct`; the
 * leaks stay pending, so a later check reports each once, never again). Then the tracker forgets
 * which records belong to the context, so that a new context may take its name without
 * inheriting them; the records stay tracked (a later collection is still noticed). Called by
 * `AioContext.finalize()` only.
 */
export function closeContext(contextName: string): ContextRemains {
  const records = liveByContext.get(contextName);
  liveByContext.delete(contextName);

  const undeleted: Array<{ allocation: Allocation; object: object }> = [];
  for (const record of records ?? []) {
    const object = derefOrNotice(record);
    if (object === undefined || record.released || record.ignored) continue;
    undeleted.push({ allocation: record, object });
  }
  // Names are reused once a context is finalized: a collected leak is named by one finalize only.
  const collected = pending.filter(
    (leak) =>
      leak.kind === 'direct' &&
      leak.allocation.contextName === contextName &&
      leak.allocation instanceof TrackedAllocation &&
      !leak.allocation.namedAtFinalize,
  );
  for (const leak of collected) (leak.allocation as TrackedAllocation).namedAtFinalize = true;
  return { undeleted, collected };
}

/**
 * Records the leaks a `finalize()` found, so that checks at test end or exit report each once.
 * Called by `AioContext.finalize()` before it throws `UndeletedBottomHalvesError`.
 */
export function recordFinalizeLeaks(leaks: readonly Leak[]): void {
  for (const leak of leaks) {
    const record = leak.allocation instanceof TrackedAllocation ? leak.allocation : undefined;
    if (record !== undefined) {
      if (record.reported || record.ignored) continue;
      record.reported = true;
    }
    publish(leak);
  }
}

/** Yields one macrotask turn (FinalizationRegistry callbacks run between turns). */
function macrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => unknown }).gc;
  if (typeof gc !== 'function') return false;
  gc();
  return true;
}

/** The public face of the tracker. Any caller on the thread that runs the runtime. */
export const tracker = {
  /** Whether new allocations are tracked. */
  get enabled(): boolean {
    return enabled;
  },

  /** Frames kept per allocation stack; 0 means no stacks. */
  get mallocContextSize(): number {
    return mallocContextSize;
  },

  /** The owner label given to new allocations. */
  get owner(): string | undefined {
    return owner;
  },

  /**
   * Sets `enabled` and `mallocContextSize`; throws InvalidArgumentError naming the option on a
   * bad value (and then changes nothing).
   */
  configure(config: TrackerConfig): void {
    if (typeof config !== 'object' || config === null) {
      throw new InvalidArgumentError('tracker.configure(config)', 'config must be an object');
    }
    const depth = config.mallocContextSize;
    if (depth !== undefined && !(Number.isInteger(depth) && depth >= 0)) {
      throw new InvalidArgumentError(
        'tracker.configure(mallocContextSize)',
        'mallocContextSize must be an integer >= 0, ' +
          `got ${typeof depth === 'number' ? depth : typeof depth}`,
      );
    }
    if (config.enabled !== undefined && typeof config.enabled !== 'boolean') {
      throw new InvalidArgumentError(
        'tracker.configure(enabled)',
        `enabled must be a boolean, got ${typeof config.enabled}`,
      );
    }
    if (depth !== undefined) mallocContextSize = depth;
    if (config.enabled !== undefined) enabled = config.enabled;
  },

  /** Sets the owner label for new allocations; returns the previous one. */
  setOwner(label: string | undefined): string | undefined {
    const previous = owner;
    owner = label;
    return previous;
  },

  /**
   * Drains the found leaks (direct and undeleted-at-finalize) that match `options.owner`, and with
   * `includeStillReachable` adds every live, undeleted, not exempt object as `still-reachable`.
   * Objects already known to be collected are noticed first (see `collectNow`).
   */
  check(options: CheckOptions = {}): Leak[] {
    tracker.collectNow();
    const filter = options.owner === undefined ? undefined : { owner: options.owner };

    const found: Leak[] = [];
    for (let i = 0; i < pending.length;) {
      const leak = pending[i] as Leak;
      if (matches(leak.allocation, filter)) {
        found.push(leak);
        pending.splice(i, 1);
      } else {
        i++;
      }
    }

    if (options.includeStillReachable === true) {
      for (const record of live.values()) {
        if (record.released || record.baselined || record.ignored || record.reported) continue;
        if (!matches(record, filter)) continue;
        const object = record.ref.deref();
        if (object === undefined) continue;
        found.push({ kind: 'still-reachable', allocation: record, object });
      }
    }
    return found;
  },

  /** Allocations of live, undeleted objects, oldest first. */
  liveAllocations(filter?: AllocationFilter): Allocation[] {
    const result: Allocation[] = [];
    for (const record of live.values()) {
      if (record.released || !matches(record, filter)) continue;
      if (record.ref.deref() === undefined) continue;
      result.push(record);
    }
    return result;
  },

  /**
   * Exempts everything alive now from later checks (finalize still names them); returns how many
   * it exempted.
   */
  baseline(): number {
    let count = 0;
    for (const record of live.values()) {
      if (!record.baselined) {
        record.baselined = true;
        count++;
      }
    }
    return count;
  },

  /**
   * Exempts one tracked object from every later report, finalize's included; false if untracked.
   */
  ignore(object: object): boolean {
    for (const record of live.values()) {
      if (record.ref.deref() === object) {
        record.ignored = true;
        return true;
      }
    }
    return false;
  },

  /** Runs `fn` with tracking off for allocations it makes; returns its result. */
  withoutTracking<T>(fn: () => T): T {
    untrackedDepth++;
    try {
      return fn();
    } finally {
      untrackedDepth--;
    }
  },

  /** Stops tracking new allocations (objects tracked already stay tracked). */
  disable(): void {
    enabled = false;
  },

  /** Tracks new allocations again. */
  enable(): void {
    enabled = true;
  },

  /**
   * Synchronously notices tracked objects that were collected but whose registry callback has not
   * run yet (it never runs inside a process 'exit' handler). Returns how many direct leaks it
   * found. Call after a `gc()`; note that an object whose WeakRef was made or read in the current
   * job is kept alive until the job ends (the engine's rule), so gc in a later job.
   */
  collectNow(): number {
    const before = pending.length;
    for (const record of [...live.values()]) derefOrNotice(record);
    return pending.length - before;
  },

  /**
   * Collects garbage (when `globalThis.gc` exists) and yields macrotask turns until registry
   * callbacks stop arriving, at most `rounds` times (default 10); then runs `collectNow`.
   */
  async settle(options: { rounds?: number } = {}): Promise<void> {
    const rounds = options.rounds ?? 10;
    for (let round = 0; round < rounds; round++) {
      const before = collectedCount;
      const collected = collectGarbage();
      await macrotask();
      await macrotask();
      if (!collected || (collectedCount === before && round > 0)) break;
    }
    tracker.collectNow();
  },

  /** Calls `listener` for each leak as it is found; returns the unsubscribe function. */
  onLeak(listener: LeakListener): () => void {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
};

/** The tracker's public type. */
export type Tracker = typeof tracker;
