// Payload-cipher hook (spec §9). No public capture shows an encrypted MEP read, so the default is the identity; an
// encrypted meter profile plugs a cipher in here without touching framing or decoders. It transforms the table data
// of read replies (decrypt) and the data of writes (encrypt). Do NOT put a guessed OSGP cipher here.

export interface CipherContext {
  /** Sequence number of the request (for a reply: of the request it answers). */
  seq: number;
  /** Table id the data belongs to. */
  table: number;
}

export interface PayloadCipher {
  readonly name: string;
  encrypt(data: Uint8Array, ctx: CipherContext): Uint8Array;
  decrypt(data: Uint8Array, ctx: CipherContext): Uint8Array;
}

export const IDENTITY_CIPHER: PayloadCipher = {
  name: 'none',
  encrypt: function (data: Uint8Array): Uint8Array {
    return data;
  },
  decrypt: function (data: Uint8Array): Uint8Array {
    return data;
  },
};
