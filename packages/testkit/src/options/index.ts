/**
 * BHSAN_OPTIONS: the sanitizer's options in one environment variable, in LeakSanitizer's syntax
 * (`key=value` pairs separated by `:`), with LeakSanitizer's names where the meaning matches.
 *
 * Every key is validated: an unknown key or a bad value throws `BhsanOptionsError` naming it and
 * listing the valid keys. Nothing falls back to a default silently. A key given twice keeps its
 * last value. Whitespace around keys and values is ignored (`exitcode= 5` is `exitcode=5`); a
 * quoted value keeps its own. A value that holds `:` (a Windows path) is quoted:
 * `log_path="C:\\logs\\bhsan"`.
 */
import { BhsanError } from '@bhsan/runtime';

/** The parsed options, every key present with its value or its default. */
export interface BhsanOptions {
  /** Check for leaks at all (false turns every check off). Default true. */
  readonly detect_leaks: boolean;
  /** Check at process exit when `@bhsan/testkit/register` is loaded. Default true. */
  readonly leak_check_at_exit: boolean;
  /** Exit code when leaks remain. Default 23. */
  readonly exitcode: number;
  /** Path of a suppressions file; '' for none. */
  readonly suppressions: string;
  /** Print the `Suppressions used:` table when any rule matched. Default true. */
  readonly print_suppressions: boolean;
  /** List each leaked object (allocation id, context, owner) under its group. Default false. */
  readonly report_objects: boolean;
  /** Report at most this many leak groups; 0 for all. Default 0. */
  readonly max_leaks: number;
  /** Frames kept per allocation stack; 0 turns capture off. Default 30. */
  readonly malloc_context_size: number;
  /** Where the text report goes: '' or 'stderr', 'stdout', or a path (`.<pid>` is appended). */
  readonly log_path: string;
  /** Prefix removed from file names in frames. Default ''. */
  readonly strip_path_prefix: string;
  /** Also report live, undeleted BHs at the check (`still-reachable`). Default false. */
  readonly report_still_reachable: boolean;
  /** Path to also write the report to as JSON (`bhsan-report/1`); '' for none. */
  readonly json: string;
  /** 0: reports only; 1: also say when a check found nothing; 2: also what was configured. */
  readonly verbosity: number;
}

/** An option key. */
export type BhsanOptionKey = keyof BhsanOptions;

type Kind =
  | { readonly type: 'boolean' }
  | { readonly type: 'integer'; readonly min: number; readonly max: number }
  | { readonly type: 'string' };

const KINDS: { readonly [K in BhsanOptionKey]: Kind } = {
  detect_leaks: { type: 'boolean' },
  leak_check_at_exit: { type: 'boolean' },
  exitcode: { type: 'integer', min: 0, max: 255 },
  suppressions: { type: 'string' },
  print_suppressions: { type: 'boolean' },
  report_objects: { type: 'boolean' },
  max_leaks: { type: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER },
  malloc_context_size: { type: 'integer', min: 0, max: 1000 },
  log_path: { type: 'string' },
  strip_path_prefix: { type: 'string' },
  report_still_reachable: { type: 'boolean' },
  json: { type: 'string' },
  verbosity: { type: 'integer', min: 0, max: 2 },
};

/** Every valid key, in the order the docs list them. */
export const BHSAN_OPTION_KEYS: readonly BhsanOptionKey[] = Object.freeze(
  Object.keys(KINDS) as BhsanOptionKey[],
);

/** The options when BHSAN_OPTIONS is empty. */
export const defaultBhsanOptions: BhsanOptions = Object.freeze({
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

/** An unknown key, a bad value or bad syntax in BHSAN_OPTIONS (or options given in code). */
export class BhsanOptionsError extends BhsanError {
  /** Where the options came from (`BHSAN_OPTIONS`, a plugin option…). */
  readonly source: string;
  /** The offending key, or the whole segment when it had no `=`. */
  readonly key: string;
  /** The offending value; undefined when the key itself was wrong. */
  readonly value: string | undefined;
  readonly validKeys: readonly string[];

  constructor(
    source: string,
    key: string,
    value: string | undefined,
    problem: string,
    validKeys: readonly string[] = BHSAN_OPTION_KEYS,
  ) {
    super('BHSAN_BAD_OPTION', `${source}: ${problem}. Valid options: ${validKeys.join(', ')}.`);
    this.source = source;
    this.key = key;
    this.value = value;
    this.validKeys = validKeys;
  }
}

/**
 * Parses BHSAN_OPTIONS text (`key=value:key=value`), every key validated; missing keys get their
 * defaults. `source` names the text in errors. Any caller.
 */
export function parseBhsanOptions(text: string, source = 'BHSAN_OPTIONS'): BhsanOptions {
  const given: Record<string, string> = {};
  for (const segment of splitSegments(text, source)) {
    const equals = segment.indexOf('=');
    if (equals <= 0) {
      throw new BhsanOptionsError(
        source,
        segment,
        undefined,
        `'${segment}' is not a key=value pair`,
      );
    }
    given[segment.slice(0, equals).trim()] = unquote(segment.slice(equals + 1).trim());
  }
  return resolveBhsanOptions(given, source);
}

/** How `resolveBhsanOptions` reads its input. */
export interface ResolveSettings {
  /**
   * Values must have their declared JavaScript type (a boolean, a number, a string), as in a typed
   * config; otherwise text forms are accepted too (`'1'`, `'30'`). Default false.
   */
  readonly typed?: boolean;
  /** The keys an error lists as valid; default `BHSAN_OPTION_KEYS`. */
  readonly validKeys?: readonly string[];
}

/**
 * Validates options given as an object of strings, numbers or booleans (from code or a config
 * file) and fills in defaults. Any caller.
 */
export function resolveBhsanOptions(
  given: Readonly<Record<string, unknown>>,
  source = 'options',
  settings: ResolveSettings = {},
): BhsanOptions {
  const result: Record<string, unknown> = { ...defaultBhsanOptions };
  for (const [key, raw] of Object.entries(given)) {
    if (!Object.hasOwn(KINDS, key)) {
      const problem = `unknown option '${key}'`;
      throw new BhsanOptionsError(source, key, undefined, problem, settings.validKeys);
    }
    result[key] = convert(source, key, KINDS[key as BhsanOptionKey], raw, settings);
  }
  return Object.freeze(result) as unknown as BhsanOptions;
}

function convert(
  source: string,
  key: string,
  kind: Kind,
  raw: unknown,
  settings: ResolveSettings,
): unknown {
  // In a typed config a string is shown quoted, so that `max_leaks='2'` reads as what it is.
  const shown =
    settings.typed === true && typeof raw === 'string' ? JSON.stringify(raw) : String(raw);
  const bad = (expected: string): BhsanOptionsError =>
    new BhsanOptionsError(
      source,
      key,
      String(raw),
      `${key}=${shown} is not valid: expected ${expected}`,
      settings.validKeys,
    );

  switch (kind.type) {
    case 'boolean':
      if (raw === true || raw === false) return raw;
      if (settings.typed === true) throw bad('true or false');
      if (raw === '1' || raw === 'true' || raw === 1) return true;
      if (raw === '0' || raw === 'false' || raw === 0) return false;
      throw bad('1, 0, true or false');
    case 'integer': {
      if (settings.typed === true && typeof raw !== 'number') throw bad('a number');
      const value = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
      if (!Number.isInteger(value) || value < kind.min || value > kind.max) {
        const unbounded = kind.max === Number.MAX_SAFE_INTEGER;
        throw bad(`an integer ${unbounded ? `>= ${kind.min}` : `from ${kind.min} to ${kind.max}`}`);
      }
      return value;
    }
    case 'string':
      if (typeof raw !== 'string') throw bad('a string');
      return raw;
  }
}

/** Splits on `:` outside quotes; empty segments (a trailing `:`) are skipped. */
function splitSegments(text: string, source: string): string[] {
  const segments: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const char of text) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      current += char;
    } else if (char === ':' || char === '\n') {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (quote !== undefined) {
    throw new BhsanOptionsError(
      source,
      current,
      undefined,
      `unterminated ${quote} quote in '${current}'`,
    );
  }
  segments.push(current);
  return segments.map((segment) => segment.trim()).filter((segment) => segment !== '');
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) {
    return value.slice(1, -1);
  }
  return value;
}
