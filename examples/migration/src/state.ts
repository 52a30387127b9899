/**
 * The migration state object (QEMU's MigrationState), its statuses and the plan a run follows.
 * Both variants (src/leaky, src/fixed) share it; they differ only in how they manage `cleanupBh`.
 */
import type { QEMUBH } from '@bhsan/runtime/qemu';

import type { Channel } from './channel.js';

/** Where an outgoing migration is; the subset of QEMU's MIGRATION_STATUS_* this model uses. */
export type MigrationStatus =
  | 'none'
  | 'setup'
  | 'active'
  | 'postcopy-active'
  | 'postcopy-paused'
  | 'postcopy-recover'
  | 'completed';

/** What a run does; sizes in bytes, times in milliseconds of the realtime clock. */
export interface MigrationPlan {
  /** Bytes of guest memory to send. */
  readonly totalBytes: number;
  /** Bytes the channel sends per tick. */
  readonly chunkBytes: number;
  /** Milliseconds between ticks of the channel. */
  readonly tickMs: number;
  /** Bytes sent before the switch from precopy to postcopy. */
  readonly postcopyAfterBytes: number;
  /** Bytes the first channel sends before its link breaks (during postcopy); none: never. */
  readonly linkBreaksAfterBytes: number | undefined;
  /** Milliseconds after the pause at which the operator resumes (`migrate -r`). */
  readonly resumeAfterMs: number;
}

/** 64 KiB in 16 ticks; postcopy after 16 KiB; the link breaks at 32 KiB; resume 5 ms later. */
export const defaultPlan: MigrationPlan = {
  totalBytes: 64 * 1024,
  chunkBytes: 4 * 1024,
  tickMs: 1,
  postcopyAfterBytes: 16 * 1024,
  linkBreaksAfterBytes: 32 * 1024,
  resumeAfterMs: 5,
};

/** The outgoing migration's state. One per process in QEMU; one per run here. */
export interface MigrationState {
  readonly plan: MigrationPlan;
  status: MigrationStatus;
  /** Every status it went through, in order, starting with 'none'. */
  readonly history: MigrationStatus[];
  /** The BH that tears the migration down on the main loop once it ended (cleanup_bh). */
  cleanupBh: QEMUBH | undefined;
  /** The outgoing channel (to_dst_file); undefined while paused and after cleanup. */
  channel: Channel | undefined;
  bytesSent: number;
  /** How often connect ran: 1 for the start, one more per resume. */
  connects: number;
  /** How often the cleanup BH ran. */
  cleanups: number;
  /** Told of every status change; set by whoever drives the run. */
  onStatus: ((s: MigrationState) => void) | undefined;
  /** Told when the cleanup ran; set by whoever drives the run. */
  onCleanup: ((s: MigrationState) => void) | undefined;
}

/** A state object in status 'none'. Called by each variant's migrationObjectInit. */
export function newMigrationState(plan: MigrationPlan): MigrationState {
  return {
    plan,
    status: 'none',
    history: ['none'],
    cleanupBh: undefined,
    channel: undefined,
    bytesSent: 0,
    connects: 0,
    cleanups: 0,
    onStatus: undefined,
    onCleanup: undefined,
  };
}

/** Moves to `status`, records it and tells the listener. */
export function setStatus(s: MigrationState, status: MigrationStatus): void {
  s.status = status;
  s.history.push(status);
  s.onStatus?.(s);
}
