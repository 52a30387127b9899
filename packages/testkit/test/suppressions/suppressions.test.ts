import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findSuppression,
  loadSuppressions,
  parseSuppressions,
  patternMatches,
  SuppressionError,
  type Suppression,
} from '../../src/suppressions/index.js';
import { frame, leak } from '../helpers.js';

const rule = (pattern: string): Suppression => ({ type: 'leak', pattern, file: 'x.supp', line: 1 });

describe('parseSuppressions', () => {
  it('reads leak: rules with their line numbers, skipping comments and blank lines', () => {
    const text = '# known leaks\n\nleak:legacyCleanup\n  leak:^vendor/*$  \r\n# end\n';

    expect(parseSuppressions(text, 'bhsan.supp')).toEqual([
      { type: 'leak', pattern: 'legacyCleanup', file: 'bhsan.supp', line: 3 },
      { type: 'leak', pattern: '^vendor/*$', file: 'bhsan.supp', line: 4 },
    ]);
  });

  it.each([
    ['leak:a\nlegacyCleanup\n', 2, "'legacyCleanup' is not a suppression: write leak:<pattern>"],
    ['race:foo\n', 1, "unknown suppression type 'race': only leak:<pattern> is supported"],
    ['\n\nleak:\n', 3, "'leak:' has an empty pattern"],
    ['leak:^$\n', 1, "'leak:^$' has an empty pattern"],
  ])('rejects a malformed line with file and line (%#)', (text, line, problem) => {
    let caught: unknown;
    try {
      parseSuppressions(text, 'ci/bhsan.supp');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(SuppressionError);
    const error = caught as SuppressionError;
    expect(error.code).toBe('BHSAN_BAD_SUPPRESSION');
    expect(error.line).toBe(line);
    expect(error.message).toBe(`ci/bhsan.supp:${line}: ${problem}`);
  });

  it('loads a file and names an unreadable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bhsan-supp-'));
    const path = join(dir, 'ok.supp');
    writeFileSync(path, 'leak:cleanup\n');

    expect(loadSuppressions(path)).toEqual([
      { type: 'leak', pattern: 'cleanup', file: path, line: 1 },
    ]);
    expect(() => loadSuppressions(join(dir, 'missing.supp'))).toThrow(
      `${join(dir, 'missing.supp')}: cannot read the suppressions file (ENOENT`,
    );
  });
});

describe('pattern matching', () => {
  it.each([
    ['cleanup', 'migration_cleanup', true],
    ['cleanup', 'clean', false],
    ['^migr', 'migration_cleanup', true],
    ['^cleanup', 'migration_cleanup', false],
    ['cleanup$', 'migration_cleanup', true],
    ['cleanup$', 'cleanup_bh', false],
    ['^mig*up$', 'migration_cleanup', true],
    ['^mig*up$', 'migration_cleanup2', false],
    ['a.b', 'axb', false],
    ['a.b', 'a.b', true],
    ['(x)', 'f(x)', true],
  ])('%s against %s is %s', (pattern, text, expected) => {
    expect(patternMatches(rule(pattern), text)).toBe(expected);
  });

  it('matches the BH name, or the function or file of any frame', () => {
    const cwd = '/work/app';
    const found = leak('direct', 'cleanup', [
      frame('connect', 'file:///work/app/src/migration.ts', 18, 17),
      frame('resume', '/work/app/src/resume.ts', 4, 2),
    ]);

    expect(findSuppression([rule('^cleanup$')], found, cwd)?.pattern).toBe('^cleanup$');
    expect(findSuppression([rule('^resume$')], found, cwd)?.pattern).toBe('^resume$');
    expect(findSuppression([rule('^src/migration.ts$')], found, cwd)?.pattern).toBe(
      '^src/migration.ts$',
    );
    expect(findSuppression([rule('/work/app/src/resume.ts')], found, cwd)).toBeDefined();
    expect(findSuppression([rule('^connect$'), rule('cleanup')], found, cwd)?.pattern).toBe(
      '^connect$',
    );
    expect(findSuppression([rule('teardown'), rule('^src/resume$')], found, cwd)).toBeUndefined();
  });
});
