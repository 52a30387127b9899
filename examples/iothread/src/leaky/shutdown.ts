/**
 * Shutting the I/O thread down, LEAKY: the loop stops first, then the code waits for the disk to
 * go idle and finalizes. A request still in flight at the stop completes on the host afterwards
 * and schedules its `completeRequest` oneshot into the stopped context, where nothing will ever
 * run it; finalize then fails naming it. The fixed order is in src/fixed/shutdown.ts.
 */
import type { Disk, Request } from '../disk.js';
import type { IOThread } from '../iothread.js';

/** Stops and finalizes `iothread`. Called from the main loop; rejects with what finalize threw. */
export async function shutdown(
  iothread: IOThread,
  disk: Disk,
  _inFlight: readonly Promise<Request>[],
): Promise<void> {
  iothread.stop();
  await disk.idle();
  iothread.finalize();
}
