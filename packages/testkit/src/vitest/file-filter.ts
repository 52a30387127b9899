/**
 * Which test files the plugin checks: `include` and `exclude` globs (picomatch syntax) against the
 * file's path relative to the root, with `/` separators.
 */
import picomatch from 'picomatch';

/**
 * True when a test file (relative to the root, `/` separators) is checked: it matches an
 * `include` glob (or `include` is empty) and no `exclude` glob. Any caller.
 */
export function isCheckedFile(
  relativePath: string,
  include: readonly string[],
  exclude: readonly string[],
): boolean {
  if (include.length > 0 && !picomatch.isMatch(relativePath, [...include])) return false;
  return exclude.length === 0 || !picomatch.isMatch(relativePath, [...exclude]);
}
