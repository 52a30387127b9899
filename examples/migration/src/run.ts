/**
 * Runs one outgoing migration on a real main loop: the default main context, driven from Node's
 * event loop by `attachToNodeLoop`, with the main loop's AioContext attached to it. The operator
 * is a timer too: when the migration pauses, it resumes it `plan.resumeAfterMs` later.
 */
import {
  QEMU_CLOCK_REALTIME,
  SCALE_MS,
  aio_bh_schedule_oneshot,
  aio_timer_new,
  g_main_context_default,
  qemu_clock_get_ms,
  qemu_get_aio_context,
  timer_free,
  timer_mod,
} from '@bhsan/runtime/qemu';
import { attachToNodeLoop } from '@bhsan/runtime/node';

import { defaultPlan, type MigrationPlan, type MigrationState } from './state.js';

/** What a variant (src/leaky or src/fixed) provides. */
export interface MigrationVariant {
  migrationObjectInit(plan: MigrationPlan): MigrationState;
  migrate(s: MigrationState): void;
  migrateResume(s: MigrationState): void;
  migrationObjectFinalize(s: MigrationState): void;
}

/**
 * Starts a migration from the main loop, resumes it whenever it pauses, and resolves with the
 * state once the cleanup BH ran and the state object was finalized. Rejects with what a callback
 * threw. Called from Node's main thread, one run at a time.
 */
export function runMigration(
  variant: MigrationVariant,
  plan: MigrationPlan = defaultPlan,
): Promise<MigrationState> {
  const mainLoop = qemu_get_aio_context();
  return new Promise((resolve, reject) => {
    const s = variant.migrationObjectInit(plan);
    const operator = aio_timer_new(
      mainLoop,
      QEMU_CLOCK_REALTIME,
      SCALE_MS,
      (state: MigrationState) => variant.migrateResume(state),
      s,
    );
    const driver = attachToNodeLoop(g_main_context_default(), {
      onError: (error) => {
        driver.stop();
        reject(error);
      },
    });

    s.onStatus = (state) => {
      if (state.status === 'postcopy-paused') {
        timer_mod(operator, qemu_clock_get_ms(QEMU_CLOCK_REALTIME) + plan.resumeAfterMs);
      }
    };
    s.onCleanup = (state) => {
      timer_free(operator);
      variant.migrationObjectFinalize(state);
      driver.stop();
      resolve(state);
    };

    // The command arrives on the main loop, as a QMP command would.
    aio_bh_schedule_oneshot(mainLoop, variant.migrate, s);
  });
}

/** One line for a person: the statuses, connects, bytes and cleanups of a finished run. */
export function describeRun(s: MigrationState): string {
  return (
    `${s.history.join(' → ')}\n` +
    `${s.connects} connects, ${s.bytesSent / 1024} KiB sent, cleanup ran ${s.cleanups} time(s)`
  );
}
