// The reference firmware's MQTT topics and JSON keys (spec §11), for users whose YAML sensors read them. Checked
// against DabblerDK/MEP-SW-ESP32 @ 6681de7 NES-MEP-UI/NES-MEP-UI.ino (MqttReadSendSensorData, MqttConnect): five
// compact JSON messages below the user's topic, not retained, plus the LWT <topic>/lwt = Online/Offline (retained,
// QoS 0). Key names and units are kept as the reference had them, including the misleading ones (L1_RMS_A is mA,
// L1_RMS_V is mV, spec §11). Differences on purpose: values are printed signed (the reference printed them with
// %lu, spec §17 #12), a key without a valid value is left out instead of printed as 0, and the energy totals are
// left out unless > 0 (home-assistant.md §0 #13).
// MQTT allows one Last Will per connection and ours is <base>/availability: the device publishes <topic>/lwt
// Online after connecting and Offline before a clean disconnect; a crash leaves "Online" (INFERRED acceptable).
import { jsonFixed, prop } from './json';

export const COMPAT_LWT_ONLINE = 'Online';
export const COMPAT_LWT_OFFLINE = 'Offline';

/** Raw meter integers in the reference's units (see COMPAT_UNITS); BT28 k index / BT23 summation in comments. */
export interface CompatValues {
  L1_RMS_A?: number | null; // k4, mA
  L2_RMS_A?: number | null; // k5, mA
  L3_RMS_A?: number | null; // k6, mA
  L1_RMS_V?: number | null; // k7, mV
  L2_RMS_V?: number | null; // k8, mV
  L3_RMS_V?: number | null; // k9, mV
  L1_PF_Fac?: number | null; // k10, 1/1000
  L2_PF_Fac?: number | null; // k13, 1/1000
  L3_PF_Fac?: number | null; // k14, 1/1000
  ExportReactive_VAr?: number | null; // k3
  ImportReactive_VAr?: number | null; // k2
  Fwd_Act_Wh?: number | null; // BT23 summation 0
  Rev_Act_Wh?: number | null; // BT23 summation 1
  Fwd_W?: number | null; // k0
  Fwd_Avg_W?: number | null; // k47
  L1_Fwd_W?: number | null; // k26
  L2_Fwd_W?: number | null; // k27
  L3_Fwd_W?: number | null; // k28
  L1_Fwd_Avg_W?: number | null; // k49
  L2_Fwd_Avg_W?: number | null; // k50
  L3_Fwd_Avg_W?: number | null; // k51
  Rev_W?: number | null; // k1
  Rev_Avg_W?: number | null; // k48
  L1_Rev_W?: number | null; // k29
  L2_Rev_W?: number | null; // k30
  L3_Rev_W?: number | null; // k31
  L1_Rev_Avg_W?: number | null; // k52
  L2_Rev_Avg_W?: number | null; // k53
  L3_Rev_Avg_W?: number | null; // k54
  Freq_mHz?: number | null; // k11
}

export interface CompatMessageSpec {
  /** Below the user's topic. */
  suffix: string;
  /** JSON keys in the reference's order. */
  keys: readonly string[];
}

/** The five messages of MqttReadSendSensorData, in its order. */
export const COMPAT_MESSAGES: readonly CompatMessageSpec[] = [
  {
    suffix: 'sensors/mydatajson',
    keys: [
      'L1_RMS_A', 'L2_RMS_A', 'L3_RMS_A', 'L1_RMS_V', 'L2_RMS_V', 'L3_RMS_V', 'L1_PF_Fac', 'L2_PF_Fac', 'L3_PF_Fac',
      'ExportReactive_VAr', 'ImportReactive_VAr',
    ],
  },
  { suffix: 'meterConsumptionTotal/mydatajson', keys: ['Fwd_Act_Wh', 'Rev_Act_Wh'] },
  {
    suffix: 'meterConsumptionFwd/mydatajson',
    keys: ['Fwd_W', 'Fwd_Avg_W', 'L1_Fwd_W', 'L2_Fwd_W', 'L3_Fwd_W', 'L1_Fwd_Avg_W', 'L2_Fwd_Avg_W', 'L3_Fwd_Avg_W'],
  },
  {
    suffix: 'meterConsumptionRev/mydatajson',
    keys: ['Rev_W', 'Rev_Avg_W', 'L1_Rev_W', 'L2_Rev_W', 'L3_Rev_W', 'L1_Rev_Avg_W', 'L2_Rev_Avg_W', 'L3_Rev_Avg_W'],
  },
  { suffix: 'frequency/mydatajson', keys: ['Freq_mHz'] },
];

/** Energy registers: left out unless > 0. */
export const COMPAT_REGISTERS: readonly string[] = ['Fwd_Act_Wh', 'Rev_Act_Wh'];

/** The unit each key really carries (the names lie for _A and _V). */
export function compatUnit(key: string): string {
  if (key.indexOf('_RMS_A') > 0) return 'mA';
  if (key.indexOf('_RMS_V') > 0) return 'mV';
  if (key.indexOf('_PF_Fac') > 0) return '1/1000';
  if (key.indexOf('_VAr') > 0) return 'var';
  if (key.indexOf('_Wh') > 0) return 'Wh';
  if (key === 'Freq_mHz') return 'mHz';
  return 'W';
}

/** <topic>/lwt. */
export function compatLwtTopic(topic: string): string {
  return topic + '/lwt';
}

export interface CompatMessage {
  topic: string;
  payload: string;
}

/** The reference's JSON for one message, or null when none of its keys has a valid value. */
export function buildCompatPayload(spec: CompatMessageSpec, values: CompatValues): string | null {
  const all = values as { [key: string]: number | null | undefined };
  const parts: string[] = [];
  for (let i = 0; i < spec.keys.length; i++) {
    const key = spec.keys[i] as string;
    const v = all[key];
    if (typeof v !== 'number' || !isFinite(v)) continue;
    const n = Math.round(v);
    if (COMPAT_REGISTERS.indexOf(key) >= 0 && !(n > 0)) continue;
    parts.push(prop(key, jsonFixed(n, 0)));
  }
  return parts.length === 0 ? null : '{' + parts.join(',') + '}';
}

/** The messages to publish (not retained) below `topic` for one poll. */
export function buildCompatMessages(topic: string, values: CompatValues): CompatMessage[] {
  const out: CompatMessage[] = [];
  for (let i = 0; i < COMPAT_MESSAGES.length; i++) {
    const spec = COMPAT_MESSAGES[i] as CompatMessageSpec;
    const payload = buildCompatPayload(spec, values);
    if (payload !== null) out.push({ topic: topic + '/' + spec.suffix, payload });
  }
  return out;
}
