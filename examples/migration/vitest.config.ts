import { bhsan } from '@bhsan/testkit/vitest';
import { defineConfig } from 'vitest/config';

// Every test here runs under bhsan in strict mode: a test that leaves a BH or timer undeleted
// fails. test/leaky-report.test.ts leaks on purpose to assert the report, so bhsan skips it.
export default defineConfig({
  plugins: [bhsan({ mode: 'strict', exclude: ['test/leaky-report.test.ts'] })],
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
  },
});
