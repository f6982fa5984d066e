// The boot record (espruino.md checklist "OTA and web assets"): which of the two app slots the boot loader runs,
// and the trial state of a freshly installed firmware. Shared by the boot loader (loader.ts), the installer
// (ota/installer.ts) and the app's trial guard (trial.ts).
//
// Trial: the installer writes t=INSTALLED and reboots; the loader turns it into t=BOOTED before running the new
// slot; the app writes t=CONFIRMED once it has been healthy for `h` ms. A loader that finds t=BOOTED knows the
// trial boot never confirmed (it threw, hung, was reset by the watchdog or the trial limit `l`) and runs the
// previous slot instead, with `f` saying why, which the old app then reports.
import { Sequenced } from './record';

export const BOOT_RECORD = 'boot.';
export const SLOT_PREFIX = 'app.';
export const CONFIRMED = 0;
export const INSTALLED = 1;
export const BOOTED = 2;

export interface BootRecord extends Sequenced {
  /** Slot to run: 'a' or 'b' (Storage file "app.<slot>"). */
  c: string;
  /** The other slot: the rollback target while on trial. */
  p: string;
  /** Trial state: CONFIRMED, INSTALLED or BOOTED. */
  t: number;
  /** Firmware version in c and in p. */
  v: string;
  pv: string;
  /** Healthy time needed to confirm, and the trial limit after which the loader reboots, ms. */
  h?: number;
  l?: number;
  /** Id of the MQTT update command that installed c (its result is published once the outcome is known). */
  id?: string;
  /** Set by the loader on rollback: what failed (reported once by the app, then cleared). */
  f?: string;
}

/** Parts of the text that marks our boot loader in `.bootcde` (loader.ts NAME), joined at run time so that the app
 *  bundle itself never contains it: a device whose `.bootcde` is the app (uploaded the old way) does not match. */
export const LOADER_MARK_PARTS = ['mep', 'boot', 'loader'];

/** True when `.bootcde` holds our boot loader (not an app uploaded directly as boot code). */
export function isBootLoader(bootCode: string | null): boolean {
  return !!bootCode && bootCode.length < 8192 && bootCode.indexOf(LOADER_MARK_PARTS.join('-')) >= 0;
}

export function otherSlot(slot: string): string {
  return slot === 'a' ? 'b' : 'a';
}

export function slotFile(slot: string): string {
  return SLOT_PREFIX + slot;
}
