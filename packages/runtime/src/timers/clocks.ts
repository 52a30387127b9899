/**
 * The two clocks timers run on, in nanoseconds (QEMU_CLOCK_REALTIME and QEMU_CLOCK_VIRTUAL).
 *
 * - REALTIME follows `performance.now()`: it moves by itself, so a blocking poll may sleep until
 *   a realtime deadline.
 * - VIRTUAL starts at 0 and moves only when the program calls `clocks.virtual.advance()` or
 *   `set()`. Moving it notifies every context with a pending virtual timer, so a driver or a
 *   blocking iteration wakes up to run what expired. A wait never sleeps for a virtual deadline:
 *   nothing but the program itself could bring it closer.
 */
import { ClockError, InvalidArgumentError } from '../errors.js';

/** Which clock a timer runs on. */
export const ClockType = {
  /** Real time, monotonic, moves by itself. */
  REALTIME: 0,
  /** Program-driven time, moves only through `clocks.virtual`. */
  VIRTUAL: 1,
} as const;
export type ClockType = (typeof ClockType)[keyof typeof ClockType];

/** Timer scales: how many nanoseconds one unit of `Timer.mod()` is. */
export const SCALE_NS = 1;
export const SCALE_US = 1000;
export const SCALE_MS = 1_000_000;

let virtualNow = 0;

/** Who is told when the virtual clock moves: contexts with a pending virtual timer. */
const virtualWatchers = new Set<() => void>();

function realtimeNow(): number {
  return Math.floor(performance.now() * 1_000_000);
}

/** Validates a clock type given by a caller; returns it typed. */
export function checkClockType(where: string, type: unknown): ClockType {
  if (type !== ClockType.REALTIME && type !== ClockType.VIRTUAL) {
    throw new InvalidArgumentError(
      where,
      `unknown clock type ${String(type)}; use ClockType.REALTIME (0) or ClockType.VIRTUAL (1)`,
    );
  }
  return type;
}

function moveVirtual(to: number, where: string): void {
  if (!Number.isFinite(to)) {
    throw new InvalidArgumentError(where, `the time must be a finite number, got ${String(to)}`);
  }
  if (to < virtualNow) throw new ClockError(to, virtualNow);
  virtualNow = Math.floor(to);
  for (const watcher of [...virtualWatchers]) watcher();
}

/** Reading the clocks, and moving the virtual one. Any code may call these. */
export const clocks = {
  /** The current time of `type` in nanoseconds. */
  now(type: ClockType): number {
    return type === ClockType.VIRTUAL ? virtualNow : realtimeNow();
  },
  virtual: {
    /** Moves the virtual clock forward by `ns` nanoseconds (not negative). */
    advance(ns: number): void {
      if (!(ns >= 0)) {
        throw new InvalidArgumentError(
          'clocks.virtual.advance(ns)',
          `ns must be a number >= 0, got ${String(ns)}`,
        );
      }
      moveVirtual(virtualNow + ns, 'clocks.virtual.advance(ns)');
    },
    /** Sets the virtual clock to `ns`, which may not be earlier than now. */
    set(ns: number): void {
      moveVirtual(ns, 'clocks.virtual.set(ns)');
    },
  },
};

/**
 * Called by timer lists only: subscribes to virtual clock moves while a virtual timer is pending.
 * Returns the unsubscribe function.
 */
export function watchVirtualClock(watcher: () => void): () => void {
  virtualWatchers.add(watcher);
  return () => virtualWatchers.delete(watcher);
}
