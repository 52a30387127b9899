/**
 * The plugin end to end with the forks pool: a real `vitest run` of the fixture project, then the
 * same project as two blob shards merged with `--merge-reports`.
 */

import { rmSync } from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { stablePid } from '../helpers.js';
import {
  COMBINED_TEXT,
  FILE_SCOPE_GROUP,
  MIGRATION_GROUP,
  runFixture,
  statuses,
  withoutPid,
  type FixtureRun,
} from './run-fixture.js';

const EXPECTED_REPORT = {
  schema: 'bhsan-report/1',
  groups: [FILE_SCOPE_GROUP, MIGRATION_GROUP],
  omittedGroups: 0,
  suppressions: [],
  summary: { bhs: 2, timers: 0, allocations: 2 },
};

describe('bhsan() with the forks pool', () => {
  let run: FixtureRun;
  beforeAll(async () => {
    run = await runFixture({ vitestJson: true, bhsanJson: true });
  });
  afterAll(() => {
    rmSync(run.dir, { recursive: true, force: true });
  });

  it('fails exactly the leaking test and the file whose beforeAll leaked; exits 1', () => {
    expect(run.exitCode).toBe(1);
    expect(statuses(run.files)).toEqual({
      'file-scope.spec.ts': { 'passes on its own': 'passed' },
      'migration.spec.ts': {
        'adds numbers': 'passed',
        'resumes a migration twice': 'failed',
        'connects once and tears down': 'passed',
      },
    });
    expect(run.files.map((file) => file.status)).toEqual(['failed', 'failed']);
  });

  it("gives the leaking test the sanitizer report, naming the BH and connect's line", () => {
    const migration = run.files.find((file) => file.name.endsWith('migration.spec.ts'));
    const failed = migration?.assertionResults.find((test) => test.status === 'failed');
    const message = stablePid(failed?.failureMessages[0] ?? '');
    expect(message).toContain(
      "BhLeakError: Test 'test/migration.spec.ts > resumes a migration twice' leaked " +
        `bottom halves:

=================================================================
==PID==ERROR: BHSanitizer: detected bottom-half leaks

Direct leak of 1 BH(s) 'cleanup' allocated from:
    #0 in connect test/migration.spec.ts:11:21
    #1 in <anonymous> test/migration.spec.ts:21:3

SUMMARY: BHSanitizer: 1 BH(s) leaked in 1 allocation(s).
`,
    );
  });

  it('attaches each leak to its test in task meta, which other reporters carry', () => {
    const tests = run.files.flatMap((file) => file.assertionResults);
    const metas = tests.map((test) => [test.title, withoutPid(test.meta.bhsan?.report)]);
    expect(metas).toEqual([
      ['passes on its own', undefined],
      ['adds numbers', undefined],
      [
        'resumes a migration twice',
        {
          schema: 'bhsan-report/1',
          groups: [MIGRATION_GROUP],
          omittedGroups: 0,
          suppressions: [],
          summary: { bhs: 1, timers: 0, allocations: 1 },
        },
      ],
      ['connects once and tears down', undefined],
    ]);
  });

  it('prints one combined report at the end and writes it as JSON', () => {
    expect(stablePid(run.stderr)).toContain(COMBINED_TEXT);
    expect(withoutPid(run.report)).toEqual(EXPECTED_REPORT);
  });

  it('reports the same leaks from two blob shards merged with --merge-reports', async () => {
    const shard1 = await runFixture({
      args: ['--shard=1/2', '--reporter=blob', `--outputFile=${run.dir}/blobs/shard-1.json`],
    });
    const shard2 = await runFixture({
      args: ['--shard=2/2', '--reporter=blob', `--outputFile=${run.dir}/blobs/shard-2.json`],
    });
    const merged = await runFixture({
      args: [`--merge-reports=${run.dir}/blobs`],
      bhsanJson: true,
    });
    for (const shard of [shard1, shard2, merged])
      rmSync(shard.dir, { recursive: true, force: true });

    expect([shard1.exitCode, shard2.exitCode, merged.exitCode]).toEqual([1, 1, 1]);
    expect(withoutPid(merged.report)).toEqual(withoutPid(run.report));
    expect(stablePid(merged.stderr)).toContain(COMBINED_TEXT);
  });
});
