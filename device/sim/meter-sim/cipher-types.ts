// Payload-cipher hook (spec §9). MEP has an optional encryption feature whose construction is UNKNOWN: no public
// capture or implementation shows it, and every real capture is plaintext. The simulator and the client therefore
// share this plug-in shape, identity by default. Do NOT plug a guessed OSGP RC4 variant in here (spec §9).

/** What a cipher may bind its key stream to: the frame sequence number of the request and the table id. */
export interface CipherContext {
  seq: number;
  table: number;
}

export interface PayloadCipher {
  /** Shown in logs; say plainly what it is (e.g. 'identity', 'TEST-ONLY-...'). */
  name: string;
  /** Meter → client: applied to read-reply table data (full and partial reads). */
  encrypt(data: Uint8Array, ctx: CipherContext): Uint8Array;
  /** Client → meter: applied to write data (0x40/0x4F) before the meter interprets it. */
  decrypt(data: Uint8Array, ctx: CipherContext): Uint8Array;
}

/** The default: plaintext, which is what every real capture shows (spec §9). */
export const IDENTITY_CIPHER: PayloadCipher = {
  name: 'identity',
  encrypt: (data) => data,
  decrypt: (data) => data,
};
