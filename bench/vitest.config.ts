import { defineConfig } from 'vitest/config';

// The bench's own tests (the baseline's behaviour, the TIMING parser).
// Run: `pnpm exec vitest run -c bench/vitest.config.ts`.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
  },
});
