import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, so that `--expose-gc` reaches the workers and tests can prove what is collectable.
    pool: 'forks',
    execArgv: ['--expose-gc'],
  },
});
