/** The plugin end to end with the threads pool, where workers get gc() without --expose-gc. */

import { rmSync } from 'node:fs';

import { expect, it } from 'vitest';

import { stablePid } from '../helpers.js';
import {
  COMBINED_TEXT,
  FILE_SCOPE_GROUP,
  MIGRATION_GROUP,
  runFixture,
  statuses,
  withoutPid,
} from './run-fixture.js';

it('fails exactly the leaking test with the threads pool too', async () => {
  const run = await runFixture({ args: ['--pool=threads'], vitestJson: true, bhsanJson: true });

  rmSync(run.dir, { recursive: true, force: true });

  expect(run.exitCode).toBe(1);
  expect(statuses(run.files)).toEqual({
    'file-scope.spec.ts': { 'passes on its own': 'passed' },
    'migration.spec.ts': {
      'adds numbers': 'passed',
      'resumes a migration twice': 'failed',
      'connects once and tears down': 'passed',
    },
  });
  expect(withoutPid(run.report)?.groups).toEqual([FILE_SCOPE_GROUP, MIGRATION_GROUP]);
  expect(stablePid(run.stderr)).toContain(COMBINED_TEXT);
});
