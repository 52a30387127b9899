/**
 * The check behind the setup file, the matchers and `withLeakCheck`: find the leaks of one owner
 * label, turn them into a report (suppressions applied, retainer paths added on request) and, when
 * anything is left, an error that carries the report.
 *
 * Settling is bounded and done only when it can change the answer: after a synchronous look at
 * what is already known, and only when the owner still has live, undeleted allocations that might
 * turn out to be lost, one event-loop turn (so that the weak references just read no longer keep
 * their objects), one full `gc()` and the tracker's synchronous `collectNow()` decide. Without a
 * working `gc()` the check falls back to `tracker.settle()`.
 */

import { fileURLToPath, pathToFileURL } from 'node:url';

import { BhsanError, tracker, type Leak } from '@bhsan/runtime';

import { defaultBhsanOptions, type BhsanOptions } from '../options/index.js';
import { buildReport, leakedCount } from '../report/build.js';
import { reportText } from '../report/render.js';
import type { Report } from '../report/types.js';
import type { Suppression } from '../suppressions/index.js';
import { ensureGc } from '../gc.js';
import type { BhsanMode } from './options.js';

/** How one check runs. */
export interface OwnerCheckOptions {
  /** `unreachable` (default): direct leaks only; `strict`: also live, undeleted allocations. */
  readonly mode?: BhsanMode;
  /** Look up retainer paths of still-reachable leaks in a heap snapshot. Default false. */
  readonly retainers?: boolean;
  /** BHSAN_OPTIONS in force (max_leaks, strip_path_prefix…). Default: the defaults. */
  readonly sanitizer?: BhsanOptions;
  readonly suppressions?: readonly Suppression[];
  /** Directory frames are shown relative to. Default `process.cwd()`. */
  readonly cwd?: string;
  /**
   * Recognizes a frame of the test runner by its file: that frame and all below it (the runner
   * calling the test) are left out of the report. Default: every frame is kept.
   */
  readonly isRunnerFrame?: (file: string) => boolean;
}

/** The outcome of one check. */
export interface OwnerCheckResult {
  /** Every leak found, suppressed ones included. */
  readonly leaks: readonly Leak[];
  /** The report of the unsuppressed ones. */
  readonly report: Report;
  /** How many objects the report counts (0: nothing to fail for). */
  readonly leaked: number;
}

/**
 * Finds the leaks of the allocations made under each of `owners` (in `options.mode`) and, for
 * `directOnlyOwners`, their direct leaks only, and reports them. Any caller on the thread that runs
 * the runtime, after the owners' code has finished.
 */
export async function checkOwners(
  owners: readonly string[],
  options: OwnerCheckOptions = {},
  directOnlyOwners: readonly string[] = [],
): Promise<OwnerCheckResult> {
  const all = [...owners, ...directOnlyOwners];
  const leaks: Leak[] = all.flatMap((owner) => tracker.check({ owner }));

  if (all.some((owner) => tracker.liveAllocations({ owner }).length > 0)) {
    await collectOnce();
    const includeStillReachable = options.mode === 'strict';
    for (const owner of owners) leaks.push(...tracker.check({ owner, includeStillReachable }));
    for (const owner of directOnlyOwners) leaks.push(...tracker.check({ owner }));
  }

  const isRunnerFrame = options.isRunnerFrame;
  const shown =
    isRunnerFrame === undefined ? leaks : leaks.map((leak) => trimmed(leak, isRunnerFrame));
  const report = buildReport(shown, {
    options: options.sanitizer ?? defaultBhsanOptions,
    suppressions: options.suppressions ?? [],
    cwd: options.cwd ?? process.cwd(),
  });
  if (options.retainers === true) await addRetainers(report, shown);
  return { leaks: shown, report, leaked: leakedCount(report) };
}

/**
 * One full collection, then the tracker notices what went, without waiting for finalization
 * callbacks. Any caller on the runtime's thread.
 */
async function collectOnce(): Promise<void> {
  if (!ensureGc()) {
    await tracker.settle();
    return;
  }
  // The engine keeps every object whose WeakRef was read in the current job until the job ends.
  await new Promise<void>((resolve) => setImmediate(resolve));
  (globalThis as unknown as { gc: () => void }).gc();
  tracker.collectNow();
}

/** The leak with its allocation stack cut at the first runner frame. Any caller. */
export function trimmed(leak: Leak, isRunnerFrame: (file: string) => boolean): Leak {
  const { allocation } = leak;
  const frames = allocation.frames;
  const cut = frames.findIndex((frame) => isRunnerFrame(frame.file));
  if (cut < 0) return leak;
  const copy = {
    id: allocation.id,
    kind: allocation.kind,
    name: allocation.name,
    contextName: allocation.contextName,
    owner: allocation.owner,
    stackId: allocation.stackId,
    frames: frames.slice(0, cut),
  };
  return leak.object === undefined
    ? { kind: leak.kind, allocation: copy }
    : { kind: leak.kind, allocation: copy, object: leak.object };
}

/**
 * Fills `retainers` of each still-reachable group: one path per object, in the group's object
 * order, empty when none was found. The heap module is loaded only here.
 */
async function addRetainers(report: Report, leaks: Leak[]): Promise<void> {
  const held = leaks.filter((leak) => leak.kind === 'still-reachable' && leak.object !== undefined);
  const wanted = new Set(
    report.groups
      .filter((group) => group.kind === 'still-reachable')
      .flatMap((group) => group.objects.map((object) => object.id)),
  );
  const records = held.filter((leak) => wanted.has(leak.allocation.id));
  if (records.length === 0) return;

  const { findRetainerPaths } = await import('../heap/retainers.js');
  let paths: Awaited<ReturnType<typeof findRetainerPaths>>;
  try {
    paths = await findRetainerPaths(records);
  } catch (error) {
    // The leak report matters more than its evidence: report the leaks without paths.
    console.warn(`bhsan: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const byId = new Map(records.map((leak, index) => [leak.allocation.id, paths[index]]));
  for (const group of report.groups) {
    if (group.kind !== 'still-reachable') continue;
    group.retainers = group.objects.map((object) => [...(byId.get(object.id)?.names ?? [])]);
  }
}

/** A check found leaks: thrown by `withLeakCheck` and, per test, by the Vitest setup file. */
export class BhLeakError extends BhsanError {
  /** The report of the leaks, as plain data. */
  readonly report: Report;

  constructor(report: Report, where: string, sanitizer: BhsanOptions = defaultBhsanOptions) {
    super('BHSAN_LEAK', `${where} leaked bottom halves:\n${reportText(report, sanitizer)}`);
    this.report = report;
    // The report's frames are the evidence; the stack of the check itself would only add noise.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** A frame of Vitest's own machinery: it and every frame below it are left out of reports. */
export function isVitestFrame(file: string): boolean {
  return /[\\/]node_modules[\\/](?:vitest|@vitest[\\/][^\\/]+)[\\/]/.test(file);
}

/**
 * A runner-frame test that also cuts at the module `moduleUrl` (the wrapper that called the checked
 * function: it and its callers are the test runner's business, not the leak's) and at Vitest's
 * own frames. The module is recognized by its `src/…/name.ts` and `dist/…/name.js` files alike,
 * as a path or a URL: with source maps on, a frame of the built file names its source. For the
 * wrappers in this package.
 */
export function callerFramesOf(
  moduleUrl: string,
  isRunnerFrame?: (file: string) => boolean,
): (file: string) => boolean {
  const modulePath = fileURLToPath(moduleUrl);
  const forms = new Set([modulePath, ...siblingForms(modulePath)]);
  for (const form of [...forms]) forms.add(pathToFileURL(form).href);
  return (file) => forms.has(file) || isVitestFrame(file) || isRunnerFrame?.(file) === true;
}

/** The built and the source form of one of this package's modules, from either. */
function siblingForms(modulePath: string): string[] {
  const built = /([\\/])dist([\\/].*)\.js$/.exec(modulePath);
  if (built !== null) {
    return [modulePath.slice(0, built.index) + `${built[1]}src${built[2]}.ts`];
  }
  const source = /([\\/])src([\\/].*)\.ts$/.exec(modulePath);
  if (source !== null) {
    return [modulePath.slice(0, source.index) + `${source[1]}dist${source[2]}.js`];
  }
  return [];
}

let nextCheckId = 1;

/**
 * Runs `fn` with its own owner label, then checks what it allocated; throws `BhLeakError` when it
 * leaked, else returns `fn`'s result. For any test runner (node:test, plain scripts). Any caller;
 * allocations other code makes while `fn` runs (concurrently) are attributed to `fn`.
 */
export async function withLeakCheck<T>(
  fn: () => T | Promise<T>,
  options: OwnerCheckOptions = {},
): Promise<T> {
  const owner = `withLeakCheck#${nextCheckId++}${fn.name === '' ? '' : ` ${fn.name}`}`;
  const previous = tracker.setOwner(owner);
  let result: T;
  try {
    result = await fn();
  } finally {
    tracker.setOwner(previous);
  }

  const { report, leaked } = await checkOwners([owner], {
    ...options,
    isRunnerFrame: callerFramesOf(import.meta.url, options.isRunnerFrame),
  });
  if (leaked > 0) {
    throw new BhLeakError(report, fn.name === '' ? 'withLeakCheck' : fn.name, options.sanitizer);
  }
  return result;
}
