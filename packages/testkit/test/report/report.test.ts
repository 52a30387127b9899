import { describe, expect, it } from 'vitest';
import { parseBhsanOptions } from '../../src/options/index.js';
import { buildReport } from '../../src/report/build.js';
import { renderReport } from '../../src/report/render.js';
import { parseReportJson, reportSchema, schemaProblem } from '../../src/report/schema.js';
import { parseSuppressions } from '../../src/suppressions/index.js';
import { frame, leak } from '../helpers.js';

const cwd = '/work/app';
const connectStack = [
  frame('connect', 'file:///work/app/src/migration.ts', 18, 17),
  frame('resume', '/work/app/src/migration.ts', 30, 3),
];
const pollStack = [frame('startPolling', '/work/app/src/poll.ts', 5, 9)];
const elsewhere = [frame('<anonymous>', '/opt/lib/vendor.js', 2, 4)];

describe('buildReport', () => {
  it('groups leaks by kind, name and identical stack', () => {
    const report = buildReport(
      [
        leak('direct', 'cleanup', connectStack, { id: 1 }),
        leak('direct', 'cleanup', connectStack, { id: 2 }),
        leak('direct', 'other', connectStack, { id: 3 }),
        leak('undeleted-at-finalize', 'cleanup', connectStack, { id: 4 }),
        leak('direct', 'cleanup', pollStack, { id: 5 }),
      ],
      { cwd, pid: 7 },
    );

    expect(report.groups.map((g) => [g.kind, g.name, g.count, g.frames[0]?.function])).toEqual([
      ['direct', 'cleanup', 2, 'connect'],
      ['direct', 'other', 1, 'connect'],
      ['direct', 'cleanup', 1, 'startPolling'],
      ['undeleted-at-finalize', 'cleanup', 1, 'connect'],
    ]);
    expect(report.groups[0]?.objects).toEqual([
      { id: 1, context: 'main', owner: null },
      { id: 2, context: 'main', owner: null },
    ]);
    expect(report.summary).toEqual({ bhs: 5, timers: 0, allocations: 4 });
  });

  it('puts direct leaks first, then larger groups first, then older groups first', () => {
    const report = buildReport(
      [
        leak('still-reachable', 'r', pollStack, { id: 1 }),
        leak('still-reachable', 'r', pollStack, { id: 2 }),
        leak('still-reachable', 'r', pollStack, { id: 3 }),
        leak('undeleted-at-finalize', 'f', pollStack, { id: 4 }),
        leak('direct', 'small-old', pollStack, { id: 5 }),
        leak('direct', 'big', connectStack, { id: 6 }),
        leak('direct', 'big', connectStack, { id: 7 }),
        leak('direct', 'small-new', pollStack, { id: 8 }),
      ],
      { cwd },
    );

    expect(report.groups.map((g) => `${g.kind}:${g.name}:${g.count}`)).toEqual([
      'direct:big:2',
      'direct:small-old:1',
      'direct:small-new:1',
      'undeleted-at-finalize:f:1',
      'still-reachable:r:3',
    ]);
  });

  it('shows files relative to cwd, strip_path_prefix applied, URLs as paths', () => {
    const stripped = buildReport([leak('direct', 'a', [...connectStack, ...elsewhere])], {
      cwd,
      options: parseBhsanOptions('strip_path_prefix=/opt/'),
    });

    expect(stripped.groups[0]?.frames).toEqual([
      { function: 'connect', file: 'src/migration.ts', line: 18, column: 17 },
      { function: 'resume', file: 'src/migration.ts', line: 30, column: 3 },
      { function: '<anonymous>', file: 'lib/vendor.js', line: 2, column: 4 },
    ]);
  });

  it('strip_path_prefix also strips the cwd-relative form of a file', () => {
    const stripped = buildReport([leak('direct', 'a', [...connectStack, ...elsewhere])], {
      cwd,
      options: parseBhsanOptions('strip_path_prefix=src/'),
    });

    expect(stripped.groups[0]?.frames.map((f) => f.file)).toEqual([
      'migration.ts',
      'migration.ts',
      '/opt/lib/vendor.js',
    ]);
  });

  it('counts suppressed leaks per rule and leaves them out of groups and summary', () => {
    const suppressions = parseSuppressions('leak:^startPolling$\nleak:never\n', 'app.supp');
    const report = buildReport(
      [
        leak('direct', 'a', pollStack),
        leak('direct', 'b', pollStack),
        leak('direct', 'c', connectStack),
      ],
      { cwd, suppressions },
    );

    expect(report.suppressions).toEqual([
      { pattern: '^startPolling$', file: 'app.supp', line: 1, count: 2 },
    ]);
    expect(report.groups.map((g) => g.name)).toEqual(['c']);
    expect(report.summary).toEqual({ bhs: 1, timers: 0, allocations: 1 });
  });

  it('reports at most max_leaks groups but counts all in the summary', () => {
    const report = buildReport(
      [leak('direct', 'a', pollStack), leak('direct', 'b', pollStack), leak('direct', 'c', [])],
      { cwd, options: parseBhsanOptions('max_leaks=2') },
    );

    expect(report.groups.map((g) => g.name)).toEqual(['a', 'b']);
    expect(report.omittedGroups).toBe(1);
    expect(report.summary.allocations).toBe(3);
  });
});

describe('renderReport', () => {
  it('renders the LeakSanitizer layout', () => {
    const report = buildReport(
      [
        leak('direct', 'cleanup', connectStack, { id: 1 }),
        leak('undeleted-at-finalize', 'tick', pollStack, { id: 2, kind: 'timer' }),
        leak('still-reachable', 'idle', [], { id: 3 }),
      ],
      { cwd, pid: 4242 },
    );

    expect(renderReport(report)).toBe(
      [
        '',
        '='.repeat(65),
        '==4242==ERROR: BHSanitizer: detected bottom-half leaks',
        '',
        "Direct leak of 1 BH(s) 'cleanup' allocated from:",
        '    #0 in connect src/migration.ts:18:17',
        '    #1 in resume src/migration.ts:30:3',
        '',
        "Undeleted-at-finalize leak of 1 timer(s) 'tick' allocated from:",
        '    #0 in startPolling src/poll.ts:5:9',
        '',
        "Still-reachable leak of 1 BH(s) 'idle' allocated from:",
        '    (no stack: malloc_context_size=0)',
        '',
        'SUMMARY: BHSanitizer: 2 BH(s) and 1 timer(s) leaked in 3 allocation(s).',
        '',
      ].join('\n'),
    );
  });

  it('prints the suppressions table, objects, retainers and the max_leaks note', () => {
    const suppressions = parseSuppressions('leak:^startPolling$\n', 'app.supp');
    const report = buildReport(
      [
        leak('direct', 'cleanup', connectStack, { id: 8, owner: 'migration > resumes' }),
        leak('direct', 'cleanup', connectStack, { id: 9, contextName: 'io#2' }),
        leak('direct', 'other', elsewhere, { id: 10 }),
        leak('direct', 'polled', pollStack, { id: 11 }),
      ],
      { cwd, pid: 1, suppressions, options: parseBhsanOptions('max_leaks=1') },
    );
    const first = report.groups[0];
    if (first !== undefined) first.retainers = [['(GC roots)', 'Map', 'BottomHalf']];

    expect(renderReport(report, { reportObjects: true })).toBe(
      [
        '',
        '='.repeat(65),
        '==1==ERROR: BHSanitizer: detected bottom-half leaks',
        'Showing the largest 1 of 2 allocation(s) (max_leaks).',
        '',
        "Direct leak of 2 BH(s) 'cleanup' allocated from:",
        '    #0 in connect src/migration.ts:18:17',
        '    #1 in resume src/migration.ts:30:3',
        'Leaked objects:',
        "#8 'cleanup' in context 'main' owned by 'migration > resumes'",
        "#9 'cleanup' in context 'io#2'",
        '  held by: (GC roots) → Map → BottomHalf',
        '',
        '1 more allocation(s) not shown (max_leaks).',
        '-'.repeat(53),
        'Suppressions used:',
        '  count pattern',
        '      1 ^startPolling$',
        '-'.repeat(53),
        '',
        'SUMMARY: BHSanitizer: 3 BH(s) leaked in 2 allocation(s).',
        '',
      ].join('\n'),
    );
    expect(renderReport(report, { printSuppressions: false })).not.toContain('Suppressions');
  });

  it('renders only the table when every leak was suppressed, and nothing for no leaks', () => {
    const suppressions = parseSuppressions('leak:cleanup\n', 'app.supp');
    const all = buildReport([leak('direct', 'cleanup', connectStack)], { cwd, suppressions });

    expect(renderReport(all)).toBe(
      `${'-'.repeat(53)}\nSuppressions used:\n  count pattern\n      1 cleanup\n` +
        `${'-'.repeat(53)}\n`,
    );
    expect(renderReport(buildReport([], { cwd }))).toBe('');
  });

  it('colours only when asked', () => {
    const report = buildReport([leak('direct', 'cleanup', connectStack)], { cwd, pid: 1 });

    expect(renderReport(report, { color: false })).not.toContain('\u001b[');
    expect(renderReport(report, { color: true })).toContain(
      '\u001b[31m\u001b[1m==1==ERROR: BHSanitizer: detected bottom-half leaks\u001b[22m\u001b[39m',
    );
  });
});

describe('JSON report', () => {
  const report = buildReport(
    [leak('direct', 'cleanup', connectStack, { id: 3, owner: 'a test' })],
    { cwd, pid: 99 },
  );

  it('round-trips through JSON and the schema', () => {
    const text = JSON.stringify(report);

    expect(parseReportJson(text)).toEqual(report);
    expect(JSON.parse(text)).toEqual({
      schema: 'bhsan-report/1',
      pid: 99,
      groups: [
        {
          kind: 'direct',
          allocationKind: 'bh',
          name: 'cleanup',
          count: 1,
          frames: [
            { function: 'connect', file: 'src/migration.ts', line: 18, column: 17 },
            { function: 'resume', file: 'src/migration.ts', line: 30, column: 3 },
          ],
          objects: [{ id: 3, context: 'main', owner: 'a test' }],
        },
      ],
      omittedGroups: 0,
      suppressions: [],
      summary: { bhs: 1, timers: 0, allocations: 1 },
    });
  });

  it('accepts retainers on a group', () => {
    const withRetainers = JSON.parse(JSON.stringify(report)) as { groups: object[] };
    Object.assign(withRetainers.groups[0] as object, { retainers: [['root', 'bh']] });

    expect(schemaProblem(reportSchema, withRetainers)).toBeUndefined();
  });

  it.each([
    ['{', '$ is not JSON'],
    ['[]', '$ must be an object'],
    ['{"schema":"bhsan-report/2"}', '$ lacks the required field'],
  ])('rejects %s', (text, start) => {
    expect(() => parseReportJson(text, 'saved.json')).toThrow(`saved.json: ${start}`);
  });

  it.each([
    [
      (r: Record<string, unknown>) => (r.schema = 'bhsan-report/2'),
      '$.schema must be "bhsan-report/1"',
    ],
    [(r: Record<string, unknown>) => (r.extra = 1), "$ has an unknown field 'extra'"],
    [
      (r: { groups: Array<Record<string, unknown>> }) =>
        ((r.groups[0] as { count: number }).count = 0),
      '$.groups[0].count must be >= 1',
    ],
    [
      (r: { groups: Array<Record<string, unknown>> }) =>
        ((r.groups[0] as { kind: string }).kind = 'lost'),
      '$.groups[0].kind must be one of "direct", "undeleted-at-finalize", "still-reachable"',
    ],
    [
      (r: { groups: Array<{ frames: Array<Record<string, unknown>> }> }) =>
        ((r.groups[0]?.frames[1] as { line: unknown }).line = '30'),
      '$.groups[0].frames[1].line must be an integer',
    ],
    [
      (r: { groups: Array<{ objects: Array<Record<string, unknown>> }> }) =>
        ((r.groups[0]?.objects[0] as { owner: unknown }).owner = 5),
      '$.groups[0].objects[0].owner matches none of the allowed forms',
    ],
  ])('names the offending path (%#)', (spoil, message) => {
    const copy = JSON.parse(JSON.stringify(report));
    (spoil as (r: unknown) => void)(copy);

    let caught: unknown;
    try {
      parseReportJson(JSON.stringify(copy), 'saved.json');
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe(`saved.json: ${message} (schema bhsan-report/1)`);
    expect((caught as { code: string }).code).toBe('BHSAN_BAD_REPORT');
  });
});
