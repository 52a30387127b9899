import { bhsan } from '@bhsan/testkit/vitest';
import { defineConfig } from 'vitest/config';

// Every test here runs under bhsan in strict mode: a test that leaves a BH or timer undeleted
// fails. The leaky hot-plug is checked through `bhsan run` in test/leaky.test.ts.
export default defineConfig({
  plugins: [bhsan({ mode: 'strict' })],
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
  },
});
