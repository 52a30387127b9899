import { describe, expect, it } from 'vitest';

import { isCheckedFile } from '../../src/vitest/file-filter.js';

describe('isCheckedFile', () => {
  it('matches ** across directories, * and ? within one, braces and classes', () => {
    const cases: Array<[string, string, boolean]> = [
      ['test/**/*.test.ts', 'test/a.test.ts', true],
      ['test/**/*.test.ts', 'test/deep/er/a.test.ts', true],
      ['test/*.test.ts', 'test/deep/a.test.ts', false],
      ['test/?.test.ts', 'test/a.test.ts', true],
      ['test/?.test.ts', 'test/ab.test.ts', false],
      ['test/slow/**', 'test/slow/x/y.test.ts', true],
      ['test/{a,b}.test.ts', 'test/b.test.ts', true],
      ['test/[ab].test.ts', 'test/c.test.ts', false],
    ];
    expect(cases.map(([glob, file]) => isCheckedFile(file, [glob], []))).toEqual(
      cases.map(([, , expected]) => expected),
    );
  });

  it('checks every file when include is empty, and lets exclude win', () => {
    expect([
      isCheckedFile('test/a.test.ts', [], []),
      isCheckedFile('test/a.test.ts', ['test/b*'], []),
      isCheckedFile('test/b.test.ts', ['test/b*'], []),
      isCheckedFile('test/b.test.ts', ['test/**'], ['test/b.test.ts']),
    ]).toEqual([true, false, true, false]);
  });
});
