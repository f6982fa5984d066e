// Public API of the MEP meter simulator (spec §15). Node-only: never bundled into the device firmware.
import { MeterSimulator } from './meter';
import type { MeterSimulatorOptions } from './options';

export { MeterSimulator } from './meter';
export type { AlertPosition, MeterSimulatorOptions, RequestOutcome, RequestRecord } from './options';
export { IDENTITY_CIPHER, type CipherContext, type PayloadCipher } from './cipher-types';
export { createTestOnlyXorCipher, TEST_ONLY_CIPHER_NAME } from './testCipher';
export { DEFAULT_FAULTS, normalizeFaults, type FaultOptions, type OneShotFault } from './faults';
export { FAULT_NAMES, parseFaultSpec } from './fault-spec';
export { DEFAULT_COMMAND_OPTIONS, type CommandOptions } from './commands';
export { DEFAULT_PROCEDURE_OPTIONS, type ProcedureOptions, type ProcedureRecord } from './procedures';
export { PROFILES, profileByName, type Bt21Variant, type MeterProfile, type ProfileName } from './profiles';
export { DEFAULT_PHYSICS, LoadModel, MeterPhysics, type LoadSample, type PhaseSample, type PhysicsParams } from './physics';
export { REPLY_DIGEST_MODES, type ReplyDigestMode } from './reply';
export type { SeqMode } from './sequence';
export type { ValuesMode } from './table-store';
export { REAL_TIMERS, type Pacing, type SimTimers } from './transmitter';
export { serveTcp, type TcpHandle } from './transport-tcp';
export { attachStdio, type StdioHandle, type StdioStreams } from './transport-stdio';
export { attachSerial, type SerialHandle, type SerialOptions } from './transport-serial';
export { Rng } from './prng';

/** Convenience factory; equivalent to `new MeterSimulator(options)`. */
export function createSimulator(options: MeterSimulatorOptions): MeterSimulator {
  return new MeterSimulator(options);
}
