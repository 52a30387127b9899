/** A real `gc()` for tracking tests: the forks pool's `--expose-gc`, else V8's flag at run time. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export function realGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  (globalThis as { gc?: () => void }).gc = gc;
  return gc;
}
