/** `retainers: true`: a still-reachable leak shows what holds it, from a heap snapshot. */

import { rmSync } from 'node:fs';

import { expect, it } from 'vitest';

import { stablePid } from '../helpers.js';
import { runFixture } from './run-fixture.js';

it('prints the retainer path of a still-reachable BH, naming the holding property', async () => {
  const run = await runFixture({
    args: ['--config=vitest.retainers.config.mjs'],
    bhsanJson: true,
  });

  rmSync(run.dir, { recursive: true, force: true });

  expect(run.exitCode).toBe(1);
  expect(run.report?.groups.map((group) => [group.kind, group.name, group.retainers])).toEqual([
    ['still-reachable', 'cleanup', [['s', 'cleanupBh']]],
  ]);
  expect(stablePid(run.stderr)).toContain(`
Still-reachable leak of 1 BH(s) 'cleanup' allocated from:
    #0 in <anonymous> test/retained.spec.ts:10:21
  held by: s → cleanupBh
`);
});
