/**
 * Which test files the plugin checks: `include` and `exclude` globs against the file's path
 * relative to the root, with `/` separators. Supported: `**` (any number of directories), `*`
 * (any characters but `/`), `?` (one character but `/`); everything else is literal.
 */

/** Known shortcoming: no brace (`{a,b}`) or class (`[ab]`) patterns yet. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      // `**/` matches zero or more whole directories; a trailing `**` matches the rest.
      source += slashAfter ? '(?:[^/]*/)*' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * True when a test file (relative to the root, `/` separators) is checked: it matches an
 * `include` glob (or `include` is empty) and no `exclude` glob. Any caller.
 */
export function isCheckedFile(
  relativePath: string,
  include: readonly string[],
  exclude: readonly string[],
): boolean {
  const matches = (glob: string): boolean => globToRegExp(glob).test(relativePath);
  if (include.length > 0 && !include.some(matches)) return false;
  return !exclude.some(matches);
}
