import { describe, expect, it } from 'vitest';

import { shutdown } from '../src/fixed/shutdown.js';
import { latenciesMs, runIOThread } from '../src/run.js';

describe('fixed I/O thread shutdown', () => {
  it('runs every completion on the I/O thread, then finalizes cleanly', async () => {
    const result = await runIOThread(shutdown);

    expect(latenciesMs).toEqual([1, 2, 20]);
    expect(result.completions).toEqual([
      [1, 'iothread0'],
      [2, 'iothread0'],
      [3, 'iothread0'],
    ]);
    expect(result.shutdownError).toBeUndefined();
  });

  it("can run again with a fresh context, which takes the finalized one's name", async () => {
    const result = await runIOThread(shutdown);

    expect(result.completions.map(([, on]) => on)).toEqual(['iothread0', 'iothread0', 'iothread0']);
    expect(result.shutdownError).toBeUndefined();
  });
});
