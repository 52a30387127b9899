/**
 * Outgoing migration, FIXED: the cleanup BH has exactly one owner, the state object.
 *
 * It is created once, when the state object is made (migration_object_init's role), after a
 * check that the field is empty; `connect` only uses it, however often a resume runs it; and it
 * is deleted when the state object ends. The leaky variant is src/leaky/migration.ts.
 */
import { qemu_bh_delete, qemu_bh_new } from '@bhsan/runtime/qemu';

import { newMigrationState, setStatus, type MigrationPlan, type MigrationState } from '../state.js';
import { startTransfer } from '../transfer.js';

/** Thrown when the cleanup BH would be created while the field still holds one. */
export class CleanupBhInUseError extends Error {
  readonly code = 'MIGRATION_CLEANUP_BH_IN_USE';

  constructor() {
    super(
      'migrationObjectInit: s.cleanupBh already holds a bottom half; ' +
        'delete it (migrationObjectFinalize) before making a new one',
    );
    this.name = 'CleanupBhInUseError';
  }
}

/** migration_object_init's role: makes the state object and its cleanup BH. Called once. */
export function migrationObjectInit(plan: MigrationPlan): MigrationState {
  const s = newMigrationState(plan);
  if (s.cleanupBh !== undefined) throw new CleanupBhInUseError();
  s.cleanupBh = qemu_bh_new(migrateCleanup, s);
  return s;
}

/** qmp_migrate's role: starts an outgoing migration. Called from the main loop. */
export function migrate(s: MigrationState): void {
  setStatus(s, 'setup');
  connect(s, false);
}

/** qmp_migrate with resume=true (`migrate -r`): resumes a paused postcopy migration. */
export function migrateResume(s: MigrationState): void {
  setStatus(s, 'postcopy-recover');
  connect(s, true);
}

/** migrate_fd_connect's role: sets up the channel and starts sending; runs on start and resume. */
function connect(s: MigrationState, resume: boolean): void {
  s.connects++;
  startTransfer(s, resume);
}

/** migrate_fd_cleanup's role: runs on the main loop once the migration ended. */
function migrateCleanup(s: MigrationState): void {
  s.channel?.close();
  s.channel = undefined;
  s.cleanups++;
  s.onCleanup?.(s);
}

/** migration_instance_finalize's role: deletes the cleanup BH. Called once, at shutdown. */
export function migrationObjectFinalize(s: MigrationState): void {
  if (s.cleanupBh !== undefined) qemu_bh_delete(s.cleanupBh);
  s.cleanupBh = undefined;
  s.onStatus = undefined;
  s.onCleanup = undefined;
}
