/**
 * The bhsan reporter: at the end of a run it gathers the reports that leaking tests and files
 * carried in their meta, prints one combined sanitizer report and writes it as JSON when asked.
 *
 * It reads only test meta, never worker state, so it works the same for a plain run, a sharded
 * blob run and `--merge-reports` (where the meta comes back from the blob files). The verdict is
 * the tests' own, and more: any recorded leak sets the exit code to 1, so that a leaking
 * `test.fails` (whose inverted verdict passes) still fails the run.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Reporter, TestModule, Vitest } from 'vitest/node';

import { useColor } from '../register/exit-hook.js';
import { leakedCount } from '../report/build.js';
import { reportText } from '../report/render.js';
import type { Report } from '../report/types.js';
import { mergeReports } from './merge-reports.js';
import type {} from './meta.js';
import type { ResolvedBhsanVitestOptions } from './options.js';

/**
 * Reports of the run, test by test and then the file's own, files in path order (so that a merged
 * sharded run reports in the same order as one run).
 */
export function collectReports(testModules: readonly TestModule[]): Report[] {
  const reports: Report[] = [];
  const byPath = [...testModules].sort((a, b) => (a.moduleId < b.moduleId ? -1 : 1));
  for (const testModule of byPath) {
    for (const testCase of testModule.children.allTests()) {
      const report = testCase.meta().bhsan?.report;
      if (report !== undefined) reports.push(report);
    }
    const fileReport = testModule.meta().bhsan?.report;
    if (fileReport !== undefined) reports.push(fileReport);
  }
  return reports;
}

/** Full names of tests that leaked yet passed (a `test.fails` inverts the leak's error). */
export function passedLeakingTests(testModules: readonly TestModule[]): string[] {
  const names: string[] = [];
  for (const testModule of testModules) {
    for (const testCase of testModule.children.allTests()) {
      const report = testCase.meta().bhsan?.report;
      if (report === undefined || leakedCount(report) === 0) continue;
      if (testCase.result().state === 'passed') names.push(testCase.fullName);
    }
  }
  return names;
}

/** Added by the `bhsan()` plugin; one per run. Vitest calls its hooks in the main process. */
export class BhsanReporter implements Reporter {
  private vitest: Vitest | undefined;

  constructor(private readonly options: ResolvedBhsanVitestOptions) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: readonly TestModule[]): void {
    const { sanitizer } = this.options;
    const parts = collectReports(testModules);
    const report = mergeReports(parts, sanitizer);

    // The JSON first and on its own: a text report that cannot be written must not lose it.
    if (this.options.jsonReport !== '') {
      const file = this.options.jsonReport.replace(/%p/g, String(process.pid));
      try {
        writeWithDirs(file, `${JSON.stringify(report, null, 2)}\n`);
      } catch (error) {
        this.toStream('stderr', `bhsan: cannot write the JSON report ${file}: ${reason(error)}\n`);
        process.exitCode = 1;
      }
    }

    const toStderr = sanitizer.log_path === '' || sanitizer.log_path === 'stderr';
    const text = reportText(report, sanitizer, toStderr && useColor(2));
    if (text !== '') this.write(text);
    else if (sanitizer.verbosity >= 1) {
      this.write(`==${report.pid}==BHSanitizer: no bottom-half leaks found.\n`);
    }

    if (leakedCount(report) > 0) {
      for (const name of passedLeakingTests(testModules)) {
        this.toStream(
          'stderr',
          `==${report.pid}==BHSanitizer: test '${name}' passed (test.fails?) but leaked ` +
            'bottom halves; the run fails.\n',
        );
      }
      process.exitCode = 1;
    }
  }

  /**
   * Writes the text report where `log_path` says: a path (relative to the root) gets `.<pid>`
   * appended and its directories created; if it cannot be written, the report goes to stderr.
   */
  private write(text: string): void {
    const { log_path: logPath } = this.options.sanitizer;
    if (logPath === 'stdout' || logPath === '' || logPath === 'stderr') {
      this.toStream(logPath === 'stdout' ? 'stdout' : 'stderr', text);
      return;
    }
    const file = `${path.resolve(this.options.root, logPath)}.${process.pid}`;
    try {
      writeWithDirs(file, text);
    } catch (error) {
      this.toStream('stderr', `bhsan: cannot write log_path ${file} (${reason(error)}):\n${text}`);
    }
  }

  private toStream(stream: 'stdout' | 'stderr', text: string): void {
    const logger = this.vitest?.logger;
    if (stream === 'stdout') {
      if (logger === undefined) process.stdout.write(text);
      else logger.log(text);
    } else if (logger === undefined) process.stderr.write(text);
    else logger.error(text);
  }
}

function writeWithDirs(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
