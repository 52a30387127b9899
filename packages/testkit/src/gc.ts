/**
 * A real `gc()` for the leak checks. When Node was not started with `--expose-gc` (the threads
 * pool refuses that flag; a program run with the exit hook rarely has it), the flag is set at run
 * time and a fresh V8 context hands out its `gc` function (V8 installs it in contexts created
 * after the flag).
 */

import v8 from 'node:v8';
import vm from 'node:vm';

/** A full, synchronous garbage collection. */
export type GcFunction = () => void;

/**
 * The exposed `globalThis.gc`, else one obtained as above; undefined when neither works. Leaves
 * `globalThis` as it was. Any caller on a thread that runs the runtime.
 */
export function acquireGc(): GcFunction | undefined {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as GcFunction;

  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  return typeof gc === 'function' ? (gc as GcFunction) : undefined;
}

/**
 * Makes `globalThis.gc` a working collector if it is not one yet; returns false when that was not
 * possible (the checks then still run, but may miss direct leaks). Called by the Vitest setup file
 * and checks.
 */
export function ensureGc(): boolean {
  const gc = acquireGc();
  if (gc === undefined) return false;
  (globalThis as { gc?: unknown }).gc = gc;
  return true;
}
