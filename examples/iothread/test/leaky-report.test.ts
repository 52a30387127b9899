// bhsan's plugin skips this file (see vitest.config.ts): it leaks on purpose and checks the
// report itself, in-process, through the public APIs.
import { UndeletedBottomHalvesError } from '@bhsan/runtime';
import { checkLeaks, defaultBhsanOptions } from '@bhsan/testkit';
import { describe, expect, it } from 'vitest';

import { shutdown } from '../src/leaky/shutdown.js';
import { runIOThread } from '../src/run.js';
import { exampleDir, normaliseReport, oneLeakReport, positionOf } from './support.js';

describe('the leaky I/O thread shutdown, checked in-process', () => {
  it('fails finalize naming the oneshot the late request scheduled after the stop', async () => {
    const schedule = positionOf('src/disk.ts', 'scheduleOneshot(');
    const result = await runIOThread(shutdown);
    const error = result.shutdownError as UndeletedBottomHalvesError;

    expect(result.completions.map(([id, on]) => [id, on !== ''])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    expect(error).toBeInstanceOf(UndeletedBottomHalvesError);
    expect(error.code).toBe('BHSAN_UNDELETED_AT_FINALIZE');
    expect(error.contextName).toMatch(/^iothread0(#\d+)?$/);
    expect(error.leaks.map((leak) => [leak.kind, leak.allocation.name])).toEqual([
      ['undeleted-at-finalize', 'completeRequest'],
    ]);
    expect(error.message).toBe(
      `context '${error.contextName}' was finalized with 1 undeleted object: ` +
        `bh 'completeRequest' (allocated at src/disk.ts:${schedule.line}:${schedule.column}). ` +
        'Delete every BH (and free every timer) before finalizing its context.',
    );
    // The leak was recorded once; this check drains it so that the next test starts clean.
    expect((await checkLeaks({ options: defaultBhsanOptions })).leaked).toBe(1);
  });

  it('reports the same BH with the line that scheduled it', async () => {
    const schedule = positionOf('src/disk.ts', 'scheduleOneshot(');

    await runIOThread(shutdown);
    const { text, leaked } = await checkLeaks({ options: defaultBhsanOptions, cwd: exampleDir });
    const { report } = normaliseReport(text);
    // Only the heading, the first frame and the summary are pinned here.
    const expected = oneLeakReport(
      "Undeleted-at-finalize leak of 1 BH(s) 'completeRequest' allocated from:",
      [`Disk.hostCompleted src/disk.ts:${schedule.line}:${schedule.column}`],
    ).split('\n');

    expect(leaked).toBe(1);
    expect(report.split('\n').slice(0, 6)).toEqual(expected.slice(0, 6));
    expect(report.split('\n').slice(-3)).toEqual(expected.slice(-3));
  });
});
