/**
 * The main context (GMainContext's role): holds sources and runs iterations of
 * prepare → wait → check → dispatch over them. A context's `source` is one such source.
 */
import { BlockingPollWouldHangError, InvalidArgumentError } from '../errors.js';
import { sleepNs, soonest } from './wait.js';

/** Something a MainContext runs (GSource's role). */
export interface Source {
  /** Before the wait: is it ready now, and how long may the wait last (ns, -1 = no limit)? */
  prepare(): { ready: boolean; timeoutNs: number };
  /** After the wait, for sources prepare did not report ready: is it ready now? */
  check(): boolean;
  /** Runs the source; returning false detaches it (GLib's G_SOURCE_REMOVE). */
  dispatch(): boolean;
  /** When true the MainContext detaches the source before its next iteration. */
  readonly destroyed?: boolean;
  /** Lets the MainContext (and its driver) hear about work arriving; returns the unsubscribe. */
  onNotify?(listener: () => void): () => void;
}

interface Attached {
  readonly source: Source;
  readonly unsubscribe: (() => void) | undefined;
  dispatching: boolean;
}

let defaultMainContext: MainContext | undefined;
let mainContextCount = 0;

/** Runs the sources attached to it, one iteration at a time. */
export class MainContext {
  readonly name: string;
  private attached: Attached[] = [];
  private listeners: Array<() => void> = [];

  constructor(options?: { readonly name?: string }) {
    this.name = options?.name ?? `main-context#${++mainContextCount}`;
  }

  /** The process-wide main context (g_main_context_default), made on first use. */
  static default(): MainContext {
    defaultMainContext ??= new MainContext({ name: 'default-main-context' });
    return defaultMainContext;
  }

  /** Adds `source`; it runs from the next iteration on. A source is attached once per context. */
  attach(source: Source): void {
    if (this.attached.some((a) => a.source === source)) {
      throw new InvalidArgumentError(
        `MainContext '${this.name}'.attach(source)`,
        'this source is attached already',
      );
    }
    const unsubscribe = source.onNotify?.(() => this.wake());
    this.attached = [...this.attached, { source, unsubscribe, dispatching: false }];
    this.wake();
  }

  /** Removes `source`; does nothing if it is not attached. */
  detach(source: Source): void {
    const entry = this.attached.find((a) => a.source === source);
    if (entry === undefined) return;
    entry.unsubscribe?.();
    this.attached = this.attached.filter((a) => a !== entry);
  }

  /** The attached sources, in attach order. */
  get sources(): readonly Source[] {
    return this.attached.map((a) => a.source);
  }

  /** Calls `listener` when an attached source is notified; returns the unsubscribe. */
  onNotify(listener: () => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * One iteration (g_main_context_iteration): prepares every source; if none is ready and
   * `mayBlock`, sleeps until the soonest timeout (throws BlockingPollWouldHangError if there is
   * none); checks the others; dispatches the ready ones in attach order. Returns whether any
   * source was dispatched. A source being dispatched is skipped by nested iterations.
   */
  iteration(mayBlock: boolean): boolean {
    this.dropDestroyed();
    const candidates = this.attached.filter((a) => !a.dispatching);
    const ready = candidates.map(() => false);

    let timeout = -1;
    let anyReady = false;
    // Plain loops rather than forEach: a builtin frame between a callback and the runtime would
    // show up in every allocation stack the tracker captures during dispatch.
    for (let i = 0; i < candidates.length; i++) {
      const prepared = candidates[i]!.source.prepare();
      if (prepared.ready) ready[i] = anyReady = true;
      else timeout = soonest(timeout, prepared.timeoutNs);
    }

    if (!anyReady && mayBlock) {
      if (timeout === -1) throw new BlockingPollWouldHangError(this.name, 0);
      if (timeout > 0) sleepNs(timeout);
    }

    for (let i = 0; i < candidates.length; i++) {
      if (!ready[i]) ready[i] = candidates[i]!.source.check();
    }

    let dispatched = false;
    for (let i = 0; i < candidates.length; i++) {
      const entry = candidates[i]!;
      if (!ready[i] || entry.source.destroyed === true) continue;
      dispatched = true;
      entry.dispatching = true;
      let keep: boolean;
      try {
        keep = entry.source.dispatch();
      } finally {
        entry.dispatching = false;
      }
      if (!keep) this.detach(entry.source);
    }
    return dispatched;
  }

  /**
   * Nanoseconds the next iteration may wait: 0 if a source is ready, else the soonest timeout,
   * -1 if none. Prepares every source; used by event-loop drivers.
   */
  computeWaitTimeout(): number {
    this.dropDestroyed();
    let timeout = -1;
    for (const entry of this.attached) {
      if (entry.dispatching) continue;
      const prepared = entry.source.prepare();
      if (prepared.ready) return 0;
      timeout = soonest(timeout, prepared.timeoutNs);
    }
    return timeout;
  }

  private wake(): void {
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) (listeners[i] as () => void)();
  }

  private dropDestroyed(): void {
    for (const entry of this.attached) {
      if (entry.source.destroyed === true) this.detach(entry.source);
    }
  }
}
