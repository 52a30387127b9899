/**
 * The setup file the bhsan plugin adds: it runs in the worker before each test file.
 *
 * Attribution: the tracker's owner label is the file (its path relative to the root) while the
 * module and its `beforeAll` hooks run, and the test's full name while a test and its
 * `beforeEach`/`afterEach` hooks run. This file's `beforeEach` runs before the file's own and its
 * `afterEach`/`afterAll` after them (Vitest runs after-hooks in reverse order), so a BH deleted
 * in the file's own after-hook is not a leak.
 *
 * Async work that outlives its test (a timer set in test A that fires while test B runs) is
 * attributed to A, not B: an async hook remembers the label under which each timer or immediate
 * was created and, when its callback runs after that test finished, labels what the callback (and
 * the promises it starts) allocates "A (after it finished)". Those allocations are checked with
 * the file's own, so they fail the file, with a note naming A, never the innocent B.
 *
 * Verdicts: a test whose BHs leaked fails with the report as its error and carries the report in
 * `task.meta.bhsan`; leaks of the file's own allocations, and leaks of its tests found only after
 * those tests ended, fail the file in its final `afterAll`.
 */

import { createHook, executionAsyncResource, type AsyncHook } from 'node:async_hooks';
import path from 'node:path';

import { tracker } from '@bhsan/runtime';
import { afterAll, afterEach, beforeEach, expect, inject } from 'vitest';

import { ensureGc } from '../gc.js';
import type { Report } from '../report/types.js';
import { loadSuppressions } from '../suppressions/index.js';
import { isCheckedFile } from './file-filter.js';
import { BhLeakError, checkOwners, isVitestFrame, type OwnerCheckOptions } from './leak-check.js';
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

/**
 * Labels allocations made by timer and immediate callbacks (and the promises they start) that a
 * finished test left behind with the label `<test> (after it finished)`, kept in `lateOwners`
 * (label → test). Promises created by the runner itself are
 * never relabelled: they descend from every test in turn. Called once by `installChecks`; the
 * returned hook is disabled after the file's final check.
 *
 * Cost: an enabled hook runs for every promise too; `init` returns before any lookup unless the
 * resource is a timer or late work is running, and `before`/`after` do one lookup each.
 */
function attributeLateCallbacks(
  finished: ReadonlySet<string>,
  isTest: (label: string) => boolean,
  lateOwners: Map<string, string>,
): AsyncHook {
  const createdUnder = new WeakMap<object, string>();
  const entered = new Map<number, { previous: string | undefined; late: string }>();
  return createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      const timerLike = type === 'Timeout' || type === 'Immediate';
      // Only timers (under a test) and work started by late work (under a late label) are kept.
      if (!timerLike && lateOwners.size === 0) return;
      const label = tracker.owner;
      if (label === undefined) return;
      if (lateOwners.has(label) || (timerLike && isTest(label))) createdUnder.set(resource, label);
    },
    before(asyncId) {
      const label = createdUnder.get(executionAsyncResource());
      if (label === undefined) return;
      let late: string | undefined = lateOwners.has(label) ? label : undefined;
      if (late === undefined && finished.has(label)) {
        late = `${label} (after it finished)`;
        lateOwners.set(late, label);
      }
      if (late !== undefined) entered.set(asyncId, { previous: tracker.setOwner(late), late });
    },
    after(asyncId) {
      const entry = entered.get(asyncId);
      if (entry === undefined) return;
      entered.delete(asyncId);
      // A test hook may have set its own label meanwhile; that one stays.
      if (tracker.owner === entry.late) tracker.setOwner(entry.previous);
    },
  });
}

/** The tests whose late async work allocated objects of `report`, by name. */
function lateTestsOf(report: Report, lateOwners: ReadonlyMap<string, string>): string[] {
  const owners = new Set(
    report.groups.flatMap((group) => group.objects.map((object) => object.owner ?? '')),
  );
  return [...lateOwners].filter(([late]) => owners.has(late)).map(([, test]) => test);
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
  const finishedTests = new Set<string>();
  const lateOwners = new Map<string, string>();
  const lateHook = attributeLateCallbacks(
    finishedTests,
    (label) => testOwners.has(label),
    lateOwners,
  ).enable();
  const outerOwner = tracker.setOwner(fileLabel);

  beforeEach(({ task }) => {
    testOwners.add(task.fullName);
    finishedTests.delete(task.fullName);
    tracker.setOwner(task.fullName);
  });

  afterEach(async ({ task }) => {
    finishedTests.add(task.fullName);
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
    const owners = [fileLabel, ...lateOwners.keys()];
    const { report, leaked } = await checkOwners(owners, check, [...testOwners]);
    lateHook.disable();
    tracker.setOwner(outerOwner);
    if (leaked > 0 || report.suppressions.length > 0) file.meta.bhsan = { report };
    if (leaked === 0) return;
    const notes = lateTestsOf(report, lateOwners).map(
      (test) => `; allocated by test '${test}' after it finished`,
    );
    const where = `Test file '${fileLabel}' (module scope, beforeAll or late${notes.join('')})`;
    throw new BhLeakError(report, where, options.sanitizer);
  });
}
