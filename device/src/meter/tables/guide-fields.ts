// What every BT28 present value (k 0–83) and BT23 summation (k 0–18) is, as the guide lists them (pp. 207–211,
// 215–220; addendum §10), for the `mep` tool's output (`mep decode` names them). Not used by the firmware, whose
// decoders name only what it publishes. BT28 values do not include the CT/VT ratios unless the name says "post CT/VT";
// BT23 values do (and are in units of the ET55 energy unit on CT meters).

/** [name, unit] of BT28 present value k (index = k). */
export const BT28_FIELDS: [string, string][] = [
  ['forward active power', 'W'], ['reverse active power', 'W'], ['import reactive power', 'var'], ['export reactive power', 'var'],
  ['RMS current L1', 'mA'], ['RMS current L2', 'mA'], ['RMS current L3', 'mA'],
  ['RMS voltage L1', 'mV'], ['RMS voltage L2', 'mV'], ['RMS voltage L3', 'mV'],
  ['power factor L1', '1/1000'], ['frequency', 'mHz'], ['apparent power', 'VA'], ['power factor L2', '1/1000'], ['power factor L3', '1/1000'],
  ['sin(phase angle) L1', '1/1000'], ['sin(phase angle) L2', '1/1000'], ['sin(phase angle) L3', '1/1000'],
  ['forward active power post CT/VT', 'W'], ['reverse active power post CT/VT', 'W'],
  ['import reactive power post CT/VT', 'var'], ['export reactive power post CT/VT', 'var'],
  ['reactive power Q1', 'var'], ['reactive power Q2', 'var'], ['reactive power Q3', 'var'], ['reactive power Q4', 'var'],
  ['forward active power L1', 'W'], ['forward active power L2', 'W'], ['forward active power L3', 'W'],
  ['reverse active power L1', 'W'], ['reverse active power L2', 'W'], ['reverse active power L3', 'W'],
  ['forward active power L1 post CT/VT', 'W'], ['forward active power L2 post CT/VT', 'W'], ['forward active power L3 post CT/VT', 'W'],
  ['reverse active power L1 post CT/VT', 'W'], ['reverse active power L2 post CT/VT', 'W'], ['reverse active power L3 post CT/VT', 'W'],
  ['RMS current L1 post CT', 'mA'], ['RMS current L2 post CT', 'mA'], ['RMS current L3 post CT', 'mA'],
  ['RMS voltage L1 continuous', 'mV'], ['RMS voltage L2 continuous', 'mV'], ['RMS voltage L3 continuous', 'mV'],
  ['RMS voltage L1 average', 'mV'], ['RMS voltage L2 average', 'mV'], ['RMS voltage L3 average', 'mV'],
  ['average forward active power', 'W'], ['average reverse active power', 'W'],
  ['average forward active power L1', 'W'], ['average forward active power L2', 'W'], ['average forward active power L3', 'W'],
  ['average reverse active power L1', 'W'], ['average reverse active power L2', 'W'], ['average reverse active power L3', 'W'],
  ['apparent power Q1', 'VA'], ['apparent power Q2', 'VA'], ['apparent power Q3', 'VA'], ['apparent power Q4', 'VA'],
  ['apparent power Q1 L1', 'VA'], ['apparent power Q2 L1', 'VA'], ['apparent power Q3 L1', 'VA'], ['apparent power Q4 L1', 'VA'],
  ['apparent power Q1 L2', 'VA'], ['apparent power Q2 L2', 'VA'], ['apparent power Q3 L2', 'VA'], ['apparent power Q4 L2', 'VA'],
  ['apparent power Q1 L3', 'VA'], ['apparent power Q2 L3', 'VA'], ['apparent power Q3 L3', 'VA'], ['apparent power Q4 L3', 'VA'],
  ['neutral current', 'mA'], ['average RMS current L1', 'mA'], ['average RMS current L2', 'mA'], ['average RMS current L3', 'mA'],
  ['voltage angle L1-L2', '1/100 deg'], ['voltage angle L2-L3', '1/100 deg'], ['voltage angle L3-L1', '1/100 deg'],
  ['import reactive power L1', 'var'], ['import reactive power L2', 'var'], ['import reactive power L3', 'var'],
  ['export reactive power L1', 'var'], ['export reactive power L2', 'var'], ['export reactive power L3', 'var'],
];

/** [name, unit] of BT23 summation k (index = k). */
export const BT23_FIELDS: [string, string][] = [
  ['forward active energy', 'Wh'], ['reverse active energy', 'Wh'], ['import reactive energy', 'varh'], ['export reactive energy', 'varh'],
  ['power outage duration', 's'], ['power outage count', ''], ['forward + reverse active energy', 'Wh'],
  ['forward - reverse active energy (>= 0)', 'Wh'], ['pulse input 1', ''], ['pulse input 2', ''], ['error counter', ''],
  ['reactive energy Q1', 'varh'], ['reactive energy Q2', 'varh'], ['reactive energy Q3', 'varh'], ['reactive energy Q4', 'varh'],
  ['apparent energy Q1', 'VAh'], ['apparent energy Q2', 'VAh'], ['apparent energy Q3', 'VAh'], ['apparent energy Q4', 'VAh'],
];

/** { "k name (unit)": value } for the values the table has; unknown indexes (a newer meter) keep their number. */
export function namedValues(values: number[], fields: [string, string][]): Record<string, number> {
  const out: Record<string, number> = {};
  for (let k = 0; k < values.length; k++) {
    const f = fields[k];
    out[f ? `${k} ${f[0]}${f[1] ? ` (${f[1]})` : ''}` : String(k)] = values[k] as number;
  }
  return out;
}
