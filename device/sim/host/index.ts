// Public API of the Node host that runs the production firmware bundle (see host.ts).
export { startHost } from './host';
export type { HostBoard, HostHandle, HostOptions, HostState } from './types';
export { HostStorage, STORAGE_BYTES, NAME_LENGTH, StorageError } from './storage';
export type { MeterOption, SimulatedMeter } from './meter-link';
export type { WifiOutcome, WifiScript, WifiState } from './wifi';
