/**
 * The setup file the bhsan plugin adds: it runs in the worker before each test file.
 *
 * Attribution: the tracker's owner label is the file (its path relative to the root) while the
 * module and its `beforeAll` hooks run, and the test's full name while a test and its
 * `beforeEach`/`afterEach` hooks run. This file's `beforeEach` runs before the file's own and its
 * `afterEach`/`afterAll` after them (Vitest runs after-hooks in reverse order), so a BH deleted
 * in the file's own after-hook is not a leak.
 *
 * Verdicts: a test whose BHs leaked fails with the report as its error and carries the report in
 * `task.meta.bhsan`; leaks of the file's own allocations, and leaks of its tests found only after
 * those tests ended, fail the file in its final `afterAll`.
 */

import path from 'node:path';

import { tracker } from '@bhsan/runtime';
import { afterAll, afterEach, beforeEach, expect, inject } from 'vitest';

import { loadSuppressions } from '../suppressions/index.js';
import { isCheckedFile } from './file-filter.js';
import { ensureGc } from './gc.js';
import { BhLeakError, checkOwners, type OwnerCheckOptions } from './leak-check.js';
import { bhsanMatchers } from './matchers.js';
import type {} from './meta.js';
import type {} from './plugin.js';

const options = inject('bhsan');
expect.extend(bhsanMatchers);

const testPath = expect.getState().testPath ?? '';
const fileLabel = path.relative(options.root, testPath).split(path.sep).join('/');

if (options.sanitizer.detect_leaks && isCheckedFile(fileLabel, options.include, options.exclude)) {
  installChecks();
}

/** A frame of Vitest's own machinery: it and every frame below it are left out of reports. */
function isVitestFrame(file: string): boolean {
  return /[\\/]node_modules[\\/](?:vitest|@vitest[\\/][^\\/]+)[\\/]/.test(file);
}

/** Registers the hooks that attribute and check this file's allocations. */
function installChecks(): void {
  ensureGc();
  tracker.configure({ mallocContextSize: options.sanitizer.malloc_context_size });
  const check: OwnerCheckOptions = {
    mode: options.mode,
    retainers: options.retainers,
    // Each test keeps all its groups, so that the combined report counts them all; max_leaks
    // applies there.
    sanitizer: { ...options.sanitizer, max_leaks: 0 },
    suppressions: options.suppressions === '' ? [] : loadSuppressions(options.suppressions),
    cwd: options.root,
    isRunnerFrame: isVitestFrame,
  };
  const testOwners = new Set<string>();
  const outerOwner = tracker.setOwner(fileLabel);

  beforeEach(({ task }) => {
    testOwners.add(task.fullName);
    tracker.setOwner(task.fullName);
  });

  afterEach(async ({ task }) => {
    tracker.setOwner(fileLabel);
    const { report, leaked } = await checkOwners([task.fullName], check);
    // A report of suppressed leaks only is kept too: the run's `Suppressions used:` counts it.
    if (leaked > 0 || report.suppressions.length > 0) task.meta.bhsan = { report };
    if (leaked === 0) return;
    throw new BhLeakError(report, `Test '${task.fullName}'`, options.sanitizer);
  });

  // Vitest reads the hook's first parameter as a fixture pattern: it must be a destructuring one.
  // eslint-disable-next-line no-empty-pattern
  afterAll(async ({}, file) => {
    // Direct leaks of this file's tests that surfaced late (collected after their test) count
    // here too; their still-reachable ones were reported by their own test already.
    const { report, leaked } = await checkOwners([fileLabel], check, [...testOwners]);
    tracker.setOwner(outerOwner);
    if (leaked > 0 || report.suppressions.length > 0) file.meta.bhsan = { report };
    if (leaked === 0) return;
    const where = `Test file '${fileLabel}' (module scope, beforeAll or late)`;
    throw new BhLeakError(report, where, options.sanitizer);
  });
}
