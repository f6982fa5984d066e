import fc from 'fast-check';
import { ET11 } from '../../../../device/src/meter/table-ids';
import { decodeEt11, ET11_LENGTH } from '../../../../device/src/meter/tables/et11-mfg-dimensions';
import {
  eachTruncation,
  expectError,
  expectNeverThrows,
  frame,
  ok,
  replyData,
  syntheticTable,
} from './table-kit';

// Offsets where a field starts (spec §10.8); 2-byte fields at 5, 7, 9, 28, 30, the 4 unknown bytes at 14.
const FIELD_STARTS = [0, 1, 2, 3, 4, 5, 7, 9, 11, 12, 13, 14, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 30];

describe('[ET11] MFG dimension table (spec §10.8)', () => {
  test('[ET11] decodes reply F012 to its "decoded" expectation', () => {
    const want = frame('F012').decoded;
    const v = ok(decodeEt11(replyData('F012')));
    expect({ nbr_devices: v.nbrDevices, config_entry_size: v.configEntrySize }).toEqual(want);
    expect(decodeEt11(syntheticTable('ET11'))).toEqual(decodeEt11(replyData('F012')));
  });

  test('[ET11] decodes every field of F012 at its §10.8 offset, words little-endian (guide p. 40; the synthetic table was written big-endian)', () => {
    // F012 data: 04 42 14 04 10 | 0040 0080 0100 | 08 30 0a | 00000000 | 08 0f 20 10 06 0a 02 04 02 06 | 0040 0040
    expect(ok(decodeEt11(replyData('F012')))).toEqual({
      nbrDevices: 4,
      configEntrySize: 66,
      statusEntrySize: 0x14,
      onDemandRequestQueueSize: 4,
      onDemandRequestEntrySize: 0x10,
      dataEntrySize: 0x4000,
      transactionRequestLength: 0x8000,
      transactionResponseLength: 0x0001,
      onDemandWriteEntrySize: 8,
      phaseMeasurementDataSize: 0x30,
      configEntry2Size: 0x0a,
      unknown14Hex: '00000000',
      nbrGroupIds: 8,
      nbrHarmonics: 0x0f,
      mbusMulticastMessageLength: 0x20,
      et22AlarmSize: 0x10,
      mepDataSources: 6,
      et48EntryCount: 0x0a,
      maxCriticalEventBitmaps: 2,
      et57EntryCount: 4,
      timeBasedRelaySwitches: 2,
      mepDataAlertSources: 6,
      ramOnlyTransactionRequestLength: 0x4000,
      ramOnlyTransactionResponseLength: 0x4000,
      mepChannelCount: null,
    });
  });

  test('[ET11] the configuration-entry size is byte 1 (what the alert chain reads, F023)', () => {
    const data = replyData('F012');
    expect(ok(decodeEt11(data)).configEntrySize).toBe(data[1]);
    expect(replyData('F023')[0]).toBe(data[1]);
  });

  test('[ET11] truncated: every shorter table is an error at the start of the field that runs short', () => {
    eachTruncation(decodeEt11, replyData('F012'), (len, r) => {
      const start = FIELD_STARTS.filter((s) => s <= len).pop() as number;
      expectError(r, ET11, start);
    });
    expect(ET11_LENGTH).toBe(32);
  });

  test('[ET11] longer tables (firmware 4.0+): byte 34 is the MEP channel count, the rest is ignored', () => {
    const data = new Uint8Array(40).fill(0xa5);
    data.set(replyData('F012'));
    data[34] = 2;
    const v = ok(decodeEt11(data));
    expect(v.mepChannelCount).toBe(2);
    expect({ ...v, mepChannelCount: null }).toEqual(ok(decodeEt11(replyData('F012'))));
  });

  test('[ET11] random bytes never throw', () => {
    expectNeverThrows((d) => decodeEt11(d), fc.constant(undefined), 64);
  });
});
