import { describe, expect, it } from 'vitest';
import {
  BHSAN_OPTION_KEYS,
  BhsanOptionsError,
  defaultBhsanOptions,
  parseBhsanOptions,
  resolveBhsanOptions,
} from '../../src/options/index.js';

const VALID_KEYS =
  'detect_leaks, leak_check_at_exit, exitcode, suppressions, print_suppressions, ' +
  'report_objects, max_leaks, malloc_context_size, log_path, strip_path_prefix, ' +
  'report_still_reachable, json, verbosity';

function errorOf(text: string): BhsanOptionsError {
  try {
    parseBhsanOptions(text);
  } catch (error) {
    if (error instanceof BhsanOptionsError) return error;
    throw error;
  }
  throw new Error(`no error for ${text}`);
}

describe('parseBhsanOptions', () => {
  it('gives the defaults for empty text', () => {
    expect(parseBhsanOptions('')).toEqual({
      detect_leaks: true,
      leak_check_at_exit: true,
      exitcode: 23,
      suppressions: '',
      print_suppressions: true,
      report_objects: false,
      max_leaks: 0,
      malloc_context_size: 30,
      log_path: '',
      strip_path_prefix: '',
      report_still_reachable: false,
      json: '',
      verbosity: 0,
    });
    expect(defaultBhsanOptions).toEqual(parseBhsanOptions(''));
    expect(BHSAN_OPTION_KEYS.join(', ')).toBe(VALID_KEYS);
  });

  it('reads every key in key=value:key=value form', () => {
    const text = [
      'detect_leaks=0',
      'leak_check_at_exit=false',
      'exitcode=3',
      'suppressions=bhsan.supp',
      'print_suppressions=0',
      'report_objects=1',
      'max_leaks=5',
      'malloc_context_size=0',
      'log_path=/tmp/bhsan-log',
      'strip_path_prefix=/work/',
      'report_still_reachable=true',
      'json=report-%p.json',
      'verbosity=2',
    ].join(':');

    expect(parseBhsanOptions(text)).toEqual({
      detect_leaks: false,
      leak_check_at_exit: false,
      exitcode: 3,
      suppressions: 'bhsan.supp',
      print_suppressions: false,
      report_objects: true,
      max_leaks: 5,
      malloc_context_size: 0,
      log_path: '/tmp/bhsan-log',
      strip_path_prefix: '/work/',
      report_still_reachable: true,
      json: 'report-%p.json',
      verbosity: 2,
    });
  });

  it('keeps a quoted value whole, colons included, and the last of a repeated key', () => {
    const options = parseBhsanOptions('log_path="C:\\logs\\bhsan":exitcode=1:exitcode=2:');

    expect(options.log_path).toBe('C:\\logs\\bhsan');
    expect(options.exitcode).toBe(2);
  });

  it('ignores whitespace around keys and values alike; a quoted value keeps its own', () => {
    const spaced = parseBhsanOptions(' exitcode = 5 : strip_path_prefix=" a b " ');
    const tight = parseBhsanOptions('exitcode= 5:verbosity =1');

    expect([spaced.exitcode, spaced.strip_path_prefix]).toEqual([5, ' a b ']);
    expect([tight.exitcode, tight.verbosity]).toEqual([5, 1]);
  });

  it('rejects an unknown key, naming it and listing the valid keys', () => {
    const error = errorOf('exitcode=3:detect_leak=1');

    expect(error.code).toBe('BHSAN_BAD_OPTION');
    expect(error.key).toBe('detect_leak');
    expect(error.value).toBeUndefined();
    expect(error.message).toBe(
      `BHSAN_OPTIONS: unknown option 'detect_leak'. Valid options: ${VALID_KEYS}.`,
    );
  });

  it.each([
    ['detect_leaks=yes', 'detect_leaks', 'yes', '1, 0, true or false'],
    ['leak_check_at_exit=2', 'leak_check_at_exit', '2', '1, 0, true or false'],
    ['print_suppressions=', 'print_suppressions', '', '1, 0, true or false'],
    ['report_objects=on', 'report_objects', 'on', '1, 0, true or false'],
    ['report_still_reachable=TRUE', 'report_still_reachable', 'TRUE', '1, 0, true or false'],
    ['exitcode=abc', 'exitcode', 'abc', 'an integer from 0 to 255'],
    ['exitcode=256', 'exitcode', '256', 'an integer from 0 to 255'],
    ['exitcode=-1', 'exitcode', '-1', 'an integer from 0 to 255'],
    ['max_leaks=1.5', 'max_leaks', '1.5', 'an integer >= 0'],
    ['malloc_context_size=1001', 'malloc_context_size', '1001', 'an integer from 0 to 1000'],
    ['verbosity=3', 'verbosity', '3', 'an integer from 0 to 2'],
  ])('rejects %s', (text, key, value, expected) => {
    const error = errorOf(text);

    expect(error.key).toBe(key);
    expect(error.value).toBe(value);
    expect(error.message).toBe(
      `BHSAN_OPTIONS: ${key}=${value} is not valid: expected ${expected}. ` +
        `Valid options: ${VALID_KEYS}.`,
    );
  });

  it('rejects a segment that is not key=value, and an unterminated quote', () => {
    expect(errorOf('exitcode=3:verbose').message).toBe(
      `BHSAN_OPTIONS: 'verbose' is not a key=value pair. Valid options: ${VALID_KEYS}.`,
    );
    expect(errorOf('log_path="/tmp/x').message).toBe(
      `BHSAN_OPTIONS: unterminated " quote in 'log_path="/tmp/x'. Valid options: ${VALID_KEYS}.`,
    );
  });

  it('names the source it was given', () => {
    expect(() => parseBhsanOptions('nope=1', 'bhsan({ options })')).toThrow(
      "bhsan({ options }): unknown option 'nope'",
    );
  });
});

describe('resolveBhsanOptions', () => {
  it('accepts typed values and validates them like text', () => {
    expect(resolveBhsanOptions({ exitcode: 7, detect_leaks: false }).exitcode).toBe(7);
    expect(() => resolveBhsanOptions({ json: 3 })).toThrow(
      'options: json=3 is not valid: expected a string.',
    );
    expect(() => resolveBhsanOptions({ verbosity: 0.5 })).toThrow(
      'options: verbosity=0.5 is not valid: expected an integer from 0 to 2.',
    );
  });
});
