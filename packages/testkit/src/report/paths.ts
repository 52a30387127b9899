/** How frame locations are shown in reports. Node only (paths and URLs). */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from '@bhsan/runtime';
import type { ReportFrame } from './types.js';

/**
 * A frame's file as reports show it: a `file://` URL becomes a path; `stripPrefix`
 * (strip_path_prefix) is removed from the front when it matches the absolute path; else a path
 * under `cwd` becomes relative to it, and `stripPrefix` is removed from that form when it matches.
 * Other locations (`node:internal/…`, `<anonymous>`, http URLs) are shown as given.
 */
export function displayPath(file: string, cwd: string, stripPrefix: string): string {
  let path = file;
  if (path.startsWith('file://')) {
    try {
      path = fileURLToPath(path);
    } catch {
      return file;
    }
  }
  if (stripPrefix !== '' && path.startsWith(stripPrefix)) return path.slice(stripPrefix.length);
  if (!isAbsolute(path)) return path;

  const fromCwd = relative(cwd, path);
  if (fromCwd !== '' && !fromCwd.startsWith(`..${sep}`) && !isAbsolute(fromCwd)) {
    const shown = sep === '\\' ? fromCwd.replace(/\\/g, '/') : fromCwd;
    return stripPrefix !== '' && shown.startsWith(stripPrefix)
      ? shown.slice(stripPrefix.length)
      : shown;
  }
  return path;
}

/** The tracker's frames as reports show them, files through `displayPath`. Any caller in Node. */
export function reportFrames(
  frames: readonly StackFrame[],
  cwd: string,
  stripPrefix: string,
): ReportFrame[] {
  return frames.map((frame) => ({
    function: frame.functionName,
    file: displayPath(frame.file, cwd, stripPrefix),
    line: frame.line,
    column: frame.column,
  }));
}
