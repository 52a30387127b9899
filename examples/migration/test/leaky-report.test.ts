// bhsan's plugin skips this file (see vitest.config.ts): it leaks on purpose and checks the
// report itself, in-process, through @bhsan/testkit's public API.
import { checkLeaks, defaultBhsanOptions } from '@bhsan/testkit';
import { describe, expect, it } from 'vitest';

import * as leaky from '../src/leaky/migration.js';
import { runMigration } from '../src/run.js';
import { defaultPlan } from '../src/state.js';
import { exampleDir, normaliseReport, oneLeakReport, positionOf } from './support.js';

describe('the leaky migration, checked in-process', () => {
  it('leaks exactly the first cleanup BH when a resume runs connect again', async () => {
    const connect = positionOf('src/leaky/migration.ts', 'qemu_bh_new(migrateCleanup');
    const migrate = positionOf('src/leaky/migration.ts', 'connect(s, false)');

    const s = await runMigration(leaky);
    const { leaks, report, text, leaked } = await checkLeaks({
      options: defaultBhsanOptions,
      cwd: exampleDir,
    });

    expect(s.connects).toBe(2);
    expect(leaked).toBe(1);
    expect(leaks.map((leak) => [leak.kind, leak.allocation.kind, leak.allocation.name])).toEqual([
      ['direct', 'bh', 'migrateCleanup'],
    ]);
    expect(leaks[0]?.allocation.contextName).toBe('main-loop');
    expect(report.groups.map((group) => [group.kind, group.count])).toEqual([['direct', 1]]);
    expect(normaliseReport(text).report).toBe(
      oneLeakReport("Direct leak of 1 BH(s) 'migrateCleanup' allocated from:", [
        `connect src/leaky/migration.ts:${connect.line}:${connect.column}`,
        `migrate src/leaky/migration.ts:${migrate.line}:${migrate.column}`,
      ]),
    );
  });

  it('leaks nothing when the link holds and connect runs only once', async () => {
    const s = await runMigration(leaky, { ...defaultPlan, linkBreaksAfterBytes: undefined });
    const { leaked } = await checkLeaks({ options: defaultBhsanOptions });

    expect(s.connects).toBe(1);
    expect(leaked).toBe(0);
  });
});
