export { buildReport, leakedCount, type BuildReportOptions } from './build.js';
export { displayPath } from './paths.js';
export { renderFrames, renderReport, summaryLine, type RenderOptions } from './render.js';
export {
  parseReportJson,
  reportSchema,
  ReportFormatError,
  schemaProblem,
  type JsonSchema,
} from './schema.js';
export {
  REPORT_SCHEMA_ID,
  type Report,
  type ReportFrame,
  type ReportGroup,
  type ReportObject,
  type ReportSuppression,
} from './types.js';
export {
  isUseAfterDelete,
  renderUseAfterDelete,
  type UseAfterDeleteSites,
  type UseAfterDeleteRenderOptions,
} from './use-after-delete.js';
