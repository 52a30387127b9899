/**
 * The leaky hot-plug as a program: `pnpm exec bhsan run src/leaky/main.ts` plugs a device with a
 * bad config once; the error path loses its notify BH, and bhsan reports it (exit code 23).
 */
import { AioContext } from '@bhsan/runtime';

import { DeviceConfigError, type DeviceCounters } from '../device.js';
import { plugDevice } from './plug.js';

const context = new AioContext({ name: 'block-device' });
const counters: DeviceCounters = { requestsCompleted: 0, callbacksRun: 0, notifies: 0 };

const good = plugDevice(context, { name: 'disk0', queues: 4 }, counters);
const bad = plugDevice(context, { name: 'disk1', queues: 0 }, counters);
console.log(`hot-plug disk1 failed: ${bad instanceof DeviceConfigError ? bad.message : 'no'}`);

if (!(good instanceof DeviceConfigError)) good.unplug();
context.bhPoll();
// The context lives until the process ends, as a machine's would: the exit-time check finds the
// notify BH that the failed plug dropped, collected without a delete.
