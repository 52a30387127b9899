/**
 * Suppressions: a file of rules that hide known leaks from reports, in LeakSanitizer's format.
 *
 *     # a comment
 *     leak:legacyMigrationCleanup
 *     leak:^vendor/*$
 *
 * A rule is `leak:<pattern>`. The pattern matches the leaked BH's name, or the function or file of
 * any frame of its allocation stack. `*` matches any run of characters; a leading `^` and a
 * trailing `$` anchor the match at the start and end; without them the pattern may match anywhere
 * in the text. A malformed line is an error naming the file and line.
 */
import { readFileSync } from 'node:fs';
import { BhsanError } from '@bhsan/runtime';
import type { Leak } from '@bhsan/runtime';
import { displayPath } from '../report/paths.js';

/** One `leak:` rule. */
export interface Suppression {
  readonly type: 'leak';
  /** The pattern as written after `leak:`. */
  readonly pattern: string;
  /** File the rule came from, and its 1-based line there. */
  readonly file: string;
  readonly line: number;
}

/** A malformed line in a suppressions file, or a file that cannot be read. */
export class SuppressionError extends BhsanError {
  readonly file: string;
  /** 1-based line; 0 when the whole file was the problem. */
  readonly line: number;

  constructor(file: string, line: number, problem: string) {
    super('BHSAN_BAD_SUPPRESSION', `${line > 0 ? `${file}:${line}` : file}: ${problem}`);
    this.file = file;
    this.line = line;
  }
}

/** Parses suppressions text; `file` names it in errors and in the `Suppressions used:` table. */
export function parseSuppressions(text: string, file: string): Suppression[] {
  const rules: Suppression[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;

    const colon = line.indexOf(':');
    if (colon < 0) {
      throw new SuppressionError(
        file,
        index + 1,
        `'${line}' is not a suppression: write leak:<pattern>`,
      );
    }
    const type = line.slice(0, colon).trim();
    const pattern = line.slice(colon + 1).trim();
    if (type !== 'leak') {
      throw new SuppressionError(
        file,
        index + 1,
        `unknown suppression type '${type}': only leak:<pattern> is supported`,
      );
    }
    if (pattern === '' || pattern === '^' || pattern === '$' || pattern === '^$') {
      throw new SuppressionError(file, index + 1, `'${line}' has an empty pattern`);
    }
    rules.push({ type: 'leak', pattern, file, line: index + 1 });
  }
  return rules;
}

/** Reads and parses a suppressions file. Node only. */
export function loadSuppressions(path: string): Suppression[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SuppressionError(path, 0, `cannot read the suppressions file (${reason})`);
  }
  return parseSuppressions(text, path);
}

const compiled = new WeakMap<Suppression, RegExp>();

/** The rule's pattern as a regular expression (cached). */
function regexOf(rule: Suppression): RegExp {
  let regex = compiled.get(rule);
  if (regex === undefined) {
    let body = rule.pattern;
    const atStart = body.startsWith('^');
    if (atStart) body = body.slice(1);
    const atEnd = body.endsWith('$');
    if (atEnd) body = body.slice(0, -1);
    const source = body
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    regex = new RegExp(`${atStart ? '^' : ''}${source}${atEnd ? '$' : ''}`);
    compiled.set(rule, regex);
  }
  return regex;
}

/** True when `rule`'s pattern matches `text` (wildcards and anchors applied). */
export function patternMatches(rule: Suppression, text: string): boolean {
  return regexOf(rule).test(text);
}

/**
 * The first rule that suppresses `leak`, or undefined. Files are matched both as the engine gave
 * them and as reports show them (relative to `cwd`, URLs as paths).
 */
export function findSuppression(
  rules: readonly Suppression[],
  leak: Leak,
  cwd: string,
): Suppression | undefined {
  const texts = [leak.allocation.name];
  for (const frame of leak.allocation.frames) {
    texts.push(frame.functionName, frame.file);
    const shown = displayPath(frame.file, cwd, '');
    if (shown !== frame.file) texts.push(shown);
  }
  return rules.find((rule) => texts.some((text) => patternMatches(rule, text)));
}
