// The meter's energy unit for the backfill (issue 13): on CT meters (firmware ≥ 3.70) the energy registers count in
// 1, 10 or 100 Wh/varh, ET55's "Energy Register Unit" (guide pp. 155, 158), and so do the load profile's channels,
// which snapshot those registers (BT23 shows the same counts) [INFERRED: the addendum gives the unit for BT23 and
// says the profile stores register totals; it does not name BT64's unit in words]. The module learns the unit at
// start-up but does not publish it, so the add-on reads it raw, the way the firmware does
// (device/src/meter/session-tables.ts meterByte):
//   ET70 offset 142 (answers on Gen 4 only: ET55's fields then sit one byte later), BT20 byte 7 (tiers), then
//   ET55 at A + 39, A = 146 (Gen 3) or 147 (Gen 4) + 4·(BT20.7 − 1).
// A read the METER refuses (ET70 before firmware 4.0, ET55's byte before 3.70, an absent BT20) means the classic
// answer: Gen 3 / unit 1 Wh. Any other failure (no result, module busy, link down) is an error: guessing 1 Wh on a
// CT meter would import a tenth or a hundredth of the energy.
import { BT20, ET55, ET70 } from '../../../device/src/meter/table-ids';
import { Pacer, RawReadError, RawReadOptions, ReadSender, rawRead } from '../meters/raw-read';

/** Response codes by which a meter says a table or range is not there (C12.18: unrecognized, service not
 *  supported, operation not possible, inappropriate action requested). */
const ABSENT = [0x01, 0x02, 0x04, 0x05];

/** One byte, or null when the meter refuses the read as absent. */
async function byteOrAbsent(sender: ReadSender, deviceId: string, table: number, offset: number, pacer: Pacer, options: RawReadOptions): Promise<number | null> {
  try {
    return (await pacer.run(() => rawRead(sender, deviceId, table, offset, 1, options)))[0]!;
  } catch (err) {
    if (err instanceof RawReadError && err.meterCode !== null && ABSENT.includes(err.meterCode)) return null;
    throw err;
  }
}

/** Wh per register unit of module `deviceId`'s meter: 1, 10 or 100 (other values are not supported, p. 158: 1). */
export async function readEnergyUnit(sender: ReadSender, deviceId: string, pacer: Pacer, options: RawReadOptions = {}): Promise<number> {
  const gen4 = (await byteOrAbsent(sender, deviceId, ET70, 142, pacer, options)) !== null;
  const tiers = await byteOrAbsent(sender, deviceId, BT20, 7, pacer, options);
  if (tiers === null || tiers < 1) return 1;
  const unit = await byteOrAbsent(sender, deviceId, ET55, (gen4 ? 147 : 146) + 4 * (tiers - 1) + 39, pacer, options);
  return unit === 10 || unit === 100 ? unit : 1;
}
