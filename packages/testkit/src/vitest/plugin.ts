/**
 * `bhsan()`: the one line a Vitest 4 config needs. Through Vitest's own extension point
 * (`configureVitest`) it adds the setup file that checks each test, the reporter that prints the
 * run's combined report, a real `gc()` for the workers, and hands the resolved options to the
 * workers with `provide`.
 */

import { fileURLToPath } from 'node:url';

import { BhsanError } from '@bhsan/runtime';
import type {} from 'vitest/config';
import type { TestProject, Vite, Vitest } from 'vitest/node';

import {
  resolveBhsanVitestOptions,
  type BhsanPluginOptions,
  type ResolvedBhsanVitestOptions,
} from './options.js';
import { loadSuppressions } from '../suppressions/index.js';
import { BhsanReporter } from './reporter.js';

declare module 'vitest' {
  interface ProvidedContext {
    /** The bhsan plugin's resolved options, for its setup file. */
    bhsan: ResolvedBhsanVitestOptions;
  }
}

/** The setup file, next to this module in `dist/`; Vitest wants an absolute path. */
export const BHSAN_SETUP_FILE = fileURLToPath(new URL('./setup.js', import.meta.url));

/** Pools whose workers are processes, where `--expose-gc` may be passed on the command line. */
const PROCESS_POOLS = new Set(['forks', 'vmForks']);

/** Vitest instances that already have a bhsan reporter (one per run, however many projects). */
const withReporter = new WeakSet<Vitest>();

/**
 * The bhsan Vitest plugin. Options are validated now, so a bad key fails when the config loads,
 * with a `BhsanOptionsError` naming it. Called from a Vitest config's `plugins`.
 */
export function bhsan(options: BhsanPluginOptions = {}): Vite.Plugin {
  resolveBhsanVitestOptions(options, process.cwd());

  return {
    name: 'bhsan',
    configureVitest({ vitest, project }) {
      const resolved = resolveBhsanVitestOptions(options, project.config.root);
      // A missing or malformed suppressions file stops the run here, once, not in every file.
      if (resolved.suppressions !== '') loadOnce(resolved.suppressions);
      configureProject(project, resolved);
      if (!withReporter.has(vitest)) {
        withReporter.add(vitest);
        vitest.config.reporters.push(new BhsanReporter(resolved));
      }
    },
  };
}

/** Loads the suppressions file; its error, if any, shows as one message without a stack. */
function loadOnce(file: string): void {
  try {
    loadSuppressions(file);
  } catch (error) {
    if (error instanceof BhsanError) error.stack = `${error.name}: ${error.message}`;
    throw error;
  }
}

/** Adds the setup file, `gc()` and the options to one test project. */
function configureProject(project: TestProject, options: ResolvedBhsanVitestOptions): void {
  const config = project.config;
  if (!config.setupFiles.includes(BHSAN_SETUP_FILE)) config.setupFiles.push(BHSAN_SETUP_FILE);

  // The threads pool rejects --expose-gc in execArgv; its setup file gets gc() another way.
  if (PROCESS_POOLS.has(config.pool) && !config.execArgv.includes('--expose-gc')) {
    config.execArgv.push('--expose-gc');
  }
  project.provide('bhsan', options);
}
