/**
 * The plugin on the fixture project's extra specs (`vitest.extra.config.mjs`): async work that
 * outlives its test, a leaking `test.fails`, the matchers' frames, where the reporter writes and a
 * missing suppressions file. Real `vitest run` processes against the built dist.
 */

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { stablePid } from '../helpers.js';
import { FIXTURE, runFixture, statuses } from './run-fixture.js';

const CONFIG = ['--config', path.join(FIXTURE, 'vitest.extra.config.mjs')];

/** A failure's text up to its SUMMARY line, pid made stable, Node's internal frames left out. */
function reportOf(message: string): string {
  const text = stablePid(message);
  return text
    .slice(0, text.indexOf('SUMMARY:'))
    .split('\n')
    .filter((line) => !line.includes(' node:internal/'))
    .join('\n');
}

describe('the bhsan plugin, extra cases', () => {
  it('attributes a BH allocated by a finished test to the file, naming that test', async () => {
    const run = await runFixture({ args: [...CONFIG, 'test/late.spec.ts'], vitestJson: true });

    expect(statuses(run.files)).toEqual({
      'late.spec.ts': {
        'starts a poller that outlives the test': 'passed',
        'waits long enough for the poller to start': 'passed',
      },
    });
    expect(reportOf(run.files[0]?.message ?? '')).toBe(
      "Test file 'test/late.spec.ts' (module scope, beforeAll or late; allocated by test " +
        "'test/late.spec.ts > starts a poller that outlives the test' after it finished) " +
        'leaked bottom halves:\n\n' +
        `${'='.repeat(65)}\n==PID==ERROR: BHSanitizer: detected bottom-half leaks\n\n` +
        "Direct leak of 1 BH(s) 'poll' allocated from:\n" +
        '    #0 in Timeout.startPolling [as _onTimeout] test/late.spec.ts:7:7\n\n',
    );
    expect(run.exitCode).toBe(1);
  });

  it('fails the run when a leaking test.fails passes, and says why', async () => {
    const run = await runFixture({ args: [...CONFIG, 'test/fails.spec.ts'] });

    expect(stablePid(run.stdout + run.stderr)).toContain(
      "==PID==BHSanitizer: test 'resumes a migration twice, expected to fail' passed " +
        '(test.fails?) but leaked bottom halves; the run fails.\n',
    );
    expect(run.exitCode).toBe(1);
  });

  it('shows only the checked function in matcher and withLeakCheck reports', async () => {
    const run = await runFixture({ args: [...CONFIG, 'test/matchers.spec.ts'], vitestJson: true });

    const messages = run.files[0]?.assertionResults.map((test) => [
      test.title,
      reportOf(test.failureMessages[0] ?? '')
        .split('\n')
        .filter((line) => line.startsWith('    #')),
    ]);
    expect(messages).toEqual([
      ['toLeakBHs', ['    #0 in resumeTwice test/matchers.spec.ts:8:21']],
      ['withLeakCheck', ['    #0 in resumeTwice test/matchers.spec.ts:8:21']],
      ['toHaveNoUndeletedBHs', ['    #0 in <anonymous> test/matchers.spec.ts:23:20']],
    ]);
  });

  it('writes log_path and the JSON relative to the root, creating directories', async () => {
    const out = `.bhsan-out-${process.pid}`;
    try {
      const run = await runFixture({
        args: ['--root', FIXTURE, ...CONFIG, 'test/fails.spec.ts'],
        bhsanOptions: `log_path=${out}/logs/bhsan:json=${out}/json/bhsan.json`,
        cwd: mkdtempSync(path.join(tmpdir(), 'bhsan-cwd-')),
      });

      const logs = readdirSync(path.join(FIXTURE, out, 'logs'));
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/^bhsan\.\d+$/);
      const text = readFileSync(path.join(FIXTURE, out, 'logs', logs[0] ?? ''), 'utf8');
      expect(text.split('\n').at(-2)).toBe(
        'SUMMARY: BHSanitizer: 1 BH(s) leaked in 1 allocation(s).',
      );
      const json = JSON.parse(readFileSync(path.join(FIXTURE, out, 'json/bhsan.json'), 'utf8'));
      expect((json as { summary: unknown }).summary).toEqual({ bhs: 1, timers: 0, allocations: 1 });
      expect(run.exitCode).toBe(1);
    } finally {
      rmSync(path.join(FIXTURE, out), { recursive: true, force: true });
    }
  });

  it('reports a missing suppressions file once, when the config loads', async () => {
    const run = await runFixture({ args: CONFIG, bhsanOptions: 'suppressions=missing.supp' });

    const output = run.stdout + run.stderr;
    const message =
      `SuppressionError: ${path.join(FIXTURE, 'missing.supp')}: cannot read the suppressions ` +
      `file (ENOENT: no such file or directory, open '${path.join(FIXTURE, 'missing.supp')}')`;
    expect(output.split(message)).toHaveLength(2);
    expect(output).not.toContain('Test Files');
    expect(existsSync(path.join(FIXTURE, 'missing.supp'))).toBe(false);
    expect(run.exitCode).toBe(1);
  });
});
