/**
 * `@bhsan/testkit/vitest`: bhsan for Vitest 4 and for other test runners.
 *
 *     // vitest.config.ts
 *     import { defineConfig } from 'vitest/config';
 *     import { bhsan } from '@bhsan/testkit/vitest';
 *     export default defineConfig({ plugins: [bhsan({ mode: 'strict' })] });
 */

export { bhsan, BHSAN_SETUP_FILE } from './plugin.js';
export {
  resolveBhsanVitestOptions,
  type BhsanMode,
  type BhsanPluginOptions,
  type BhsanVitestOnlyOptions,
  type ResolvedBhsanVitestOptions,
} from './options.js';
export { BhsanReporter, collectReports } from './reporter.js';
export { mergeReports } from './merge-reports.js';
export { bhsanMatchers, type ToLeakBHsOptions } from './matchers.js';
export {
  BhLeakError,
  checkOwners,
  withLeakCheck,
  type OwnerCheckOptions,
  type OwnerCheckResult,
} from './leak-check.js';
export { isCheckedFile } from './file-filter.js';
export type { BhsanTaskMeta } from './meta.js';
