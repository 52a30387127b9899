/**
 * @bhsan/testkit: LeakSanitizer-style leak reports for bottom halves — BHSAN_OPTIONS, suppressions,
 * text and JSON reports, `checkLeaks()`; the exit hook is `@bhsan/testkit/register`, the Vitest
 * plugin `@bhsan/testkit/vitest`.
 */
export { checkLeaks, finishCheck, type CheckLeaksOptions, type CheckLeaksResult } from './check.js';
export {
  BHSAN_OPTION_KEYS,
  BhsanOptionsError,
  defaultBhsanOptions,
  parseBhsanOptions,
  resolveBhsanOptions,
  type BhsanOptionKey,
  type BhsanOptions,
} from './options/index.js';
export {
  buildReport,
  displayPath,
  isUseAfterDelete,
  leakedCount,
  parseReportJson,
  renderFrames,
  renderReport,
  renderUseAfterDelete,
  REPORT_SCHEMA_ID,
  ReportFormatError,
  reportSchema,
  summaryLine,
  type BuildReportOptions,
  type JsonSchema,
  type RenderOptions,
  type Report,
  type ReportFrame,
  type ReportGroup,
  type ReportObject,
  type ReportSuppression,
  type UseAfterDeleteSites,
  type UseAfterDeleteRenderOptions,
} from './report/index.js';
export {
  findSuppression,
  loadSuppressions,
  parseSuppressions,
  patternMatches,
  SuppressionError,
  type Suppression,
} from './suppressions/index.js';
