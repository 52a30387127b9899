/** How frame locations are shown in reports. Node only (paths and URLs). */
import { isAbsolute, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A frame's file as reports show it: a `file://` URL becomes a path; a path under `cwd` becomes
 * relative to it; otherwise `stripPrefix` (strip_path_prefix) is removed from the front when it
 * matches. Other locations (`node:internal/…`, `<anonymous>`, http URLs) are shown as given.
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
    return sep === '\\' ? fromCwd.replace(/\\/g, '/') : fromCwd;
  }
  return path;
}
