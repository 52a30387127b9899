/**
 * The main loop's context (qemu_get_aio_context): one AioContext named 'main-loop', made on first
 * use and attached to the default MainContext, as a program's main loop would set it up.
 */
import { AioContext } from '../context/aio-context.js';
import { MainContext } from './main-context.js';

let mainLoop: AioContext | undefined;

/** The main loop's context; a new one is made if the previous one was finalized. */
export function mainLoopContext(): AioContext {
  if (mainLoop === undefined || mainLoop.finalized) {
    mainLoop = new AioContext({ name: 'main-loop' });
    MainContext.default().attach(mainLoop.source);
  }
  return mainLoop;
}
