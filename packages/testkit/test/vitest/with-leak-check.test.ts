/** `withLeakCheck` and the matchers, in this very test process (forks pool, real gc()). */

import { fileURLToPath } from 'node:url';

import { AioContext, tracker, type BottomHalf } from '@bhsan/runtime';
import { describe, expect, it } from 'vitest';

import { parseSuppressions } from '../../src/suppressions/index.js';
import { BhLeakError, checkOwners, withLeakCheck } from '../../src/vitest/leak-check.js';
import { bhsanMatchers } from '../../src/vitest/matchers.js';
import type {} from '../../src/vitest/matchers.js';

expect.extend(bhsanMatchers);

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface MigrationState {
  cleanupBh?: BottomHalf;
}

function cleanup(): void {}

function connect(s: MigrationState, ctx: AioContext): void {
  s.cleanupBh = ctx.bhNew(cleanup);
}

/** The migration bug: connect runs twice, the first cleanup BH is lost. */
function resumeTwice(): void {
  const ctx = new AioContext({ name: 'resume' });
  const s: MigrationState = {};
  connect(s, ctx);
  connect(s, ctx);
  s.cleanupBh?.delete();
}

function resumeOnce(): string {
  const ctx = new AioContext({ name: 'resume' });
  const s: MigrationState = {};
  connect(s, ctx);
  s.cleanupBh?.delete();
  return 'resumed';
}

describe('withLeakCheck', () => {
  it("returns the function's result when every BH was deleted", async () => {
    await expect(withLeakCheck(resumeOnce)).resolves.toBe('resumed');
  });

  it('throws BhLeakError naming the lost BH and the line that allocated it', async () => {
    const error: unknown = await withLeakCheck(resumeTwice, { cwd: PACKAGE_ROOT }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BhLeakError);
    const { report } = error as BhLeakError;
    expect((error as BhLeakError).code).toBe('BHSAN_LEAK');
    expect(report.summary).toEqual({ bhs: 1, timers: 0, allocations: 1 });
    expect(
      report.groups.map((group) => [group.kind, group.name, group.frames.slice(0, 2)]),
    ).toEqual([
      [
        'direct',
        'cleanup',
        [
          {
            function: 'connect',
            file: 'test/vitest/with-leak-check.test.ts',
            line: 24,
            column: 21,
          },
          {
            function: 'resumeTwice',
            file: 'test/vitest/with-leak-check.test.ts',
            line: 31,
            column: 3,
          },
        ],
      ],
    ]);
    expect((error as Error).message).toContain(
      `resumeTwice leaked bottom halves:\n\n${'='.repeat(65)}\n`,
    );
  });

  it('in strict mode also reports a BH that is still reachable but undeleted', async () => {
    const kept: BottomHalf[] = [];
    const keep = (): void => {
      kept.push(new AioContext({ name: 'kept' }).bhNew(cleanup));
    };
    await expect(withLeakCheck(keep)).resolves.toBeUndefined();
    const error = await withLeakCheck(keep, { mode: 'strict' }).catch((caught: unknown) => caught);
    expect((error as BhLeakError).report.groups.map((group) => [group.kind, group.count])).toEqual([
      ['still-reachable', 1],
    ]);
    for (const bh of kept) bh.delete();
  });
});

describe('checkOwners', () => {
  it('applies suppressions: a suppressed leak is counted in the report, not leaked', async () => {
    const owner = 'suppressed resume';
    const previous = tracker.setOwner(owner);
    resumeTwice();
    tracker.setOwner(previous);

    const suppressions = parseSuppressions('# known\nleak:^cleanup$\n', 'bhsan.supp');
    const { leaks, leaked, report } = await checkOwners([owner], { suppressions });
    expect([leaks.length, leaked, report.groups.length]).toEqual([1, 0, 0]);
    expect(report.suppressions).toEqual([
      { pattern: '^cleanup$', file: 'bhsan.supp', line: 2, count: 1 },
    ]);
  });
});

describe('toLeakBHs', () => {
  it('passes .not for a function that deletes what it makes', async () => {
    await expect(resumeOnce).not.toLeakBHs();
  });

  it('fails .not with the report when the function leaks', async () => {
    await expect(expect(resumeTwice).not.toLeakBHs()).rejects.toThrowError(
      /^expected the function not to leak bottom halves, but it leaked 1:\n[^]*Direct leak of 1 BH\(s\) 'cleanup' allocated from:/,
    );
  });

  it('passes for a leaking function without .not', async () => {
    await expect(resumeTwice).toLeakBHs();
  });
});

describe('toHaveNoUndeletedBHs', () => {
  it('passes when every BH of the context was deleted, fails naming one that was not', () => {
    const ctx = new AioContext({ name: 'matcher' });
    const bh = ctx.bhNew(cleanup);
    expect(() => expect(ctx).toHaveNoUndeletedBHs()).toThrowError(
      /^expected AioContext 'matcher(#\d+)?' to have no undeleted BHs, but 1 is undeleted:\n[^]*Still-reachable leak of 1 BH\(s\) 'cleanup' allocated from:/,
    );
    bh.delete();
    expect(ctx).toHaveNoUndeletedBHs();
  });

  it('rejects something that is not an AioContext', () => {
    expect(() => expect({}).toHaveNoUndeletedBHs()).toThrowError(
      'toHaveNoUndeletedBHs() expects an AioContext, got Object {}',
    );
  });
});
