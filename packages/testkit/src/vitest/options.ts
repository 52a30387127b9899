/**
 * The Vitest plugin's options: every BHSAN_OPTIONS key (same names, same validation) plus the
 * ones only a test run has. Resolved once in the main process; the result is plain data that
 * reaches the workers through Vitest's `provide`/`inject`.
 *
 * Precedence, lowest first: defaults, the options given to `bhsan()`, then `BHSAN_OPTIONS`, so a
 * CI job can change a run without editing the config.
 */

import path from 'node:path';

import {
  BHSAN_OPTION_KEYS,
  BhsanOptionsError,
  parseBhsanOptions,
  resolveBhsanOptions,
  type BhsanOptions,
} from '../options/index.js';

/**
 * How strict the per-test check is.
 * - `unreachable`: only direct leaks, BHs collected without `delete()`.
 * - `strict`: also every BH the test allocated and did not delete, though still reachable.
 */
export type BhsanMode = 'unreachable' | 'strict';

/** Options only the Vitest plugin has. */
export interface BhsanVitestOnlyOptions {
  /** Per-test check mode. Default `unreachable`; `report_still_reachable=1` means `strict`. */
  readonly mode?: BhsanMode;
  /**
   * Show what holds each still-reachable leak ("held by: s → cleanupBh"), from a heap snapshot
   * taken only when such a leak was found. Default false.
   */
  readonly retainers?: boolean;
  /** Globs (`*`, `**`, `?`) of test files to check, relative to the root. Default: all. */
  readonly include?: readonly string[];
  /** Globs of test files not to check; they win over `include`. Default: none. */
  readonly exclude?: readonly string[];
  /** Where the reporter writes the run's JSON report; same as `json`. Default: none. */
  readonly jsonReport?: string;
}

/** What `bhsan()` accepts: BHSAN_OPTIONS keys (all optional) and the Vitest-only ones. */
export type BhsanPluginOptions = Partial<BhsanOptions> & BhsanVitestOnlyOptions;

/** The options after validation, as the setup file and reporter use them. Plain data. */
export interface ResolvedBhsanVitestOptions {
  readonly sanitizer: BhsanOptions;
  readonly mode: BhsanMode;
  readonly retainers: boolean;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** Absolute path of the JSON report, or '' for none. */
  readonly jsonReport: string;
  /** Absolute path of the suppressions file, or '' for none. */
  readonly suppressions: string;
  /** The project root: test files, suppressions and report paths are relative to it. */
  readonly root: string;
}

const VITEST_ONLY_KEYS = ['mode', 'retainers', 'include', 'exclude', 'jsonReport'] as const;
const MODES: readonly BhsanMode[] = ['unreachable', 'strict'];
/** BHSAN_OPTIONS keys of the exit-time check; in plugin options they would do nothing. */
const EXIT_ONLY_KEYS = ['exitcode', 'leak_check_at_exit'] as const;
const SOURCE = 'bhsan() plugin options';
const VALID_KEYS: readonly string[] = [
  ...BHSAN_OPTION_KEYS.filter((key) => !(EXIT_ONLY_KEYS as readonly string[]).includes(key)),
  ...VITEST_ONLY_KEYS,
];

/** Throws a `BhsanOptionsError` whose list of valid keys includes the Vitest-only ones. */
function badOption(key: string, value: string | undefined, problem: string): never {
  throw new BhsanOptionsError(SOURCE, key, value, problem, VALID_KEYS);
}

/** The shared keys are checked with their declared types: a config is typed, not text. */
const PLUGIN_SETTINGS = { typed: true, validKeys: VALID_KEYS } as const;

/**
 * Validates the plugin's options, merges BHSAN_OPTIONS over them and makes paths absolute.
 * Throws `BhsanOptionsError` naming the bad key. Called by the plugin in the main process.
 */
export function resolveBhsanVitestOptions(
  given: unknown,
  root: string,
  env: string | undefined = process.env['BHSAN_OPTIONS'],
): ResolvedBhsanVitestOptions {
  if (given === undefined) given = {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    badOption('(options)', String(given), 'expected an object');
  }
  const record = given as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if ((EXIT_ONLY_KEYS as readonly string[]).includes(key)) {
      badOption(
        key,
        String(record[key]),
        `'${key}' does not apply under Vitest: the run's exit code follows the failed tests; ` +
          'remove it from the plugin options',
      );
    }
    if (!VALID_KEYS.includes(key)) badOption(key, undefined, `unknown option '${key}'`);
  }

  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!(VITEST_ONLY_KEYS as readonly string[]).includes(key) && value !== undefined) {
      shared[key] = value;
    }
  }
  if (record['jsonReport'] !== undefined) {
    if (shared['json'] !== undefined) {
      badOption(
        'jsonReport',
        String(record['jsonReport']),
        'jsonReport and json name the same file: give only one',
      );
    }
    shared['json'] = record['jsonReport'];
  }
  const fromPlugin = resolveBhsanOptions(shared, SOURCE, PLUGIN_SETTINGS);
  const fromEnv = env === undefined || env.trim() === '' ? {} : explicitKeys(env);
  const sanitizer = resolveBhsanOptions(
    { ...pick(fromPlugin, shared), ...fromEnv },
    SOURCE,
    PLUGIN_SETTINGS,
  );

  const mode = record['mode'] ?? 'unreachable';
  if (!MODES.includes(mode as BhsanMode)) {
    badOption(
      'mode',
      String(mode),
      `mode=${String(mode)} is not valid: expected 'unreachable' or 'strict'`,
    );
  }
  const retainers = record['retainers'] ?? false;
  if (typeof retainers !== 'boolean') {
    badOption(
      'retainers',
      String(retainers),
      `retainers=${String(retainers)} is not valid: expected true or false`,
    );
  }

  return Object.freeze({
    sanitizer,
    mode: sanitizer.report_still_reachable ? 'strict' : (mode as BhsanMode),
    retainers,
    include: globList(record, 'include'),
    exclude: globList(record, 'exclude'),
    jsonReport: sanitizer.json === '' ? '' : path.resolve(root, sanitizer.json),
    suppressions: sanitizer.suppressions === '' ? '' : path.resolve(root, sanitizer.suppressions),
    root,
  });
}

/** The keys BHSAN_OPTIONS sets, validated, without the defaults of the keys it leaves out. */
function explicitKeys(env: string): Record<string, unknown> {
  const parsed = parseBhsanOptions(env, 'BHSAN_OPTIONS');
  const named = new Set(
    env
      .split(/[:\n]/)
      .map((segment) => segment.split('=')[0]?.trim() ?? '')
      .filter((key) => key !== ''),
  );
  return Object.fromEntries(Object.entries(parsed).filter(([key]) => named.has(key)));
}

function pick(options: BhsanOptions, given: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([key]) => key in given));
}

function globList(record: Record<string, unknown>, key: 'include' | 'exclude'): string[] {
  const value = record[key];
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item !== '')) {
    badOption(
      key,
      String(value),
      `${key} is not valid: expected an array of non-empty glob strings`,
    );
  }
  return [...(list as string[])];
}
