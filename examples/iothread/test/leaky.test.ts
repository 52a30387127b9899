import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

import { bhsanRun, exampleDir, normaliseReport, oneLeakReport, positionOf } from './support.js';

describe('bhsan run on the I/O thread programs', () => {
  it('reports the oneshot left in the stopped context and exits 23', () => {
    const schedule = positionOf('src/disk.ts', 'scheduleOneshot(');
    const timer = positionOf('src/disk.ts', 'hostCompleted(request)');

    const run = bhsanRun(['src/leaky/main.ts']);
    const { report, outsideFrames } = normaliseReport(run.stderr);

    expect(run.status).toBe(23);
    expect(run.stdout).toBe(
      'iothread (leaky): requests #1 on iothread0, #2 on iothread0, #3 on (never ran)\n' +
        "shutdown failed: context 'iothread0' was finalized with 1 undeleted object: " +
        `bh 'completeRequest' (allocated at src/disk.ts:${schedule.line}:${schedule.column}). ` +
        'Delete every BH (and free every timer) before finalizing its context.\n',
    );
    expect(report).toBe(
      oneLeakReport("Undeleted-at-finalize leak of 1 BH(s) 'completeRequest' allocated from:", [
        `Disk.hostCompleted src/disk.ts:${schedule.line}:${schedule.column}`,
        `Timer.<anonymous> src/disk.ts:${timer.line}:${timer.column}`,
      ]),
    );
    expect(outsideFrames.at(-1)).toMatch(/^ {4}#\d+ in process\.processTimers node:internal/);
  });

  it('runs the fixed shutdown with no report and exits 0', () => {
    const run = bhsanRun(['src/fixed/main.ts']);

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      'iothread (fixed): requests #1 on iothread0, #2 on iothread0, #3 on iothread0\n',
    );
    expect(run.stderr).toBe('');
  });
});

describe('@bhsan/eslint-plugin on the I/O thread code', () => {
  it('cannot see this leak: it is one of ordering at run time', async () => {
    const eslint = new ESLint({ cwd: exampleDir });
    const results = await eslint.lintFiles(['src/leaky/*.ts', 'src/*.ts']);

    expect(results.flatMap((r) => r.messages)).toEqual([]);
  });
});
