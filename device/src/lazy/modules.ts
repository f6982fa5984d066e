// Rarely used code lives in Storage, not in RAM (issue 9; espruino.md §2.2, §3): the build appends each lazy module
// (device/build/modules.ts) to the app slot file inside an `if(0){…}` block, which the interpreter skips when the boot
// loader evaluates the slot, and patches MEP_MODULES with where each module's code lies in that file. loadModule()
// evaluates just that range: Storage.read(slot, offset, length) is a flash string, so the module's function bodies
// stay in flash and only its function objects cost JsVars, until releaseModule() drops the last reference and the
// garbage collector takes them back. Anything a caller keeps across a release must be plain data: a kept object whose
// prototype or closure comes from the module would keep the whole module alive.
import { ModuleLoader } from '../hal/types';

/** "name:offset:length;…" patched into the bundle by the build; undefined when the sources run unbundled. */
declare const MEP_MODULES: string;
declare const global: { MEPSLOT?: string; MEPCODE?: string; MEPM?: unknown; require(name: string): unknown };

interface SlotStorage {
  read(name: string, offset: number, length: number): string | undefined;
}

/** Where a module's code lies in the running slot, from the patched table; null when it is not there. */
export function moduleRange(table: string, name: string): { offset: number; length: number } | null {
  // The closing space keeps Espruino's indexOf from matching a needle that runs past the end (semantics.test.ts).
  const at = (';' + table + ' ').indexOf(';' + name + ':');
  if (at < 0) return null;
  const fields = table.substring(at).split(';')[0]!.split(':');
  return { offset: parseInt(fields[1]!, 10), length: parseInt(fields[2]!, 10) };
}

/** The running slot's code from `offset`: the boot loader names the slot file (MEPSLOT); a bundle evaluated directly
 *  (the Node host without a loader) is given as MEPCODE. */
function readOwnCode(offset: number, length: number): string | undefined {
  if (global.MEPSLOT) return (global.require('Storage') as SlotStorage).read(global.MEPSLOT, offset, length);
  if (global.MEPCODE) return global.MEPCODE.substring(offset, offset + length);
  return (global.require('Storage') as SlotStorage).read('app.a', offset, length);
}

/** Where a module or data range lies in this firmware; the one place the (long) patched table is written, so the
 *  interpreter holds one copy of it. */
function rangeOf(name: string): { offset: number; length: number } | null {
  return typeof MEP_MODULES === 'string' ? moduleRange(MEP_MODULES, name) : null;
}

export function createSlotModules(): ModuleLoader {
  const loaded: { [name: string]: unknown } = {};
  return {
    load(name: string): unknown {
      if (loaded[name]) return loaded[name];
      const range = rangeOf(name);
      const code = range ? readOwnCode(range.offset, range.length) : undefined;
      if (!code) throw new Error(`module ${name} is not in this firmware`);
      // The module's code leaves its exports in MEPM (device/build/modules.ts); the global is cleared at once so
      // that only `loaded` holds them. Run as the body of a new Function, whose scope is the global one: an eval
      // here would put load()'s scopes in the chain of every function the module defines, and Espruino gives each
      // of them its own copy of that chain (~3 JsVars more per function, measured on the real interpreter).
      new Function(code)();
      const exports = global.MEPM;
      global.MEPM = undefined;
      if (!exports) throw new Error(`module ${name} did not start`);
      return (loaded[name] = exports);
    },
    release(name: string): void {
      delete loaded[name];
    },
    read(name: string, offset: number, length: number): string {
      const range = rangeOf(name);
      if (!range || offset < 0 || offset >= range.length) return '';
      return readOwnCode(range.offset + offset, Math.min(length, range.length - offset)) || '';
    },
  };
}
