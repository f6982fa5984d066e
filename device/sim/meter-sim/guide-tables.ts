// The tables the official guide adds to a simulated meter (issue 10 items 5, 8): BT20, ET51, ET54, ET55, ET58, ET59,
// ET70, ET85 and ET14, built from a profile's GuideTraits (profiles-guide.ts). Little-endian like every table field
// (guide p. 40). Registered by table-store.ts next to the classic images (ET11/ET13 are replaced on a 2-port meter).
import { ByteWriter } from '../../src/meter/bytes';
import { BT20, ET11, ET13, ET14, ET51, ET54, ET55, ET58, ET59, ET70, ET85 } from '../../src/meter/table-ids';
import { DEFAULT_GUIDE_TRAITS, type GuideTraits } from './profiles-guide';
import type { MeterProfile } from './profiles';
import { syntheticImage } from './table-images';

/** ET14: a 6-byte header, then entries of ET11 byte 2 = 36 bytes (guide pp. 83–89). */
export const ET14_ENTRY = 36;

export function traitsOf(profile: MeterProfile): GuideTraits {
  return profile.guide ?? DEFAULT_GUIDE_TRAITS;
}

/** Firmware 4.0+ (Gen 4): ET70 exists and ET55's fields sit one byte later (guide pp. 155, 173). */
export function isGen4(profile: MeterProfile): boolean {
  return profile.fwVersion[0] >= 4;
}

/** Offset of ET55's "Energy Register Unit": A + 39, A = 146 (Gen 3) or 147 (Gen 4) + 4·(BT20.7 − 1). */
export function energyUnitOffset(profile: MeterProfile, tiers: number): number {
  return (isGen4(profile) ? 147 : 146) + 4 * (tiers - 1) + 39;
}

/** ET14 with the client's entry (MEP1: entry 4, MEP2: entry 5): handle, Device Status, MEP Alarms (LE16 at +20). */
export function et14Image(port: number, entries: number, status: number, alarms: number): Uint8Array {
  const img = new Uint8Array(6 + ET14_ENTRY * entries);
  const k = port === 2 ? 5 : 4;
  img[5] = 1 << k; // Device Occupancy
  const at = 6 + ET14_ENTRY * k;
  img[at] = (port === 2 ? 2000 : 1000) & 0xff;
  img[at + 1] = (port === 2 ? 2000 : 1000) >> 8;
  img[at + 2] = status;
  img[at + 20] = alarms & 0xff;
  img[at + 21] = alarms >> 8;
  return img;
}

/** The guide's tables for this profile; `bt21` is the classic BT21 image (BT20 repeats it: maxima = actual). */
export function guideTables(profile: MeterProfile, bt21: Uint8Array): Map<number, Uint8Array> {
  const t = traitsOf(profile);
  const out = new Map<number, Uint8Array>();
  const twoPorts = t.port === 2;
  const entries = twoPorts ? 6 : 5;
  out.set(BT20, bt21.slice());
  const unitAt = energyUnitOffset(profile, bt21[7] as number);
  const et55 = new Uint8Array(unitAt + 41);
  et55[unitAt] = t.energyUnitWh;
  out.set(ET55, et55);
  // ET54 offset 0 (UINT16 LE bit field): b6 "Energy Unit Change" supported, b8 "Multiple MEP Clients".
  out.set(ET54, new ByteWriter(100).u16le((t.energyUnitWh !== 1 ? 0x40 : 0) | (twoPorts ? 0x100 : 0)).bytes(new Uint8Array(98)).toBytes());
  // ET51, one 10-byte element per MEP port: b0 optical D.O.S. timer (default on), b1 Monitor MEP Health; the timeout.
  const et51 = new ByteWriter(20);
  for (let p = 1; p <= (twoPorts ? 2 : 1); p++) {
    const watch = p === t.port && t.healthTimeoutS !== null;
    et51.u8(watch ? 0x03 : 0x01).u16le(watch ? (t.healthTimeoutS as number) : 60).u8(30).bytes(new Uint8Array(6));
  }
  out.set(ET51, et51.toBytes());
  out.set(ET58, new Uint8Array(20 * entries)); // status extension: valve status 0
  out.set(ET59, new Uint8Array(4));
  out.set(ET14, et14Image(t.port, entries, 3, 0));
  if (isGen4(profile)) {
    const et70 = new Uint8Array(150);
    et70[142] = t.port;
    out.set(ET70, et70);
  }
  if (twoPorts) {
    out.set(ET85, new Uint8Array(4));
    const et11 = new Uint8Array(35);
    et11.set(syntheticImage('ET11'));
    et11[0] = 6; // ET13/ET14 entries: 4 M-Bus + 2 MEP
    et11[34] = 2; // MEP channel count
    out.set(ET11, et11);
    const et13 = syntheticImage('ET13');
    const six = new Uint8Array((et13.length / 5) * 6);
    six.set(et13);
    six.set(et13.subarray((et13.length / 5) * 4), (et13.length / 5) * 5); // entry 5 = a copy of MEP1's
    out.set(ET13, six);
  }
  return out;
}
