// The reference firmware's topics and keys (spec §11; DabblerDK/MEP-SW-ESP32 @ 6681de7 MqttReadSendSensorData).
import {
  buildCompatMessages,
  COMPAT_LWT_OFFLINE,
  COMPAT_LWT_ONLINE,
  COMPAT_MESSAGES,
  compatLwtTopic,
  compatUnit,
  CompatValues,
} from '../../discovery';

/** BT28 capture C07 (spec §10.4) with BT23 totals, in the reference's raw units. */
const C07: CompatValues = {
  L1_RMS_A: 1027, L2_RMS_A: 1101, L3_RMS_A: 779, L1_RMS_V: 232113, L2_RMS_V: 231948, L3_RMS_V: 231596,
  L1_PF_Fac: 837, L2_PF_Fac: 546, L3_PF_Fac: 826, ExportReactive_VAr: 366, ImportReactive_VAr: 0,
  Fwd_Act_Wh: 12345678, Rev_Act_Wh: 0, Fwd_W: 484, Fwd_Avg_W: 484, L1_Fwd_W: 198, L2_Fwd_W: 139, L3_Fwd_W: 147,
  L1_Fwd_Avg_W: 198, L2_Fwd_Avg_W: 139, L3_Fwd_Avg_W: 147, Rev_W: 0, Rev_Avg_W: 0, L1_Rev_W: 0, L2_Rev_W: 0,
  L3_Rev_W: 0, L1_Rev_Avg_W: 0, L2_Rev_Avg_W: 0, L3_Rev_Avg_W: 0, Freq_mHz: 50000,
};

describe('compatibility topics (spec §11)', () => {
  test('§11: the five messages, topics, key names and order of the reference', () => {
    expect(buildCompatMessages('meter', C07)).toEqual([
      {
        topic: 'meter/sensors/mydatajson',
        payload:
          '{"L1_RMS_A":1027,"L2_RMS_A":1101,"L3_RMS_A":779,"L1_RMS_V":232113,"L2_RMS_V":231948,"L3_RMS_V":231596,' +
          '"L1_PF_Fac":837,"L2_PF_Fac":546,"L3_PF_Fac":826,"ExportReactive_VAr":366,"ImportReactive_VAr":0}',
      },
      { topic: 'meter/meterConsumptionTotal/mydatajson', payload: '{"Fwd_Act_Wh":12345678}' },
      {
        topic: 'meter/meterConsumptionFwd/mydatajson',
        payload:
          '{"Fwd_W":484,"Fwd_Avg_W":484,"L1_Fwd_W":198,"L2_Fwd_W":139,"L3_Fwd_W":147,"L1_Fwd_Avg_W":198,' +
          '"L2_Fwd_Avg_W":139,"L3_Fwd_Avg_W":147}',
      },
      {
        topic: 'meter/meterConsumptionRev/mydatajson',
        payload:
          '{"Rev_W":0,"Rev_Avg_W":0,"L1_Rev_W":0,"L2_Rev_W":0,"L3_Rev_W":0,"L1_Rev_Avg_W":0,"L2_Rev_Avg_W":0,' +
          '"L3_Rev_Avg_W":0}',
      },
      { topic: 'meter/frequency/mydatajson', payload: '{"Freq_mHz":50000}' },
    ]);
  });

  test('§17 #12: signed values are printed signed, not as 4294967xxx', () => {
    const [msg] = buildCompatMessages('m', { ExportReactive_VAr: -448, L1_PF_Fac: -837 });
    expect(msg!.payload).toBe('{"L1_PF_Fac":-837,"ExportReactive_VAr":-448}');
    expect(msg!.payload).not.toContain('4294967');
  });

  test('§0 #13: invalid values are left out; energy totals only when > 0; empty messages are not sent', () => {
    expect(buildCompatMessages('m', { Fwd_Act_Wh: 0, Rev_Act_Wh: -5, Freq_mHz: NaN, Fwd_W: null })).toEqual([]);
    expect(buildCompatMessages('m', { Freq_mHz: 49999.6 })).toEqual([
      { topic: 'm/frequency/mydatajson', payload: '{"Freq_mHz":50000}' },
    ]);
  });

  test('§11: LWT <topic>/lwt = Online/Offline', () => {
    expect(compatLwtTopic('meter')).toBe('meter/lwt');
    expect([COMPAT_LWT_ONLINE, COMPAT_LWT_OFFLINE]).toEqual(['Online', 'Offline']);
  });

  test('§11: the units the reference keys really carry', () => {
    const units: { [k: string]: string } = {};
    for (const m of COMPAT_MESSAGES) for (const k of m.keys) units[k] = compatUnit(k);
    expect(units).toMatchObject({
      L1_RMS_A: 'mA', L3_RMS_V: 'mV', L2_PF_Fac: '1/1000', ImportReactive_VAr: 'var', Fwd_Act_Wh: 'Wh',
      Rev_Avg_W: 'W', L3_Fwd_W: 'W', Freq_mHz: 'mHz',
    });
    expect(Object.keys(units)).toHaveLength(30);
  });
});
