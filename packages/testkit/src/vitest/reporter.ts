/**
 * The bhsan reporter: at the end of a run it gathers the reports that leaking tests and files
 * carried in their meta, prints one combined sanitizer report and writes it as JSON when asked.
 *
 * It reads only test meta, never worker state, so it works the same for a plain run, a sharded
 * blob run and `--merge-reports` (where the meta comes back from the blob files). The verdict is
 * the tests' own: a leaking test or file has already failed, so `vitest run` exits non-zero.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Reporter, TestModule, Vitest } from 'vitest/node';

import { useColor } from '../register/exit-hook.js';
import type { Report } from '../report/types.js';
import { reportText } from './leak-check.js';
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

    const toStderr = sanitizer.log_path === '' || sanitizer.log_path === 'stderr';
    const text = reportText(report, sanitizer, toStderr && useColor(2));
    if (text !== '') this.write(text);
    else if (sanitizer.verbosity >= 1) {
      this.write(`==${report.pid}==BHSanitizer: no bottom-half leaks found.\n`);
    }

    if (this.options.jsonReport !== '') {
      const file = this.options.jsonReport.replace(/%p/g, String(process.pid));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    }
  }

  /** Writes the text report where `log_path` says (a path gets `.<pid>` appended). */
  private write(text: string): void {
    const { log_path: logPath } = this.options.sanitizer;
    const logger = this.vitest?.logger;
    if (logPath === 'stdout') {
      if (logger === undefined) process.stdout.write(text);
      else logger.log(text);
    } else if (logPath === '' || logPath === 'stderr') {
      if (logger === undefined) process.stderr.write(text);
      else logger.error(text);
    } else {
      writeFileSync(`${logPath}.${process.pid}`, text);
    }
  }
}
