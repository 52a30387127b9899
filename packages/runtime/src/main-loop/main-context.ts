/**
 * The main context (GMainContext's role): holds sources and runs iterations of
 * prepare → wait → check → dispatch over them. A context's `source` is one such source.
 */
import { BlockingPollWouldHangError, InvalidArgumentError, typeOf } from '../errors.js';
import { callListeners } from './listeners.js';
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
  /**
   * When true, an iteration nested in this source's own dispatch may dispatch it again
   * (g_source_set_can_recurse). Default false: a nested iteration skips it. An AioContext's
   * source is true.
   */
  readonly canRecurse?: boolean;
}

interface Attached {
  readonly source: Source;
  readonly unsubscribe: (() => void) | undefined;
  /** Dispatches of this source in progress (more than one only if it can recurse). */
  dispatching: number;
}

let defaultMainContext: MainContext | undefined;
let mainContextCount = 0;

/** Which MainContext each attached source belongs to: a source is attached to one at a time. */
const ownerOf = new WeakMap<Source, MainContext>();

/** Throws unless `source` looks like a Source (prepare, check and dispatch are functions). */
function checkSource(where: string, source: unknown): asserts source is Source {
  const candidate = source as Partial<Record<'prepare' | 'check' | 'dispatch', unknown>> | null;
  if (typeof source !== 'object' || candidate === null) {
    throw new InvalidArgumentError(where, `the source must be an object, got ${typeOf(source)}`);
  }
  for (const method of ['prepare', 'check', 'dispatch'] as const) {
    if (typeof candidate[method] !== 'function') {
      throw new InvalidArgumentError(where, `the source has no ${method}() method`);
    }
  }
}

/** Runs the sources attached to it, one iteration at a time. */
export class MainContext {
  readonly name: string;
  private attached: Attached[] = [];
  private listeners: Array<() => void> = [];

  constructor(options?: { readonly name?: string }) {
    const name = options?.name;
    if (name !== undefined && (typeof name !== 'string' || name === '')) {
      throw new InvalidArgumentError(
        'new MainContext(options.name)',
        'the name must be a non-empty string',
      );
    }
    this.name = name ?? `main-context#${++mainContextCount}`;
  }

  /** The process-wide main context (g_main_context_default), made on first use. */
  static default(): MainContext {
    defaultMainContext ??= new MainContext({ name: 'default-main-context' });
    return defaultMainContext;
  }

  /**
   * Adds `source`; it runs from the next iteration on. A source is attached to one MainContext
   * at a time, once: attaching it again, or to another one before `detach`, throws.
   */
  attach(source: Source): void {
    const where = `MainContext '${this.name}'.attach(source)`;
    checkSource(where, source);
    const owner = ownerOf.get(source);
    if (owner === this) throw new InvalidArgumentError(where, 'this source is attached already');
    if (owner !== undefined) {
      throw new InvalidArgumentError(
        where,
        `this source is attached to main context '${owner.name}'; detach it from there first`,
      );
    }
    if (source.destroyed === true) {
      throw new InvalidArgumentError(where, 'this source is destroyed (its context was finalized)');
    }
    const unsubscribe = source.onNotify?.(() => this.wake());
    ownerOf.set(source, this);
    this.attached = [...this.attached, { source, unsubscribe, dispatching: 0 }];
    this.wake();
  }

  /** Removes `source`; does nothing if it is not attached here. */
  detach(source: Source): void {
    const entry = this.attached.find((a) => a.source === source);
    if (entry === undefined) return;
    entry.unsubscribe?.();
    ownerOf.delete(source);
    this.attached = this.attached.filter((a) => a !== entry);
  }

  /** The attached sources, in attach order. */
  get sources(): readonly Source[] {
    return this.attached.map((a) => a.source);
  }

  /**
   * Calls `listener` when an attached source is notified (or attached); returns the unsubscribe.
   * A throwing listener does not stop the others or the notifier: its error is rethrown from a
   * microtask.
   */
  onNotify(listener: () => void): () => void {
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError(
        `MainContext '${this.name}'.onNotify(listener)`,
        `the listener must be a function, got ${typeOf(listener)}`,
      );
    }
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * One iteration (g_main_context_iteration): prepares every source; if none is ready and
   * `mayBlock`, sleeps until the soonest timeout (throws BlockingPollWouldHangError if there is
   * none); checks the others; dispatches the ready ones in attach order. Returns whether any
   * source was dispatched. A source being dispatched is skipped by nested iterations unless its
   * `canRecurse` is true.
   */
  iteration(mayBlock: boolean): boolean {
    if (typeof mayBlock !== 'boolean') {
      throw new InvalidArgumentError(
        `MainContext '${this.name}'.iteration(mayBlock)`,
        `mayBlock must be a boolean, got ${typeOf(mayBlock)}`,
      );
    }
    this.dropDestroyed();
    const candidates = this.attached.filter(mayDispatch);
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
      entry.dispatching++;
      let keep: boolean;
      try {
        keep = entry.source.dispatch();
      } finally {
        entry.dispatching--;
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
      if (!mayDispatch(entry)) continue;
      const prepared = entry.source.prepare();
      if (prepared.ready) return 0;
      timeout = soonest(timeout, prepared.timeoutNs);
    }
    return timeout;
  }

  private wake(): void {
    callListeners(this.listeners);
  }

  private dropDestroyed(): void {
    for (const entry of this.attached) {
      if (entry.source.destroyed === true) this.detach(entry.source);
    }
  }
}

/** Whether an iteration may prepare and dispatch this source now (see `Source.canRecurse`). */
function mayDispatch(entry: Attached): boolean {
  return entry.dispatching === 0 || entry.source.canRecurse === true;
}
