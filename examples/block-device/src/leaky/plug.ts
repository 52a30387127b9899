/**
 * Hot-plug (realize's role), LEAKY: the notify BH is made before the config is checked, and the
 * error path returns without deleting it — the shape of QEMU's realize error-path leaks. Every
 * failed hot-plug loses one BH; bhsan reports it as a direct leak once it is collected, and
 * `@bhsan/eslint-plugin` flags the early return. The fixed variant is src/fixed/plug.ts.
 */
import type { CompletionContext } from '../context.js';
import {
  BlockDevice,
  DeviceConfigError,
  maxQueues,
  type DeviceConfig,
  type DeviceCounters,
} from '../device.js';

/** Plugs a device; returns a DeviceConfigError on a bad config. */
export function plugDevice(
  context: CompletionContext,
  config: DeviceConfig,
  counters: DeviceCounters,
): BlockDevice | DeviceConfigError {
  const notifyBh = context.bhNew(() => device.notifyGuest(), { name: 'notifyGuest' });
  if (!Number.isInteger(config.queues) || config.queues < 1 || config.queues > maxQueues) {
    return new DeviceConfigError(config.name, config.queues);
  }
  const device = new BlockDevice(config.name, context, config.queues, notifyBh, counters);
  return device;
}
