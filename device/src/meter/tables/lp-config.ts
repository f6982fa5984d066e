// Load profile configuration and status (guide pp. 29–31, 95–97, 231–237): BT61 Actual Load Profile (dimensions per
// data set), BT62 Load Profile Control (channel sources), BT63 Load Profile Status (valid/last block) and ET21 Load
// Profile Internal Configuration (block/interval sizes, last interval; re-read before every load profile read).
// Node-side decoders for the add-on's backfill: the firmware never imports this file (it only relays raw bytes).
// All multi-byte fields are LSB first (guide p. 40).
import { ByteReader } from '../bytes';
import { bit } from './fields';
import { Decoded, decodeError, decodeWith } from './decode';
import { daysFromCivil } from './bt52-clock';

export const BT60 = 0x003c;
export const BT61 = 0x003d;
export const BT62 = 0x003e;
export const BT63 = 0x003f;
/** BT64 + N holds data set N (0–3) (guide p. 237). */
export const BT64 = 0x0040;
export const ET21 = 0x0815;
export const ET81 = 0x0851;

/** One data set of BT61 (offsets 7 + 6N): the shape of its blocks (guide p. 235). */
export interface LpSetDimensions {
  /** BT61.7N: blocks the circular buffer holds. */
  blocks: number;
  /** BT61.9N: intervals per block. */
  intervalsPerBlock: number;
  /** BT61.11N: channels per interval. */
  channels: number;
  /** BT61.12N: minutes between interval starts (1..60); 84 means 24 hours. */
  intervalMinutes: number;
}

export interface Bt61 {
  /** Bytes used by all data sets. */
  memoryLength: number;
  /** BT61.4 bit 4: each block carries end readings (one NI_FMAT1 per channel) after its end time. */
  endReadings: boolean;
  /** BT61.4 bits 6–9: scalars/divisors per data set (BT62 then carries them). */
  scalarDivisor: boolean[];
  /** BT61.4 bits 10/11: extended and simple interval status present (always true on these meters). */
  extendedStatus: boolean;
  simpleStatus: boolean;
  /** BT61.6: interval formats supported (bit 5 = INT32, the only one the guide lists as supported). */
  formats: number;
  sets: LpSetDimensions[];
}

export const BT61_HEADER = 7;
const BT61_SET = 6;
/** BT61.12 value meaning a 24-hour interval (guide p. 235). */
export const INTERVAL_24H = 84;

export function intervalMs(set: LpSetDimensions): number {
  return (set.intervalMinutes === INTERVAL_24H ? 1440 : set.intervalMinutes) * 60000;
}

function readBt61(r: ByteReader): Bt61 {
  const memoryLength = r.u32le();
  const flags = r.u16le();
  const formats = r.u8();
  const sets: LpSetDimensions[] = [];
  while (r.remaining() >= BT61_SET && sets.length < 4) {
    sets.push({ blocks: r.u16le(), intervalsPerBlock: r.u16le(), channels: r.u8(), intervalMinutes: r.u8() });
  }
  return {
    memoryLength,
    endReadings: bit(flags, 4),
    scalarDivisor: [bit(flags, 6), bit(flags, 7), bit(flags, 8), bit(flags, 9)],
    extendedStatus: bit(flags, 10),
    simpleStatus: bit(flags, 11),
    formats,
    sets,
  };
}

/** BT61 with 1–4 data sets (the element count follows from the length). */
export function decodeBt61(data: Uint8Array): Decoded<Bt61> {
  if (data.length < BT61_HEADER + BT61_SET) return decodeError(BT61, 0, `table too short (${data.length} bytes)`);
  return decodeWith(BT61, data, readBt61);
}

/** One data set of BT62: the interval source of each channel (guide pp. 233–234, source IDs p. 203). */
export interface LpSetControl {
  /** Interval source ID per channel: 0 Fwd active Wh, 1 Rev active Wh, 2/3 import/export varh …; 112–163 are keys
   *  into ET66. */
  sources: number[];
  /** BT62 "Format": 32 = INT32 snapshot (the register value itself is logged). */
  format: number;
  scalars: number[] | null;
  divisors: number[] | null;
}

/** BT62 needs the channel counts (and the scalar flags) of BT61. */
export function decodeBt62(data: Uint8Array, bt61: Bt61): Decoded<LpSetControl[]> {
  return decodeWith(BT62, data, (r) => {
    const out: LpSetControl[] = [];
    for (let n = 0; n < bt61.sets.length; n++) {
      const channels = (bt61.sets[n] as LpSetDimensions).channels;
      const sources: number[] = [];
      for (let c = 0; c < channels; c++) {
        r.u8(); // end-reading flag (not supported)
        sources.push(r.u8());
        r.u8(); // end-reading source
      }
      const format = r.u8();
      let scalars: number[] | null = null;
      let divisors: number[] | null = null;
      if (bt61.scalarDivisor[n]) {
        scalars = [];
        divisors = [];
        for (let c = 0; c < channels; c++) scalars.push(r.u16le());
        for (let c = 0; c < channels; c++) divisors.push(r.u16le());
      }
      out.push({ sources, format, scalars, divisors });
    }
    return out;
  });
}

/** One data set of BT63 (13 bytes per set, guide pp. 236–237). */
export interface LpSetStatus {
  /** Bit 1: more unread blocks than the buffer holds (cleared only by the head end). */
  overflow: boolean;
  /** Bit 5: the set is collecting data. */
  active: boolean;
  /** Blocks with at least one interval recorded, 0..BT61.7. */
  validBlocks: number;
  /** Array index of the most recent valid block, 0..BT61.7 − 1. */
  lastBlock: number;
  /** Sequence number of that block (+1 per new block). */
  lastBlockSeq: number;
  unreadBlocks: number;
  /** Valid intervals in the most recent block. */
  validIntervals: number;
}

export const BT63_SET = 13;

export function decodeBt63(data: Uint8Array): Decoded<LpSetStatus[]> {
  if (data.length < BT63_SET) return decodeError(BT63, 0, `table too short (${data.length} bytes)`);
  return decodeWith(BT63, data, (r) => {
    const out: LpSetStatus[] = [];
    while (r.remaining() >= BT63_SET && out.length < 4) {
      const flags = r.u8();
      out.push({
        overflow: bit(flags, 1),
        active: bit(flags, 5),
        validBlocks: r.u16le(),
        lastBlock: r.u16le(),
        lastBlockSeq: r.u32le(),
        unreadBlocks: r.u16le(),
        validIntervals: r.u16le(),
      });
    }
    return out;
  });
}

/** YY MM DD hh mm at `at` as UTC ms (no Date.UTC on Espruino: the same arithmetic as BT52). */
function utcMs(b: Uint8Array, at: number): number {
  const days = daysFromCivil(2000 + (b[at] as number), b[at + 1] as number, b[at + 2] as number);
  return ((days * 24 + (b[at + 3] as number)) * 60 + (b[at + 4] as number)) * 60000;
}

/** LTIME_DATE (6 × UINT8: YY MM DD hh mm ss, guide p. 41) read as UTC, ms since the epoch; null for all zeros. */
export function ltimeDateMs(b: Uint8Array, at: number): number | null {
  if (at + 6 > b.length) return null;
  let zero = true;
  for (let i = 0; i < 6; i++) if (b[at + i]) zero = false;
  if (zero) return null;
  return utcMs(b, at) + (b[at + 5] as number) * 1000;
}

/** STIME_DATE (5 × UINT8, no seconds). */
export function stimeDateMs(b: Uint8Array, at: number): number | null {
  if (at + 5 > b.length) return null;
  let zero = true;
  for (let i = 0; i < 5; i++) if (b[at + i]) zero = false;
  if (zero) return null;
  return utcMs(b, at);
}


/** One data set of ET21 (guide pp. 95–97). */
export interface Et21Set {
  blockSize: number;
  /** Bytes before the first interval: end time, end readings, simple status. */
  blockHeaderSize: number;
  validBlocks: number;
  /** Intervals of the current block stored in NVM. */
  validIntervals: number;
  lastBlockIndex: number;
  /** Index of the most recent interval recorded in the last block. */
  lastIntervalNumber: number;
  simpleStatusOffset: number;
  simpleStatusSize: number;
  interval0Offset: number;
  intervalSize: number;
  channel0Offset: number;
  /** Extended status common nibble the next interval will get. */
  nextCommonStatus: number;
  channels: number;
  intervalMinutes: number;
  /** Source IDs of channels 0–15 (8-bit; 30–37 then 70–77). */
  sources: number[];
  configurationId: number;
  blockStartMs: number | null;
  blockStartHour: number;
  blockStartMinute: number;
  /** LPO bit 3: ANSI C12.19 compliant extended status. */
  ansiCompliant: boolean;
  /** End time of the last interval (UTC). The guide gives it 7 bytes (94–100) though LTIME_DATE is 6: the first 6 are
   *  read. */
  lastIntervalEndMs: number | null;
}

/** ET21 element size with the fw ≥ 3.60 fields (flags at 111, 19 reserved bytes at 112). Older meters end at 111. */
export const ET21_SET = 131;
const ET21_MIN = 111;

function readEt21Set(b: Uint8Array, at: number): Et21Set {
  const r = new ByteReader(b, at);
  r.skip(8); // current block/interval physical addresses
  const blockSize = r.u32le();
  const blockHeaderSize = r.u16le();
  const validBlocks = r.u16le();
  const validIntervals = r.u16le();
  const lastBlockIndex = r.u16le();
  const lastIntervalNumber = r.u16le();
  const simpleStatusOffset = r.u8();
  const simpleStatusSize = r.u8();
  const interval0Offset = r.u8();
  const intervalSize = r.u8();
  const channel0Offset = r.u8();
  const nextCommonStatus = r.u8();
  const channels = r.u8();
  const intervalMinutes = r.u8();
  const sources: number[] = [];
  for (let i = 0; i < 8; i++) sources.push(b[at + 30 + i] as number);
  for (let i = 0; i < 8; i++) sources.push(b[at + 70 + i] as number);
  const id = new ByteReader(b, at + 78).u32le();
  return {
    blockSize, blockHeaderSize, validBlocks, validIntervals, lastBlockIndex, lastIntervalNumber, simpleStatusOffset,
    simpleStatusSize, interval0Offset, intervalSize, channel0Offset, nextCommonStatus, channels, intervalMinutes,
    sources: sources.slice(0, channels),
    configurationId: id,
    blockStartMs: ltimeDateMs(b, at + 83),
    blockStartHour: b[at + 89] as number,
    blockStartMinute: b[at + 90] as number,
    ansiCompliant: bit(b[at + 93] as number, 3),
    lastIntervalEndMs: ltimeDateMs(b, at + 94),
  };
}

/** ET21: one element per data set; `elementSize` 131 (fw ≥ 3.60) unless told otherwise. */
export function decodeEt21(data: Uint8Array, elementSize?: number): Decoded<Et21Set[]> {
  const size = elementSize || ET21_SET;
  if (data.length < ET21_MIN) return decodeError(ET21, 0, `table too short (${data.length} bytes)`);
  return decodeWith(ET21, data, () => {
    const out: Et21Set[] = [];
    for (let at = 0; at + ET21_MIN <= data.length && out.length < 4; at += size) out.push(readEt21Set(data, at));
    return out;
  });
}
