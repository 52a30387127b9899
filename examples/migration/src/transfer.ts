/**
 * The data phase both variants share: the channel that stands in for the network, the switch to
 * postcopy, the end of the transfer, and the pause when the link breaks. The variants differ only
 * in who creates and deletes the cleanup BH (src/leaky/migration.ts, src/fixed/migration.ts).
 */
import { qemu_bh_schedule } from '@bhsan/runtime/qemu';

import { Channel } from './channel.js';
import { setStatus, type MigrationState } from './state.js';

/**
 * The sending half of migrate_fd_connect: opens a channel and starts sending, as a fresh start
 * or as a postcopy resume. Called by each variant's `connect`, from the main loop.
 */
export function startTransfer(s: MigrationState, resume: boolean): void {
  const breaksAfter = resume ? undefined : s.plan.linkBreaksAfterBytes;
  s.channel = new Channel(s.plan.chunkBytes, s.plan.tickMs, breaksAfter, {
    onSent: (bytes) => sent(s, bytes),
    onBroken: () => postcopyPause(s),
  });
  setStatus(s, resume ? 'postcopy-active' : 'active');
}

/** Progress from the channel: switch to postcopy, or finish and schedule the cleanup BH. */
function sent(s: MigrationState, bytes: number): void {
  s.bytesSent += bytes;
  if (s.status === 'active' && s.bytesSent >= s.plan.postcopyAfterBytes) {
    setStatus(s, 'postcopy-active');
  }
  if (s.bytesSent >= s.plan.totalBytes) {
    setStatus(s, 'completed');
    s.channel?.stop();
    if (s.cleanupBh !== undefined) qemu_bh_schedule(s.cleanupBh);
  }
}

/** postcopy_pause's role: the link broke; drop the channel and wait for a resume. */
function postcopyPause(s: MigrationState): void {
  s.channel?.close();
  s.channel = undefined;
  setStatus(s, 'postcopy-paused');
}
