// GET /getDashDataWS (issue 12): the JSON the reference firmware served (mep-protocol.md §11), for the community Home
// Assistant integration (jnxxx/homeassistant-dabblerdk_powermeterreader) that polls it. Key names and units are the
// reference's: energy in Wh, power in W, frequency in mHz, *_RMS_A in mA and *_RMS_V in mV (the names lie), values
// signed (the reference printed them unsigned: a bug). Differences (DOCS.md): a value not read yet is null, the
// average powers (BT28 k47–54) are null (not kept by this firmware), Utility_SN is the meter's serial from BT01.
// Built from the web context's readings (entity keys in kWh, W, Hz, V, A): no resident code, one function.
type Obj = { [key: string]: unknown };

export function dashData(version: string, readings: Obj): Obj {
  const values = (readings.values || {}) as Obj;
  const meter = (readings.meter || {}) as Obj;
  const clock = typeof values.meter_clock === 'string' ? values.meter_clock : '';
  const out: Obj = {
    ESP_SW: 'MEP Bridge',
    ESP_SW_By: 'MEP Bridge',
    ESP_SW_Version: version,
    Meter_Manufacturer: meter.manufacturer || '',
    Meter_Model: meter.model || '',
    Meter_SW_Version: meter.firmware || '',
    Utility_SN: meter.serial || '',
    CurrentDateTimeString: clock.substring(0, 19).replace('T', ' '),
    CurrentDateTime: clock,
  };
  // `reference key:entity key:decimal scale`, '#' = phase 1..3; no entity key: not kept (null). In the function
  // body, so the table costs RAM only while a request is answered (espruino.md §3).
  const rows = ('Fwd_Act_Wh:energy_import:3;Rev_Act_Wh:energy_export:3;Fwd_W:power_import:0;Rev_W:power_export:0;' +
    'Freq_mHz:frequency:3;L#_RMS_A:current_l#:3;L#_RMS_V:voltage_l#:3;L#_Fwd_W:power_import_l#:0;' +
    'L#_Rev_W:power_export_l#:0;Fwd_Avg_W;Rev_Avg_W;L#_Fwd_Avg_W;L#_Rev_Avg_W').split(';');
  for (let i = 0; i < rows.length; i++) {
    const c = (rows[i] as string).split(':');
    const key = c[0] as string;
    const source = c[1] || '';
    const phased = key.indexOf('#') >= 0;
    for (let p = 1; p <= (phased ? 3 : 1); p++) {
      const v = source ? values[source.replace('#', String(p))] : null;
      // A 1-phase meter has no L2/L3 values: 0 there, as the reference read them from the meter.
      const absentPhase = phased && p > 1 && source !== '' && typeof values[source.replace('#', '1')] === 'number';
      out[key.replace('#', String(p))] = typeof v === 'number' ? Math.round(v * Math.pow(10, Number(c[2]))) : absentPhase ? 0 : null;
    }
  }
  return out;
}
