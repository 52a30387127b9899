import { bhsan } from '@bhsan/testkit/vitest';
import { defineConfig } from 'vitest/config';

// The demo's failing suite: the leaky I/O thread shutdown under the bhsan plugin. Not part of
// `pnpm test`; run it with `pnpm exec vitest run -c vitest.leaky.config.ts` and watch bhsan fail
// the test.
export default defineConfig({
  plugins: [bhsan()],
  test: {
    include: ['leaky-tests/**/*.test.ts'],
    pool: 'forks',
  },
});
