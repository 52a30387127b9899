/**
 * An I/O thread (QEMU's IOThread): a second AioContext with a main context of its own, run by its
 * own loop. JavaScript has one thread here, so "its own loop" is a second driver on Node's event
 * loop; what matters for the bug is the same: the loop can stop while other code still holds the
 * context and schedules work into it.
 */
import { AioContext, MainContext } from '@bhsan/runtime';
import { attachToNodeLoop, type NodeLoopDriver } from '@bhsan/runtime/node';

/** The context, its main context and the driver running them. */
export class IOThread {
  readonly context: AioContext;
  readonly mainContext: MainContext;
  private driver: NodeLoopDriver | undefined;

  /** Makes the context and starts its loop (iothread_run's role). Called from the main thread. */
  constructor(name: string, onError: (error: unknown) => void) {
    this.context = new AioContext({ name });
    this.mainContext = new MainContext({ name: `${name}-main-context` });
    this.mainContext.attach(this.context.source);
    this.driver = attachToNodeLoop(this.mainContext, { onError });
  }

  get running(): boolean {
    return this.driver !== undefined;
  }

  /** Stops the loop (iothread_stop's role): nothing scheduled into the context runs after this. */
  stop(): void {
    this.driver?.stop();
    this.driver = undefined;
  }

  /**
   * Ends the context (the IOThread object's finalize). Throws UndeletedBottomHalvesError naming
   * every BH still undeleted, a oneshot scheduled after `stop()` included.
   */
  finalize(): void {
    this.stop();
    this.mainContext.detach(this.context.source);
    this.context.finalize();
  }
}
