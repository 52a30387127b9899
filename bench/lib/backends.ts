/**
 * The two bottom-half implementations the suites run side by side, behind one small interface:
 * bhsan's AioContext and the pre-redesign baseline in bench/baseline. Both classes satisfy it
 * structurally; nothing here adapts behaviour.
 */
import { BaselineContext } from '../baseline/list-context.js';

/** What the suites need of a BH. */
export interface BhHandle {
  schedule(): void;
  delete(): void;
}

/** What the suites need of a context. */
export interface BhContext {
  bhNew(callback: () => void): BhHandle;
  bhPoll(): boolean;
}

/** A named way to make a context. */
export interface Backend {
  readonly id: 'bhsan' | 'baseline';
  readonly label: string;
  newContext(): BhContext;
  /** Releases what the context holds; for bhsan also checks that nothing was left undeleted. */
  dispose(context: BhContext, handles: readonly BhHandle[]): void;
}

export const baselineBackend: Backend = {
  id: 'baseline',
  label: 'baseline (every BH on one list)',
  newContext: () => new BaselineContext(),
  dispose: (context, handles) => {
    for (const bh of handles) {
      bh.delete();
    }
    context.bhPoll();
  },
};

/** bhsan's backend over a loaded runtime module. Who may call: suites, after loadRuntime(). */
export function bhsanBackend(runtime: typeof import('@bhsan/runtime')): Backend {
  return {
    id: 'bhsan',
    label: 'bhsan (O(1) poll)',
    newContext: () => new runtime.AioContext({ name: 'bench' }),
    dispose: (context, handles) => {
      for (const bh of handles) {
        bh.delete();
      }
      context.bhPoll();
      (context as InstanceType<typeof runtime.AioContext>).finalize();
    },
  };
}
