/**
 * One run: an I/O thread, a disk, three requests (two quick, one late) and a shutdown that starts
 * as soon as the two quick ones completed, while the late one is still in flight on the host. The
 * main loop is driven by the Node driver as well.
 */
import { MainContext, mainLoopContext } from '@bhsan/runtime';
import { attachToNodeLoop } from '@bhsan/runtime/node';

import { Disk, type Request } from './disk.js';
import { IOThread } from './iothread.js';

/** How a variant shuts the I/O thread down (src/leaky or src/fixed). */
export type Shutdown = (
  iothread: IOThread,
  disk: Disk,
  inFlight: readonly Promise<Request>[],
) => Promise<void>;

/** What a run saw. */
export interface RunResult {
  /** Each request's id and the context its completion ran on ('' if it never ran). */
  readonly completions: ReadonlyArray<readonly [number, string]>;
  /** What the shutdown threw, if anything. */
  readonly shutdownError: unknown;
}

/** Latencies of the requests, in ms: the last one is still in flight at the shutdown. */
export const latenciesMs = [1, 2, 20] as const;

/** Runs the scenario with `shutdown`. Called from Node's main thread, one run at a time. */
export async function runIOThread(shutdown: Shutdown): Promise<RunResult> {
  mainLoopContext();
  const errors: unknown[] = [];
  const mainLoop = attachToNodeLoop(MainContext.default(), { onError: (e) => errors.push(e) });
  const iothread = new IOThread('iothread0', (e) => errors.push(e));
  const disk = new Disk(iothread);
  const requests: Request[] = [];
  const submit = (ms: number): Promise<Request> =>
    disk.submit(ms).then((request) => (requests.push(request), request));
  const quick = latenciesMs.slice(0, -1).map(submit);

  let shutdownError: unknown;
  try {
    await Promise.all(quick);
    // The late request starts only now, in the same job as the shutdown's first step, so its
    // completion cannot arrive before the shutdown began, however slow the machine is.
    const inFlight = [...quick, submit(latenciesMs[latenciesMs.length - 1]!)];
    await shutdown(iothread, disk, inFlight);
  } catch (error) {
    shutdownError = error;
  } finally {
    mainLoop.stop();
  }
  if (errors.length > 0) throw errors[0];

  const completions = latenciesMs.map((_, i): readonly [number, string] => {
    const done = requests.find((request) => request.id === i + 1);
    return [i + 1, done?.completedOn ?? ''];
  });
  return { completions, shutdownError };
}
