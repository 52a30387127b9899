/**
 * Shutting the I/O thread down, FIXED: first every request in flight completes — on the host and
 * then on the I/O thread, whose loop still runs — and only then does the loop stop and the
 * context end. Nothing can be scheduled into the context between its stop and its finalize.
 */
import type { Disk, Request } from '../disk.js';
import type { IOThread } from '../iothread.js';

/** Drains, stops and finalizes `iothread`. Called from the main loop. */
export async function shutdown(
  iothread: IOThread,
  disk: Disk,
  inFlight: readonly Promise<Request>[],
): Promise<void> {
  await disk.idle();
  await Promise.all(inFlight);
  iothread.finalize();
}
