/**
 * Outgoing migration, LEAKY: the cleanup BH's life as QEMU had it before the fix.
 *
 * `connect` (migrate_fd_connect's role) creates the cleanup BH every time it runs. Resuming a
 * paused postcopy migration runs `connect` again, which overwrites the field holding the first BH
 * without deleting it. The cleanup later deletes only the BH the field holds then; the first one
 * is referenced by nothing, so nothing can ever delete it. bhsan reports it as a direct leak once
 * the garbage collector takes it. The fixed variant is src/fixed/migration.ts.
 */
import { qemu_bh_delete, qemu_bh_new } from '@bhsan/runtime/qemu';

import { newMigrationState, setStatus, type MigrationPlan, type MigrationState } from '../state.js';
import { startTransfer } from '../transfer.js';

/** migration_object_init's role: makes the state object. Called once, at startup. */
export function migrationObjectInit(plan: MigrationPlan): MigrationState {
  return newMigrationState(plan);
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
  s.cleanupBh = qemu_bh_new(migrateCleanup, s);
  s.connects++;
  startTransfer(s, resume);
}

/** migrate_fd_cleanup_bh's role: runs on the main loop once the migration ended. */
function migrateCleanup(s: MigrationState): void {
  if (s.cleanupBh !== undefined) qemu_bh_delete(s.cleanupBh);
  s.cleanupBh = undefined;
  s.channel?.close();
  s.channel = undefined;
  s.cleanups++;
  s.onCleanup?.(s);
}

/** migration_instance_finalize's role: the state object's end. Called once, at shutdown. */
export function migrationObjectFinalize(s: MigrationState): void {
  s.onStatus = undefined;
  s.onCleanup = undefined;
}
