/** Helpers shared by the runtime's tests. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What `fn` threw; fails the test if it returned instead. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** A real `gc()` for tracking tests: the forks pool's `--expose-gc`, else V8's flag at run time. */
export function realGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  (globalThis as { gc?: () => void }).gc = gc;
  return gc;
}
