import { describe, expect, it } from 'vitest';

import { defaultBhsanOptions } from '../../src/options/index.js';
import { resolveBhsanVitestOptions } from '../../src/vitest/options.js';

const ROOT = '/work/project';

describe('resolveBhsanVitestOptions', () => {
  it('gives every option its default when none is given', () => {
    expect(resolveBhsanVitestOptions(undefined, ROOT, '')).toEqual({
      sanitizer: defaultBhsanOptions,
      mode: 'unreachable',
      retainers: false,
      include: [],
      exclude: [],
      jsonReport: '',
      suppressions: '',
      root: ROOT,
    });
  });

  it('takes BHSAN_OPTIONS keys and Vitest-only keys, paths resolved against the root', () => {
    const options = resolveBhsanVitestOptions(
      {
        mode: 'strict',
        retainers: true,
        include: ['test/**/*.test.ts'],
        exclude: ['test/slow/**'],
        jsonReport: 'reports/bhsan.json',
        suppressions: 'bhsan.supp',
        max_leaks: 5,
      },
      ROOT,
      '',
    );
    expect(options).toEqual({
      sanitizer: {
        ...defaultBhsanOptions,
        json: 'reports/bhsan.json',
        suppressions: 'bhsan.supp',
        max_leaks: 5,
      },
      mode: 'strict',
      retainers: true,
      include: ['test/**/*.test.ts'],
      exclude: ['test/slow/**'],
      jsonReport: '/work/project/reports/bhsan.json',
      suppressions: '/work/project/bhsan.supp',
      root: ROOT,
    });
  });

  it('lets BHSAN_OPTIONS override the plugin options, key by key', () => {
    const options = resolveBhsanVitestOptions(
      { max_leaks: 5, verbosity: 1 },
      ROOT,
      'max_leaks=2:json=/tmp/out.json',
    );
    expect([options.sanitizer.max_leaks, options.sanitizer.verbosity, options.jsonReport]).toEqual([
      2,
      1,
      '/tmp/out.json',
    ]);
  });

  it('turns report_still_reachable=1 into strict mode', () => {
    const options = resolveBhsanVitestOptions({}, ROOT, 'report_still_reachable=1');
    expect(options.mode).toBe('strict');
  });

  it('rejects an unknown key, naming it and listing the Vitest-only keys too', () => {
    expect(() => resolveBhsanVitestOptions({ retainer: true }, ROOT, '')).toThrowError(
      "bhsan() plugin options: unknown option 'retainer'. Valid options: detect_leaks, " +
        'suppressions, print_suppressions, report_objects, ' +
        'max_leaks, malloc_context_size, log_path, strip_path_prefix, report_still_reachable, ' +
        'json, verbosity, mode, retainers, include, exclude, jsonReport.',
    );
  });

  it('rejects the exit-time keys, which would do nothing under Vitest', () => {
    for (const given of [{ exitcode: 5 }, { leak_check_at_exit: false }]) {
      const key = Object.keys(given)[0];
      expect(() => resolveBhsanVitestOptions(given, ROOT, '')).toThrowError(
        `'${key}' does not apply under Vitest: the run's exit code follows the failed tests; ` +
          'remove it from the plugin options',
      );
    }
  });

  it('rejects bad values with the key named and a stable code', () => {
    const cases: Array<[unknown, string]> = [
      [{ mode: 'loose' }, "mode=loose is not valid: expected 'unreachable' or 'strict'"],
      [{ retainers: 'yes' }, 'retainers=yes is not valid: expected true or false'],
      [{ include: [1] }, 'include is not valid: expected an array of non-empty glob strings'],
      [{ json: 'a.json', jsonReport: 'b.json' }, 'jsonReport and json name the same file'],
      [{ max_leaks: -1 }, 'max_leaks=-1 is not valid'],
    ];
    for (const [given, problem] of cases) {
      let caught: unknown;
      try {
        resolveBhsanVitestOptions(given, ROOT, '');
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'BHSAN_BAD_OPTION' });
      expect((caught as Error).message).toContain(problem);
    }
  });

  it('checks shared keys with their declared types, listing the plugin-only keys too', () => {
    const keys =
      'Valid options: detect_leaks, suppressions, ' +
      'print_suppressions, report_objects, max_leaks, malloc_context_size, log_path, ' +
      'strip_path_prefix, report_still_reachable, json, verbosity, mode, retainers, include, ' +
      'exclude, jsonReport.';
    expect(() => resolveBhsanVitestOptions({ max_leaks: '2' }, ROOT, '')).toThrowError(
      `bhsan() plugin options: max_leaks="2" is not valid: expected a number. ${keys}`,
    );
    expect(() => resolveBhsanVitestOptions({ detect_leaks: 0 }, ROOT, '')).toThrowError(
      `bhsan() plugin options: detect_leaks=0 is not valid: expected true or false. ${keys}`,
    );
    expect(() => resolveBhsanVitestOptions({ max_leaks: -1 }, ROOT, '')).toThrowError(
      `bhsan() plugin options: max_leaks=-1 is not valid: expected an integer >= 0. ${keys}`,
    );
  });

  it('names BHSAN_OPTIONS as the source of a bad value found there', () => {
    expect(() => resolveBhsanVitestOptions({}, ROOT, 'verbosity=7')).toThrowError(
      /^BHSAN_OPTIONS: verbosity=7 is not valid/,
    );
  });
});
