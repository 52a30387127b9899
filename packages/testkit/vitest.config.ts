import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, so that `--expose-gc` reaches the workers and leak checks can collect for real.
    pool: 'forks',
    execArgv: ['--expose-gc'],
    // The register and CLI tests start child processes against the built dist.
    testTimeout: 30_000,
  },
});
