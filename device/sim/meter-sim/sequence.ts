// The meter's sequence-number window (guide p. 11, addendum §5). The meter keeps the last number it accepted; the
// default 'window' accepts last + 1 … last + 8 (the client counts every request it sends, retries included) and
// rejects anything else, the previous number again included, with 0x0C carrying `last`; the client then uses
// last + 1. 'at-least' accepts anything past last (the old, lenient simulator); 'strict' only last + 1.
// An "uplink bump" moves the number forward on its own (spec §5, §15.8); the meter adds 25 after an interface change
// (guide pp. 54–55).

export type SeqMode = 'window' | 'at-least' | 'strict';

/** How far past the last accepted number a request may be (guide p. 11). */
export const SEQ_WINDOW = 8;

export class SequenceWindow {
  /** The next number the meter would accept first: last + 1. */
  private value: number;
  readonly mode: SeqMode;

  constructor(initial: number, mode: SeqMode) {
    this.value = initial >>> 0;
    this.mode = mode;
  }

  get expected(): number {
    return this.value;
  }

  set expected(v: number) {
    this.value = v >>> 0;
  }

  /** The number a 0x0C carries: the last one accepted. */
  get last(): number {
    return (this.value - 1) >>> 0;
  }

  /** true if `seq` is acceptable now (does not change state). */
  accepts(seq: number): boolean {
    const ahead = ((seq >>> 0) - this.value) >>> 0; // 0 = last + 1
    if (this.mode === 'strict') return ahead === 0;
    if (this.mode === 'window') return ahead < SEQ_WINDOW;
    return ahead < 0x80000000;
  }

  /** Records an accepted request: the next expected number is seq + 1 (wrapping at 2^32). */
  accept(seq: number): void {
    this.value = ((seq >>> 0) + 1) >>> 0;
  }

  bump(increment: number): void {
    this.value = (this.value + Math.max(1, Math.floor(increment))) >>> 0;
  }
}
