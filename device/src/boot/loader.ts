// The boot loader, stored as `.bootcde` (espruino.md §2.3: Espruino runs it at every boot) and built into
// dist/boot.js. Tiny and rarely changed: it reads the boot record (boot-record.ts), handles the trial state and
// evaluates the chosen app slot from Storage, which keeps function bodies in flash (espruino.md §2.2).
// A trial slot runs under a manual watchdog and a trial limit; if it throws at start, hangs, or never confirms, the
// device reboots and this loader then returns to the previous slot (espruino.md checklist "OTA and web assets":
// try/catch alone is not enough, bad code fails lazily and out-of-memory is uncatchable).
import { BOOT_RECORD, BOOTED, BootRecord, CONFIRMED, INSTALLED, otherSlot, slotFile } from './boot-record';
import { readRecord, writeRecord } from './record';

interface LoaderStorage {
  read(name: string): string | undefined;
  write(name: string, data: string): boolean;
}
interface LoaderE {
  reboot(): void;
  enableWatchdog(seconds: number, isAuto: boolean): void;
}
declare const global: { require(name: string): unknown; eval(code: string): unknown; MEPSLOT?: string; MEPTRIAL?: boolean };
declare const E: LoaderE;
declare function setTimeout(fn: () => void, ms: number): unknown;
declare const console: { log(text: string): void };

/** Identifies this loader in `.bootcde` (the installer checks for it: LOADER_MARK in boot-record.ts). Only this file
 *  holds the joined literal, so an app bundle stored as `.bootcde` the old way never matches. */
const NAME = 'mep-boot-loader';
/** Trial limit when the record carries none, ms; the watchdog timeout of a trial boot, s. */
const DEFAULT_TRIAL_LIMIT_MS = 600000;
const TRIAL_WATCHDOG_S = 30;

const S = global.require('Storage') as LoaderStorage;
const read = (n: string): string | undefined => S.read(n);
const write = (n: string, t: string): boolean => S.write(n, t);

function choose(): { slot: string; trial: boolean; limit: number } {
  const found = readRecord<BootRecord>(read, BOOT_RECORD);
  if (!found) return { slot: read(slotFile('a')) ? 'a' : 'b', trial: false, limit: 0 };
  const r = found.record;
  if (r.t === BOOTED || (r.t === INSTALLED && !read(slotFile(r.c)))) {
    const back: BootRecord = { s: 0, c: r.p, p: r.c, t: CONFIRMED, v: r.pv, pv: r.v, f: `firmware ${r.v} did not start healthy; back to ${r.pv}` };
    if (r.id) back.id = r.id;
    writeRecord(read, write, BOOT_RECORD, back);
    console.log(`${NAME}: ${back.f}`);
    return { slot: back.c, trial: false, limit: 0 };
  }
  if (r.t === INSTALLED) {
    r.t = BOOTED;
    writeRecord(read, write, BOOT_RECORD, r);
    console.log(`${NAME}: trying firmware ${r.v} (slot ${r.c})`);
    return { slot: r.c, trial: true, limit: r.l || DEFAULT_TRIAL_LIMIT_MS };
  }
  return { slot: r.c, trial: false, limit: 0 };
}

/** Chooses the slot and arms the trial watchdog; the evaluation itself is the top-level statement the build appends
 *  after this iife (LOADER_EVAL): code evaluated from inside a function keeps that function's scopes in the scope
 *  chain of every function it defines, and Espruino then gives each of them its own copy of the chain: about 4
 *  JsVars more per function (measured on the real interpreter: 100 functions cost 710 JsVars at the top level,
 *  1,105 from inside the loader), ~2,400 for the app. */
function run(): void {
  const pick = choose();
  let slot = slotFile(pick.slot);
  let code = read(slot);
  if (!code && !pick.trial) code = read((slot = slotFile(otherSlot(pick.slot))));
  if (!code) {
    console.log(`${NAME}: no application in Storage`);
    return;
  }
  if (pick.trial) {
    E.enableWatchdog(TRIAL_WATCHDOG_S, false);
    setTimeout(() => {
      const now = readRecord<BootRecord>(read, BOOT_RECORD);
      if (now && now.record.t === BOOTED) E.reboot();
    }, pick.limit);
  }
  // The app loads its lazy modules from ranges of its own slot file (device/src/lazy/modules.ts).
  global.MEPSLOT = slot;
  global.MEPTRIAL = pick.trial;
}

run();
