import { describe, expect, it } from 'vitest';

import { defaultBhsanOptions } from '../../src/options/index.js';
import type { Report, ReportGroup } from '../../src/report/types.js';
import { mergeReports } from '../../src/vitest/merge-reports.js';

function group(name: string, owner: string, kind: ReportGroup['kind'] = 'direct'): ReportGroup {
  return {
    kind,
    allocationKind: 'bh',
    name,
    count: 1,
    frames: [{ function: 'connect', file: 'test/a.test.ts', line: 3, column: 5 }],
    objects: [{ id: 1, context: 'ctx', owner }],
  };
}

function report(groups: ReportGroup[], suppressed = 0): Report {
  return {
    schema: 'bhsan-report/1',
    pid: 7,
    groups,
    omittedGroups: 0,
    suppressions:
      suppressed === 0 ? [] : [{ pattern: 'legacy', file: 'x.supp', line: 1, count: suppressed }],
    summary: { bhs: groups.length, timers: 0, allocations: groups.length },
  };
}

describe('mergeReports', () => {
  it('joins groups with the same kind, name and stack, counting their objects', () => {
    const merged = mergeReports(
      [report([group('cleanup', 'a > one')]), report([group('cleanup', 'a > two')])],
      defaultBhsanOptions,
      42,
    );
    expect(merged).toEqual({
      schema: 'bhsan-report/1',
      pid: 42,
      groups: [
        {
          ...group('cleanup', 'a > one'),
          count: 2,
          objects: [
            { id: 1, context: 'ctx', owner: 'a > one' },
            { id: 1, context: 'ctx', owner: 'a > two' },
          ],
        },
      ],
      omittedGroups: 0,
      suppressions: [],
      summary: { bhs: 2, timers: 0, allocations: 1 },
    });
  });

  it('orders direct leaks first, then larger groups, and sums suppression counts', () => {
    const merged = mergeReports(
      [
        report([group('kept', 'a', 'still-reachable')], 1),
        report([group('lost', 'b'), group('other', 'c')], 2),
        report([group('other', 'd')]),
      ],
      defaultBhsanOptions,
    );
    expect(merged.groups.map((g) => [g.kind, g.name, g.count])).toEqual([
      ['direct', 'other', 2],
      ['direct', 'lost', 1],
      ['still-reachable', 'kept', 1],
    ]);
    expect(merged.suppressions).toEqual([{ pattern: 'legacy', file: 'x.supp', line: 1, count: 3 }]);
  });

  it('keeps retainer paths aligned with objects and applies max_leaks', () => {
    const held = { ...group('kept', 'a', 'still-reachable'), retainers: [['s', 'cleanupBh']] };
    const merged = mergeReports(
      [
        report([group('lost', 'b')]),
        report([held]),
        report([group('kept', 'c', 'still-reachable')]),
      ],
      { ...defaultBhsanOptions, max_leaks: 1 },
    );
    expect(merged.groups.map((g) => g.name)).toEqual(['lost']);
    expect(merged.omittedGroups).toBe(1);
    expect(merged.summary).toEqual({ bhs: 3, timers: 0, allocations: 2 });

    const all = mergeReports([report([held]), report([group('kept', 'c', 'still-reachable')])], {
      ...defaultBhsanOptions,
    });
    expect(all.groups[0]?.retainers).toEqual([['s', 'cleanupBh'], []]);
  });
});
