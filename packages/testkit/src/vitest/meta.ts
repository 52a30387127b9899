/**
 * What the setup file attaches to a test (or a file) that leaked: its report as plain data. It
 * travels in `task.meta`, so every reporter sees it, blob reports keep it and `--merge-reports`
 * brings it back to the bhsan reporter of the merging run.
 */

import type { Report } from '../report/types.js';

/** The `bhsan` entry of a task's meta. */
export interface BhsanTaskMeta {
  /**
   * The leaks of this test, or of the file (module scope, `beforeAll`, found late), and the
   * suppressions that hid some; present only when either is not empty.
   */
  readonly report: Report;
}

declare module 'vitest' {
  interface TaskMeta {
    /** Leaks bhsan found (or suppressed) for this test or file; absent when there were none. */
    bhsan?: BhsanTaskMeta;
  }
}
