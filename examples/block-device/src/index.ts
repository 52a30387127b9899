/** The block-device example's API, for its programs, its tests and the benchmarks. */
export type { CompletionBh, CompletionContext } from './context.js';
export {
  BlockDevice,
  DeviceConfigError,
  Queue,
  checkConfig,
  maxQueues,
  type DeviceConfig,
  type DeviceCounters,
} from './device.js';
export { plugDevice } from './fixed/plug.js';
export {
  qemuMeasurementShape,
  runWorkload,
  spreadOver,
  type DeviceGroup,
  type WorkloadOptions,
  type WorkloadStats,
} from './workload.js';
