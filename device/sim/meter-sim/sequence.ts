// The meter's sequence-number window (spec §5). Default [INFERRED]: accept SEQ >= expected (unsigned 32-bit) and
// then expect SEQ + 1; 'strict' accepts only SEQ == expected. Rejections are answered 0x0C with `expected`.
// An "uplink bump" moves `expected` forward on its own, as when the meter talks to its head-end (spec §5, §15.8).

export type SeqMode = 'at-least' | 'strict';

export class SequenceWindow {
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

  /** true if `seq` is acceptable now (does not change state). */
  accepts(seq: number): boolean {
    const s = seq >>> 0;
    return this.mode === 'strict' ? s === this.value : s >= this.value;
  }

  /** Records an accepted request: the next expected number is seq + 1 (wrapping at 2^32). */
  accept(seq: number): void {
    this.value = ((seq >>> 0) + 1) >>> 0;
  }

  bump(increment: number): void {
    this.value = (this.value + Math.max(1, Math.floor(increment))) >>> 0;
  }
}
