// Meter profiles for what the official guide adds (issue 10 item 8), derived from the 3-phase profile:
//   ct-10wh    a CT meter (firmware 3.80, Gen 3) whose BT23 energy counts in units of 10 Wh/varh (ET55 "Energy
//              Register Unit", guide pp. 155, 158, 208): a client that ignores the unit reports a tenth of the energy
//   gen4-mep2  a Gen 4 meter (firmware 4.20) with two MEP ports, our client on MEP2: ET70 offset 142 = 2, ET11 byte 0 =
//              6 entries and byte 34 = 2 channels, ET13/ET14 entry 5, the second ET51 element, results in ET85 (pp. 21–24)
//   watchdog   the 3-phase meter with ET51 "Monitor MEP Health" on: 60 s without a successful request marks the client
//              down in ET14 and latches its "failed comms" alarm (pp. 20, 84–85, 128; health.ts)
import type { MeterProfile } from './profiles';

export type GuideProfileName = 'ct-10wh' | 'gen4-mep2' | 'watchdog';
export const GUIDE_PROFILE_NAMES: GuideProfileName[] = ['ct-10wh', 'gen4-mep2', 'watchdog'];

/** What the guide's tables say about a meter (guide-tables.ts); a profile without them is a meter on MEP1 with 1-Wh
 *  registers and the health watchdog off. */
export interface GuideTraits {
  /** ET55 "Energy Register Unit": BT23 energy in units of 1, 10 or 100 Wh/varh. */
  energyUnitWh: 1 | 10 | 100;
  /** The MEP port the client is on (ET70 offset 142; firmware 4.0+). */
  port: 1 | 2;
  /** ET51 "Monitor MEP Health" timeout in seconds (default 60), or null when off. */
  healthTimeoutS: number | null;
}

export const DEFAULT_GUIDE_TRAITS: GuideTraits = { energyUnitWh: 1, port: 1, healthTimeoutS: null };

export function guideProfile(name: string, three: MeterProfile): MeterProfile | undefined {
  if (name === 'ct-10wh') {
    return {
      ...three, name, model: '83332-3C', serial: '0000000055501010', fwVersion: [3, 80],
      guide: { energyUnitWh: 10, port: 1, healthTimeoutS: null },
    };
  }
  if (name === 'gen4-mep2') {
    return { ...three, name, serial: '0000000044402020', guide: { energyUnitWh: 1, port: 2, healthTimeoutS: null } };
  }
  if (name === 'watchdog') {
    return { ...three, name, serial: '0000000033306060', guide: { energyUnitWh: 1, port: 1, healthTimeoutS: 60 } };
  }
  return undefined;
}
