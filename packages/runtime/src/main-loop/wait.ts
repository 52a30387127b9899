/**
 * Synchronous sleeping for blocking polls: `Atomics.wait` on a one-cell SharedArrayBuffer.
 * Node allows it on the main thread; browsers allow it only in workers of a cross-origin
 * isolated page. Nothing ever writes the cell: JavaScript objects cannot cross threads, so no other
 * thread can reach a context to notify it, and a wait ends at its deadline.
 */
import { BlockingUnsupportedError } from '../errors.js';

let cell: Int32Array | undefined;

/** Called by blocking polls and iterations only: blocks the thread for `ns` nanoseconds. */
export function sleepNs(ns: number): void {
  if (cell === undefined) {
    if (typeof SharedArrayBuffer !== 'function') {
      throw new BlockingUnsupportedError('SharedArrayBuffer is not defined');
    }
    cell = new Int32Array(new SharedArrayBuffer(4));
  }
  try {
    Atomics.wait(cell, 0, 0, ns / 1_000_000);
  } catch (error) {
    throw new BlockingUnsupportedError(error instanceof Error ? error.message : String(error));
  }
}

/** The sooner of two timeouts in nanoseconds, where -1 means "none". */
export function soonest(a: number, b: number): number {
  if (a === -1) return b;
  if (b === -1) return a;
  return a < b ? a : b;
}
