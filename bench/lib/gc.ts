/**
 * A real `gc()` for suites that weigh the heap. The runner starts suites with `--expose-gc`; when a
 * suite runs in a process without it, the flag is set at run time and `gc` taken from a fresh
 * context.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** Returns a function that runs a full garbage collection. Who may call: any suite. */
export function collector(): () => void {
  const existing: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') {
    return existing as () => void;
  }
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Collect until the heap stops shrinking, then return heapUsed in bytes. */
export function settledHeapUsed(gc: () => void): number {
  let previous = Number.POSITIVE_INFINITY;
  let used = process.memoryUsage().heapUsed;
  for (let round = 0; round < 10 && used < previous; round++) {
    previous = used;
    gc();
    used = process.memoryUsage().heapUsed;
  }
  return used;
}
