/**
 * Hot-plug (realize's role), FIXED: the config is checked before anything is allocated, so the
 * error path has nothing to release. The leaky variant is src/leaky/plug.ts.
 */
import type { CompletionContext } from '../context.js';
import { BlockDevice, checkConfig, type DeviceConfig, type DeviceCounters } from '../device.js';

/** Plugs a device; throws DeviceConfigError (having allocated nothing) on a bad config. */
export function plugDevice(
  context: CompletionContext,
  config: DeviceConfig,
  counters: DeviceCounters,
): BlockDevice {
  checkConfig(config);
  const notifyBh = context.bhNew(() => device.notifyGuest(), { name: 'notifyGuest' });
  const device = new BlockDevice(config.name, context, config.queues, notifyBh, counters);
  return device;
}
