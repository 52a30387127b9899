/** The shared example test helpers, bound to this example's directory. */
import {
  bhsanRun as bhsanRunIn,
  exampleDirOf,
  normaliseReport,
  positionOf as positionIn,
  type Finished,
} from '@bhsan/example-support';

export { normaliseReport, type Finished };

/** This example's directory: commands run there, report paths are relative to it. */
export const exampleDir = exampleDirOf(import.meta.url);

/** `bhsan run <args>` in this example, without colour or inherited options. */
export const bhsanRun = (args: readonly string[]): Finished => bhsanRunIn(exampleDir, args);

/** 1-based line and column where `needle` first occurs in this example's file `path`. */
export const positionOf = (path: string, needle: string): { line: number; column: number } =>
  positionIn(exampleDir, path, needle);
