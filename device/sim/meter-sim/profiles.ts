// Meter profiles: the static identity of a 3-phase and a 1-phase meter and the starting point of its registers.
// The 3-phase defaults reproduce the synthetic tables of shared/vectors/frames.json (spec §15.6).
import type { EnergyRegisters, PhysicsParams } from './physics';
import { GUIDE_PROFILE_NAMES, guideProfile, type GuideProfileName, type GuideTraits } from './profiles-guide';

export type ProfileName = 'three-phase' | 'one-phase' | GuideProfileName;
/** BT21 variant A: flags 0, 11 summations, 4 tiers, 55 present values. Variant B adds the demand-reset counter
 *  (BT23) and one present demand with time remaining (BT28) (spec §10.2, frames F036–F043). */
export type Bt21Variant = 'A' | 'B';

export interface MeterProfile {
  name: ProfileName;
  phases: 1 | 3;
  /** BT01 ED_MODEL (8 characters) and MFG_SERIAL_NUMBER (16). */
  model: string;
  serial: string;
  hwVersion: [number, number];
  fwVersion: [number, number];
  /** ET03 utility serial number. */
  utilitySerial: string;
  physics: Partial<PhysicsParams>;
  initial: EnergyRegisters;
  /** BT23 words 4 and 5 (meaning UNKNOWN, held constant) and words 6/7 relative to import+export and import
   *  (capture C02: word 6 ≈ word 0 + word 1; spec §10.3). */
  bt23: { word4: number; word5: number; word6Offset: number; word7Offset: number };
  /** NBR_DEMAND_RESETS shown when BT21 variant B is used. */
  demandResets: number;
  /** Energy unit, MEP port, health watchdog (profiles-guide.ts); absent: 1 Wh, MEP1, no watchdog. */
  guide?: GuideTraits;
}

export const PROFILES: { [name in 'three-phase' | 'one-phase']: MeterProfile } = {
  'three-phase': {
    name: 'three-phase',
    phases: 3,
    model: '83332-3I',
    serial: '0000000012345678',
    hwVersion: [1, 0],
    fwVersion: [4, 20],
    utilitySerial: '571234567890',
    physics: { phases: 3, baseLoadW: [180, 140, 150] },
    initial: { importWh: 65845342, exportWh: 179, importVarh: 4056958, exportVarh: 20491955 },
    bt23: { word4: 23315499, word5: 10, word6Offset: -1, word7Offset: -2534 },
    demandResets: 7,
  },
  'one-phase': {
    name: 'one-phase',
    phases: 1,
    model: '83331-1I',
    serial: '0000000087654321',
    hwVersion: [1, 0],
    fwVersion: [4, 20],
    utilitySerial: '571234567891',
    physics: { phases: 1, baseLoadW: [260, 0, 0], applianceW: 2000 },
    initial: { importWh: 12345678, exportWh: 0, importVarh: 1234567, exportVarh: 2345678 },
    bt23: { word4: 3456789, word5: 2, word6Offset: 0, word7Offset: -1000 },
    demandResets: 3,
  },
};

export function profileByName(name: string): MeterProfile {
  const p = (PROFILES as { [k: string]: MeterProfile | undefined })[name] ?? guideProfile(name, PROFILES['three-phase']);
  if (!p) throw new Error(`unknown meter profile '${name}' (use ${[...Object.keys(PROFILES), ...GUIDE_PROFILE_NAMES].join(', ')})`);
  return p;
}

/** BT23 data blocks from the registers: total block, tier 1 repeating the energy words (as in capture C02),
 *  tiers 2–4 zero. Whole units only; the registers carry the fractions. */
export function bt23Blocks(profile: MeterProfile, e: EnergyRegisters): number[][] {
  const u = profile.guide ? profile.guide.energyUnitWh : 1; // ET55 "Energy Register Unit" (profiles-guide.ts)
  const imp = Math.floor(e.importWh / u);
  const exp = Math.floor(e.exportWh / u);
  const qi = Math.floor(e.importVarh / u);
  const qe = Math.floor(e.exportVarh / u);
  const w6 = imp + exp + profile.bt23.word6Offset;
  const w7 = imp + profile.bt23.word7Offset;
  return [
    [imp, exp, qi, qe, profile.bt23.word4, profile.bt23.word5, w6, w7],
    [imp, exp, qi, qe, 0, 0, w6, w7],
  ];
}
