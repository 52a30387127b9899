/** `withLeakCheck` in another runner: `node --test` on a fixture, against the built dist. */

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { expect, it } from 'vitest';

import { stablePid } from '../helpers.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/node-test/', import.meta.url));

it('fails the node:test test that leaked, with the report, and passes the other', async () => {
  const { exitCode, stdout } = await new Promise<{ exitCode: number; stdout: string }>(
    (resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', BHSAN_OPTIONS: '' };
      delete env['NODE_OPTIONS'];
      execFile(
        process.execPath,
        ['--test', '--test-reporter=tap', 'resume.test.mjs'],
        { cwd: FIXTURE, env },
        (error, out) => {
          resolve({ exitCode: error === null ? 0 : Number(error.code), stdout: out });
        },
      );
    },
  );

  expect(exitCode).toBe(1);
  expect(stdout).toContain('not ok 1 - resume twice leaks\n');
  expect(stdout).toContain('ok 2 - resume once is clean\n');
  expect(stablePid(stdout)).toContain(
    `    Direct leak of 1 BH(s) 'cleanup' allocated from:
        #0 in connect resume.test.mjs:8:21
        #1 in resumeTwice resume.test.mjs:14:5
    
    SUMMARY: BHSanitizer: 1 BH(s) leaked in 1 allocation(s).`,
  );
  expect(stdout).toContain("  code: 'BHSAN_LEAK'\n");
});
