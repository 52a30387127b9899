import { UseAfterDeleteError } from '@bhsan/runtime';
import { qemu_bh_schedule } from '@bhsan/runtime/qemu';
import { describe, expect, it } from 'vitest';

import * as fixed from '../src/fixed/migration.js';
import { runMigration } from '../src/run.js';
import { defaultPlan } from '../src/state.js';

const resumedOnce = [
  'none',
  'setup',
  'active',
  'postcopy-active',
  'postcopy-paused',
  'postcopy-recover',
  'postcopy-active',
  'completed',
];

describe('fixed migration', () => {
  it('pauses when the link breaks, resumes, completes and cleans up once', async () => {
    const s = await runMigration(fixed);

    expect(s.history).toEqual(resumedOnce);
    expect(s.connects).toBe(2);
    expect(s.bytesSent).toBe(64 * 1024);
    expect(s.cleanups).toBe(1);
    expect(s.channel).toBeUndefined();
  });

  it('deletes its one cleanup BH when the state object is finalized', async () => {
    const s = fixed.migrationObjectInit(defaultPlan);
    const bh = s.cleanupBh;

    expect(bh?.name).toBe('migrateCleanup');
    fixed.migrationObjectFinalize(s);
    expect(s.cleanupBh).toBeUndefined();
    expect(bh?.deleted).toBe(true);
    expect(() => qemu_bh_schedule(bh!)).toThrow(UseAfterDeleteError);
  });

  it('completes without a pause when the link holds, with one connect', async () => {
    const s = await runMigration(fixed, { ...defaultPlan, linkBreaksAfterBytes: undefined });

    expect(s.history).toEqual(['none', 'setup', 'active', 'postcopy-active', 'completed']);
    expect(s.connects).toBe(1);
    expect(s.cleanups).toBe(1);
  });

  it('runs two migrations one after the other, each with its own cleanup BH', async () => {
    const first = await runMigration(fixed);
    const second = await runMigration(fixed, { ...defaultPlan, totalBytes: 48 * 1024 });

    expect([first.bytesSent, second.bytesSent]).toEqual([64 * 1024, 48 * 1024]);
    expect([first.cleanups, second.cleanups]).toEqual([1, 1]);
  });
});
