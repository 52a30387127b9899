/**
 * Generates the Vitest project suite (4) times: one test file of small tests that use the runtime
 * and leak nothing, and two configs that differ only in the bhsan plugin.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The two configs' file names. */
export const vitestConfigs = {
  plain: 'vitest.plain.config.ts',
  bhsan: 'vitest.bhsan.config.ts',
} as const;

/** One small test: a BH scheduled `runs` times, each run dispatched by a poll, then deleted. */
function testCase(index: number): string {
  const runs = (index % 4) + 1;
  return `
test('dispatches BH ${index} ${runs} time(s) and deletes it', () => {
  const context = new AioContext({ name: 'fixture-${index}' });
  let ran = 0;
  const bh = context.bhNew(() => {
    ran++;
  });
  for (let i = 0; i < ${runs}; i++) {
    bh.schedule();
    expect(context.bhPoll()).toBe(true);
  }
  bh.delete();
  context.bhPoll();
  context.finalize();
  expect(ran).toBe(${runs});
});
`;
}

/** Write the fixture into `dir` (which must link vitest and @bhsan/* in its node_modules). */
export function writeVitestFixture(dir: string, testCount: number): void {
  const tests = Array.from({ length: testCount }, (_, i) => testCase(i)).join('');
  writeFileSync(
    join(dir, 'leak-free.test.ts'),
    "import { expect, test } from 'vitest';\n" +
      `import { AioContext } from '@bhsan/runtime';\n${tests}`,
  );

  const config = (plugin: boolean) => `import { defineConfig } from 'vitest/config';
${plugin ? "import { bhsan } from '@bhsan/testkit/vitest';\n" : ''}
export default defineConfig({
  ${plugin ? 'plugins: [bhsan()],\n  ' : ''}cacheDir: '.vite-cache',
  test: { include: ['*.test.ts'], watch: false },
});
`;
  writeFileSync(join(dir, vitestConfigs.plain), config(false));
  writeFileSync(join(dir, vitestConfigs.bhsan), config(true));
}
