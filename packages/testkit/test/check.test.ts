import { AioContext } from '@bhsan/runtime';
import { describe, expect, it } from 'vitest';
import { checkLeaks } from '../src/check.js';
import { parseBhsanOptions } from '../src/options/index.js';
import { parseSuppressions } from '../src/suppressions/index.js';

function loseCleanup(ctx: AioContext): void {
  ctx.bhNew(function cleanup() {});
}

describe('checkLeaks', () => {
  it('finds a lost BH as a direct leak and renders its report', async () => {
    const ctx = new AioContext({ name: 'check-test' });
    loseCleanup(ctx);

    const result = await checkLeaks({ options: parseBhsanOptions(''), owner: undefined });

    const mine = result.report.groups.filter((g) => g.objects[0]?.context === ctx.name);
    expect(mine.map((g) => [g.kind, g.name, g.count, g.frames[0]?.function])).toEqual([
      ['direct', 'cleanup', 1, 'loseCleanup'],
    ]);
    expect(result.text).toContain("Direct leak of 1 BH(s) 'cleanup' allocated from:");
    expect(result.leaked).toBeGreaterThanOrEqual(1);
    ctx.finalize();
  });

  it('applies suppressions and finds nothing when detect_leaks=0', async () => {
    const ctx = new AioContext({ name: 'check-test-2' });
    loseCleanup(ctx);

    const suppressed = await checkLeaks({
      options: parseBhsanOptions(''),
      suppressions: parseSuppressions('leak:^loseCleanup$\n', 'inline.supp'),
    });
    expect(suppressed.leaked).toBe(0);
    expect(suppressed.report.suppressions).toEqual([
      { pattern: '^loseCleanup$', file: 'inline.supp', line: 1, count: 1 },
    ]);

    loseCleanup(ctx);
    const off = await checkLeaks({ options: parseBhsanOptions('detect_leaks=0') });
    expect(off.leaks).toEqual([]);
    expect(off.text).toBe('');
  });
});
