import { describe, expect, test } from 'vitest';
import { parseTimingTable } from '../suites/eslint-rules.js';
import { withRatio, type Measurement } from '../lib/results.js';

describe("parsing ESLint's TIMING table", () => {
  test('reads every rule row and skips the header, the rule line and other output', () => {
    const stdout = [
      'some other line',
      'Rule                       | Time (ms) | Relative',
      ':--------------------------|----------:|--------:',
      '@typescript-eslint/no-unused-vars |   361.468 |    39.3%',
      '@bhsan/no-leaked-bh        |    12.500 |     1.4%',
      'no-fallthrough             |     0.042 |     0.0%',
      '',
    ].join('\n');

    expect(parseTimingTable(stdout)).toEqual([
      { rule: '@typescript-eslint/no-unused-vars', ms: 361.468 },
      { rule: '@bhsan/no-leaked-bh', ms: 12.5 },
      { rule: 'no-fallthrough', ms: 0.042 },
    ]);
  });

  test('output without a TIMING table yields no rows', () => {
    expect(parseTimingTable('a | b | c\n1 | 2 | 3\n')).toEqual([]);
  });
});

describe('ratios between measurements', () => {
  test('withRatio divides by the named measurement and records it', () => {
    const list: Measurement[] = [
      { id: 'a', label: 'A', value: 30, unit: 'ns/round' },
      { id: 'b', label: 'B', value: 12, unit: 'ns/round' },
    ];

    withRatio(list, 'a', 'b');

    expect(list[0]?.ratio).toEqual({ against: 'b', value: 2.5 });
    expect(() => withRatio(list, 'a', 'missing')).toThrow("withRatio: no measurement 'missing'");
  });
});
