/**
 * Starts a real `vitest run` on the fixture project under test/fixtures/vitest-basic, against the
 * built dist of the packages, and collects what a user would see: exit code, output, Vitest's own
 * JSON report (test by test, with meta) and bhsan's JSON report.
 */

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Report } from '../../src/report/types.js';

export const FIXTURE = fileURLToPath(new URL('../fixtures/vitest-basic/', import.meta.url));
const VITEST_BIN = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

/** One test of Vitest's JSON report. */
export interface VitestTestResult {
  readonly title: string;
  readonly status: string;
  readonly failureMessages: readonly string[];
  readonly meta: { readonly bhsan?: { readonly report: Report } };
}

/** One file of Vitest's JSON report. */
export interface VitestFileResult {
  readonly name: string;
  readonly status: string;
  readonly message: string;
  readonly assertionResults: readonly VitestTestResult[];
}

export interface FixtureRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Directory for this run's files. */
  readonly dir: string;
  /** bhsan's JSON report, when one was written. */
  readonly report: Report | undefined;
  /** Vitest's JSON reporter output, when asked for with `vitestJson`. */
  readonly files: readonly VitestFileResult[];
}

export interface FixtureRunOptions {
  /** Extra `vitest run` arguments. */
  readonly args?: readonly string[];
  /** Also run Vitest's JSON reporter (with the default one). */
  readonly vitestJson?: boolean;
  /** Write bhsan's JSON report (through BHSAN_OPTIONS `json=`). */
  readonly bhsanJson?: boolean;
  /** Reuse a directory (shards and their merge share one). */
  readonly dir?: string;
  /** More BHSAN_OPTIONS, appended after `json=` when that is asked for. */
  readonly bhsanOptions?: string;
  /** Working directory of `vitest run`; default the fixture project. */
  readonly cwd?: string;
}

/** Runs `vitest run` in the fixture project; resolves when it exits, whatever its code. */
export function runFixture(options: FixtureRunOptions = {}): Promise<FixtureRun> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'bhsan-vitest-'));
  const reportPath = path.join(dir, 'bhsan.json');
  const vitestJsonPath = path.join(dir, 'vitest.json');
  const args = [VITEST_BIN, 'run', ...(options.args ?? [])];
  if (options.vitestJson === true) {
    args.push('--reporter=default', '--reporter=json', `--outputFile.json=${vitestJsonPath}`);
  }

  // The parent is a Vitest worker: none of its own settings may leak into the child run.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('VITEST') && key !== 'NODE_OPTIONS' && key !== 'FORCE_COLOR') {
      env[key] = value;
    }
  }
  env['NO_COLOR'] = '1';
  env['BHSAN_OPTIONS'] = [
    options.bhsanJson === true ? `json=${reportPath}` : '',
    options.bhsanOptions,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(':');

  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: options.cwd ?? FIXTURE, env },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({
          exitCode,
          stdout,
          stderr,
          dir,
          report: options.bhsanJson === true ? readJson<Report>(reportPath) : undefined,
          files:
            options.vitestJson === true
              ? (readJson<{ testResults: VitestFileResult[] }>(vitestJsonPath)?.testResults ?? [])
              : [],
        });
      },
    );
  });
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Test statuses by title, files in path order: `{ 'file.spec.ts': { title: status } }`. */
export function statuses(
  files: readonly VitestFileResult[],
): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    result[path.basename(file.name)] = Object.fromEntries(
      file.assertionResults.map((test) => [test.title, test.status]),
    );
  }
  return result;
}

/** The report without what differs from run to run (the process id). */
export function withoutPid(report: Report | undefined): Omit<Report, 'pid'> | undefined {
  if (report === undefined) return undefined;
  const { pid: _pid, ...rest } = report;
  return rest;
}

/** The report the fixture's leaking test produces, as its JSON report carries it. */
export const MIGRATION_GROUP = {
  kind: 'direct',
  allocationKind: 'bh',
  name: 'cleanup',
  count: 1,
  frames: [
    { function: 'connect', file: 'test/migration.spec.ts', line: 11, column: 21 },
    { function: '<anonymous>', file: 'test/migration.spec.ts', line: 21, column: 3 },
  ],
  objects: [
    { id: 1, context: 'migration', owner: 'test/migration.spec.ts > resumes a migration twice' },
  ],
} as const;

/** The fixture's file-level leak: a BH made in `beforeAll` and lost. */
export const FILE_SCOPE_GROUP = {
  kind: 'direct',
  allocationKind: 'bh',
  name: 'onShutdown',
  count: 1,
  frames: [{ function: '<anonymous>', file: 'test/file-scope.spec.ts', line: 8, column: 7 }],
  objects: [{ id: 1, context: 'shutdown', owner: 'test/file-scope.spec.ts' }],
} as const;

/** The combined text report of a run of the fixture's default config. */
export const COMBINED_TEXT = `
=================================================================
==PID==ERROR: BHSanitizer: detected bottom-half leaks

Direct leak of 1 BH(s) 'onShutdown' allocated from:
    #0 in <anonymous> test/file-scope.spec.ts:8:7

Direct leak of 1 BH(s) 'cleanup' allocated from:
    #0 in connect test/migration.spec.ts:11:21
    #1 in <anonymous> test/migration.spec.ts:21:3

SUMMARY: BHSanitizer: 2 BH(s) leaked in 2 allocation(s).
`;
