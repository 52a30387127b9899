/**
 * Calling notify listeners (drivers, main contexts) safely: used by AioContext and MainContext.
 */

/**
 * Calls every listener of a snapshot; a listener that throws does not stop the others or the
 * caller: its error is rethrown from a microtask (Node's uncaught-exception path, the browser's
 * error event).
 */
export function callListeners(listeners: ReadonlyArray<() => void>): void {
  for (let i = 0; i < listeners.length; i++) {
    try {
      (listeners[i] as () => void)();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
