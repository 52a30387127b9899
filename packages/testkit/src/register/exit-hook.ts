/**
 * The exit-time leak check behind `@bhsan/testkit/register`.
 *
 * Node's 'exit' listeners run synchronously, and FinalizationRegistry callbacks never run inside
 * them, so the final collection is synchronous too: one engine checkpoint (so that objects whose
 * WeakRef was made in the current job may be collected), `gc()`, then the tracker's `collectNow`,
 * which finds every undeleted object whose weak reference is now empty. The same path serves a
 * normal end, `process.exit()` and an uncaught exception; for the last, the program's own error is
 * printed first, in full, and the leak report follows.
 */
import { mkdirSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isatty } from 'node:tty';
import { inspect } from 'node:util';
import { runInNewContext } from 'node:vm';
import { tracker } from '@bhsan/runtime';
import { finishCheck } from '../check.js';
import { acquireGc, type GcFunction } from '../gc.js';
import { parseBhsanOptions, type BhsanOptions } from '../options/index.js';
import { renderUseAfterDelete, isUseAfterDelete } from '../report/use-after-delete.js';
import { loadSuppressions, type Suppression } from '../suppressions/index.js';

const INSTALLED = Symbol.for('bhsan.testkit.exitHookInstalled');

/** What the hook was installed with. */
export interface ExitHookSetup {
  readonly options: BhsanOptions;
  readonly suppressions: readonly Suppression[];
}

/**
 * Reads BHSAN_OPTIONS, configures the tracker, enables source maps and installs the exit-time
 * check (once per process). Throws `BhsanOptionsError` or `SuppressionError` on bad input, so a
 * bad option stops the program before it runs. Called by the register entry point.
 */
export function installExitHook(env: NodeJS.ProcessEnv = process.env): ExitHookSetup {
  const options = parseBhsanOptions(env.BHSAN_OPTIONS ?? '');
  const suppressions = options.suppressions === '' ? [] : loadSuppressions(options.suppressions);
  const setup = { options, suppressions };
  const holder = globalThis as { [INSTALLED]?: ExitHookSetup };
  if (holder[INSTALLED] !== undefined) return holder[INSTALLED];
  holder[INSTALLED] = setup;

  process.setSourceMapsEnabled(true);
  tracker.configure({
    enabled: options.detect_leaks,
    mallocContextSize: options.malloc_context_size,
  });
  if (options.verbosity >= 2) {
    const given = Object.entries(options).map(([key, value]) => `${key}=${String(value)}`);
    writeSync(2, `==${process.pid}==BHSanitizer: options: ${given.join(':')}\n`);
  }
  if (!options.detect_leaks || !options.leak_check_at_exit) return setup;

  const gc = acquireGc();
  process.on('uncaughtException', (error) => onUncaught(error, options));
  process.on('exit', () => onExit(setup, gc));
  return setup;
}

/**
 * Collects garbage synchronously and lets the tracker notice what went. Any caller on the main
 * thread; used at exit.
 */
export function collectSynchronously(gc: GcFunction): void {
  // A microtask checkpoint (here, of a throwaway context) ends the engine's "kept during this job"
  // set, which otherwise keeps every object whose WeakRef was made since the last checkpoint.
  runInNewContext('0', {}, { microtaskMode: 'afterEvaluate' });
  gc();
  tracker.collectNow();
}

function onExit(setup: ExitHookSetup, gc: GcFunction | undefined): void {
  const { options } = setup;
  try {
    if (gc === undefined) throw new Error('V8 gave no gc() function, even with --expose-gc set');
    collectSynchronously(gc);
    const color = options.log_path === '' || options.log_path === 'stderr' ? useColor(2) : false;
    const result = finishCheck(options, { suppressions: setup.suppressions, color });
    if (result.text !== '') writeReport(options, result.text);
    else if (options.verbosity >= 1) {
      writeReport(options, `==${process.pid}==BHSanitizer: no bottom-half leaks found.\n`);
    }
    if (options.json !== '') {
      const path = options.json.replace(/%p/g, String(process.pid));
      writeFileAndDirs(path, `${JSON.stringify(result.report, null, 2)}\n`);
    }
    if (result.leaked > 0) setLeakExitCode(options.exitcode);
  } catch (error) {
    writeSync(
      2,
      `==${process.pid}==BHSanitizer: the exit-time leak check failed: ${inspect(error)}\n`,
    );
    setLeakExitCode(options.exitcode);
  }
}

/**
 * Leaks make the process exit with `exitcode`; `exitcode=0` means "report, but keep the code":
 * a code the program chose (`process.exit(4)`) or a crash's 1 is never turned into 0.
 */
function setLeakExitCode(exitcode: number): void {
  if (exitcode !== 0) process.exitCode = exitcode;
}

function writeFileAndDirs(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/**
 * An uncaught exception nobody else handles: print it as Node would, then exit through the leak
 * check. When the program has its own listener, it decides and this one stays out of the way.
 */
function onUncaught(error: unknown, options: BhsanOptions): void {
  if (process.listenerCount('uncaughtException') > 1) return;

  // A rejection Node reports with a non-Error reason is an ESM module's top-level `throw`: a real
  // unhandled rejection of a non-Error arrives wrapped in an ERR_UNHANDLED_REJECTION error.
  const shown = error instanceof Error ? inspect(error) : `Uncaught ${inspect(error)}`;
  if (isUseAfterDelete(error)) {
    // Its sites follow as a report; inspect() would print the same frames again as raw fields.
    writeSync(2, `${error instanceof Error ? (error.stack ?? String(error)) : shown}\n`);
    writeSync(
      2,
      renderUseAfterDelete(error, {
        color: useColor(2),
        stripPathPrefix: options.strip_path_prefix,
      }),
    );
  } else {
    writeSync(2, `${shown}\n`);
  }
  process.exit(1);
}

/** Writes the text report where `log_path` says; an unwritable file falls back to stderr. */
function writeReport(options: BhsanOptions, text: string): void {
  if (options.log_path === '' || options.log_path === 'stderr') writeSync(2, text);
  else if (options.log_path === 'stdout') writeSync(1, text);
  else {
    const path = `${options.log_path}.${process.pid}`;
    try {
      writeFileAndDirs(path, text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      writeSync(2, `==${process.pid}==BHSanitizer: cannot write log_path ${path} (${reason}):\n`);
      writeSync(2, text);
    }
  }
}

/** Colour for a file descriptor: FORCE_COLOR asks for it, NO_COLOR forbids it, else a TTY. */
export function useColor(fd: number, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return isatty(fd);
}
