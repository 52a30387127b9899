/**
 * Vitest matchers for a single assertion about leaks, with or without the plugin:
 *
 *     expect(ctx).toHaveNoUndeletedBHs();        // every BH of this context was deleted
 *     await expect(fn).not.toLeakBHs();         // fn (sync or async) leaks nothing
 *
 * The plugin's setup file registers them; without it, `expect.extend(bhsanMatchers)`.
 */

import { tracker, type Leak } from '@bhsan/runtime';
import type { MatcherState } from 'vitest';

import { buildReport } from '../report/build.js';
import { reportText } from '../report/render.js';
import {
  callerFramesOf,
  checkOwners,
  isVitestFrame,
  trimmed,
  type OwnerCheckOptions,
} from './leak-check.js';

/** Options of `toLeakBHs`: the same as a per-test check's. */
export type ToLeakBHsOptions = OwnerCheckOptions;

interface MatcherOutcome {
  pass: boolean;
  message: () => string;
}

let nextMatcherId = 1;

/** True for an object that looks like an `AioContext` (has a name and `bhNew`). */
function isContext(value: unknown): value is { readonly name: string } {
  const candidate = value as { name?: unknown; bhNew?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    typeof candidate.bhNew === 'function'
  );
}

/** The matchers, for `expect.extend`. */
export const bhsanMatchers = {
  /**
   * Passes when every tracked BH of the `AioContext` was deleted (BHs made while tracking was
   * off are not seen).
   */
  toHaveNoUndeletedBHs(this: MatcherState, received: unknown): MatcherOutcome {
    if (!isContext(received)) {
      throw new TypeError(
        `toHaveNoUndeletedBHs() expects an AioContext, got ${this.utils.stringify(received)}`,
      );
    }
    const undeleted = tracker.liveAllocations({ contextName: received.name, kind: 'bh' });
    const leaks: Leak[] = undeleted.map((allocation) =>
      trimmed({ kind: 'still-reachable', allocation }, isVitestFrame),
    );
    return {
      pass: undeleted.length === 0,
      message: () =>
        undeleted.length === 0
          ? `expected AioContext '${received.name}' to have undeleted BHs, but every BH was deleted`
          : `expected AioContext '${received.name}' to have no undeleted BHs, but ` +
            `${undeleted.length} ${undeleted.length === 1 ? 'is' : 'are'} undeleted:\n` +
            reportText(buildReport(leaks)),
    };
  },

  /**
   * Runs the function (awaiting it), then checks what it allocated; passes when it leaked. Use
   * with `.not` and `await`.
   */
  async toLeakBHs(
    this: MatcherState,
    received: unknown,
    options: ToLeakBHsOptions = {},
  ): Promise<MatcherOutcome> {
    if (typeof received !== 'function') {
      throw new TypeError(`toLeakBHs() expects a function, got ${this.utils.stringify(received)}`);
    }
    const owner = `toLeakBHs#${nextMatcherId++}`;
    const previous = tracker.setOwner(owner);
    try {
      await (received as () => unknown)();
    } finally {
      tracker.setOwner(previous);
    }

    const { report, leaked } = await checkOwners([owner], {
      ...options,
      isRunnerFrame: callerFramesOf(import.meta.url, options.isRunnerFrame),
    });
    return {
      pass: leaked > 0,
      message: () =>
        leaked > 0
          ? `expected the function not to leak bottom halves, but it leaked ${leaked}:\n` +
            reportText(report)
          : 'expected the function to leak bottom halves, but it leaked none',
    };
  },
};

declare module 'vitest' {
  // The type parameter must match Vitest's declaration, default included.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unused-vars
  interface Matchers<T = any> {
    /** Every tracked BH of this `AioContext` was deleted. */
    toHaveNoUndeletedBHs(): void;
    /** The function leaks bottom halves when run; use `await expect(fn).not.toLeakBHs()`. */
    toLeakBHs(options?: ToLeakBHsOptions): Promise<void>;
  }
}
