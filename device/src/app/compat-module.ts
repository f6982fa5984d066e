// The reference firmware's compatibility topics (spec §11, discovery/compat.ts) as a lazy module
// (device/src/lazy/modules.ts): its key tables cost ~270 JsVars, and the mode is off unless the user turns it on
// (mqtt.compatibility). The app loads it for the first poll with the mode on and keeps it while the mode stays on.
import { buildCompatMessages, CompatMessage, CompatValues } from '../../../discovery/compat';
import { Bt23 } from '../meter/tables/bt23-current-register-data';
import { Bt28, Phases } from '../meter/tables/bt28-present-values';

/** Reference key → BT28 field; per-phase keys get L1_/L2_/L3_ in front (spec §11). */
const COMPAT_SINGLE: [string, keyof Bt28][] = [
  ['ImportReactive_VAr', 'importReactiveVar'],
  ['ExportReactive_VAr', 'exportReactiveVar'],
  ['Fwd_W', 'fwdActiveW'],
  ['Rev_W', 'revActiveW'],
  ['Fwd_Avg_W', 'fwdAvgActiveW'],
  ['Rev_Avg_W', 'revAvgActiveW'],
  ['Freq_mHz', 'frequencyMilliHz'],
];
const COMPAT_PHASED: [string, keyof Bt28][] = [
  ['_RMS_A', 'currentMa'],
  ['_RMS_V', 'voltageMv'],
  ['_PF_Fac', 'powerFactorMilli'],
  ['_Fwd_W', 'fwdActivePhaseW'],
  ['_Rev_W', 'revActivePhaseW'],
  ['_Fwd_Avg_W', 'fwdAvgActivePhaseW'],
  ['_Rev_Avg_W', 'revAvgActivePhaseW'],
];

/** The reference's keys carry raw meter integers (mA, mV, 1/1000); compat.ts formats them. */
export function compatValues(bt23: Bt23 | null, bt28: Bt28 | null): CompatValues {
  const out: { [key: string]: number | null | undefined } = {};
  if (bt23) {
    out.Fwd_Act_Wh = bt23.total.summations[0];
    out.Rev_Act_Wh = bt23.total.summations[1];
  }
  if (!bt28) return out as CompatValues;
  for (let i = 0; i < COMPAT_SINGLE.length; i++) {
    const row = COMPAT_SINGLE[i] as [string, keyof Bt28];
    out[row[0]] = bt28[row[1]] as number | null;
  }
  for (let i = 0; i < COMPAT_PHASED.length; i++) {
    const row = COMPAT_PHASED[i] as [string, keyof Bt28];
    const phases = bt28[row[1]] as Phases | null;
    for (let p = 0; p < 3; p++) out['L' + (p + 1) + row[0]] = phases ? (phases[p] as number) : null;
  }
  return out as CompatValues;
}

/** The messages to publish below `topic` for one poll. */
export function compatMessages(topic: string, bt23: Bt23 | null, bt28: Bt28 | null): CompatMessage[] {
  return buildCompatMessages(topic, compatValues(bt23, bt28));
}

export type CompatModule = { compatMessages: typeof compatMessages };
