/**
 * The fixed hot-plug as a program: `pnpm exec bhsan run src/fixed/main.ts` fails the same plug
 * without allocating anything, so there is no report (exit code 0).
 */
import { AioContext } from '@bhsan/runtime';

import { DeviceConfigError, type DeviceCounters } from '../device.js';
import { plugDevice } from './plug.js';

const context = new AioContext({ name: 'block-device' });
const counters: DeviceCounters = { requestsCompleted: 0, callbacksRun: 0, notifies: 0 };

const good = plugDevice(context, { name: 'disk0', queues: 4 }, counters);
try {
  plugDevice(context, { name: 'disk1', queues: 0 }, counters);
} catch (error) {
  if (!(error instanceof DeviceConfigError)) throw error;
  console.log(`hot-plug disk1 failed: ${error.message}`);
}

good.unplug();
context.bhPoll();
context.finalize();
