/**
 * A real `gc()` in a Vitest worker. With the forks pool the plugin starts workers with
 * `--expose-gc`; the threads pool refuses that flag, so there the flag is set at run time and a
 * fresh V8 context hands out its `gc` function (V8 installs it in contexts created after the flag).
 */

import v8 from 'node:v8';
import vm from 'node:vm';

type GcFunction = () => void;

/**
 * Makes `globalThis.gc` a working collector if it is not one yet; returns false when that was not
 * possible (the checks then still run, but may miss direct leaks). Called by the setup file.
 */
export function ensureGc(): boolean {
  const global = globalThis as { gc?: unknown };
  if (typeof global.gc === 'function') return true;

  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined');
  if (typeof gc !== 'function') return false;
  global.gc = gc as GcFunction;
  return true;
}
