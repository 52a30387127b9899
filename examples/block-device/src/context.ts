/**
 * What the block device needs of a context: make a BH, poll. bhsan's `AioContext` satisfies it,
 * and so does any other implementation with the same shape — the benchmarks run the workload on
 * a pre-redesign baseline through this interface.
 */

/** A completion BH, as the device uses it. */
export interface CompletionBh {
  schedule(): void;
  delete(): void;
}

/** A context, as the device uses it. */
export interface CompletionContext {
  bhNew(callback: () => void, options?: { readonly name?: string }): CompletionBh;
  /** One pass over the scheduled BHs; true if a callback ran. */
  bhPoll(): boolean;
}
