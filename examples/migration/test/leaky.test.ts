import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

import { bhsanRun, exampleDir, normaliseReport, oneLeakReport, positionOf } from './support.js';

const runLine =
  'none → setup → active → postcopy-active → postcopy-paused → postcopy-recover → ' +
  'postcopy-active → completed\n2 connects, 64 KiB sent, cleanup ran 1 time(s)\n';

describe('bhsan run on the migration programs', () => {
  it('reports the overwritten cleanup BH of the leaky migration and exits 23', () => {
    const connect = positionOf('src/leaky/migration.ts', 'qemu_bh_new(migrateCleanup');
    const migrate = positionOf('src/leaky/migration.ts', 'connect(s, false)');

    const run = bhsanRun(['src/leaky/main.ts']);
    const { report, outsideFrames } = normaliseReport(run.stderr);

    expect(run.status).toBe(23);
    expect(run.stdout).toBe(`migration (leaky): ${runLine}`);
    expect(report).toBe(
      oneLeakReport("Direct leak of 1 BH(s) 'migrateCleanup' allocated from:", [
        `connect src/leaky/migration.ts:${connect.line}:${connect.column}`,
        `migrate src/leaky/migration.ts:${migrate.line}:${migrate.column}`,
      ]),
    );
    // Below the example's frames: only Node's loop (the driver runs from setImmediate).
    expect(outsideFrames.at(-1)).toMatch(/^ {4}#\d+ in process\.processImmediate node:internal/);
  });

  it('runs the fixed migration with no report and exits 0', () => {
    const run = bhsanRun(['src/fixed/main.ts']);

    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`migration (fixed): ${runLine}`);
    expect(run.stderr).toBe('');
  });
});

describe('@bhsan/eslint-plugin on the migration code', () => {
  const eslint = new ESLint({ cwd: exampleDir, ignore: false });

  it('flags the store into s.cleanupBh in the leaky connect', async () => {
    const store = positionOf('src/leaky/migration.ts', 's.cleanupBh = qemu_bh_new');

    const [result] = await eslint.lintFiles(['src/leaky/migration.ts']);
    const found = result?.messages.map((m) => [m.ruleId, m.line, m.column, m.messageId]);

    expect(found).toEqual([['@bhsan/no-leaked-bh', store.line, store.column, 'fieldOverwritten']]);
  });

  it('finds nothing in the fixed variant', async () => {
    const results = await eslint.lintFiles(['src/fixed/*.ts', 'src/*.ts']);

    expect(results.flatMap((r) => r.messages)).toEqual([]);
  });
});
