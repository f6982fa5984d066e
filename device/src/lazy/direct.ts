// The lazy modules for code that runs unbundled in Node (unit tests, test HALs): the same entry points the firmware
// build appends to the slot (device/build/modules.ts), imported directly. Never part of the firmware bundle.
import { ModuleLoader } from '../hal/types';
import * as disc from '../app/discovery-module';
import * as ota from '../ota/module';
import * as pull from '../app/pull-module';
import * as trial from '../boot/trial';
import * as cfg from '../settings/module';
import * as compat from '../app/compat-module';
import * as web from '../web/module';
import * as sec from '../security/module';
import * as binp from '../ota/bin-parser';
import * as wwwp from '../ota/wwws-parser';
import * as upl from '../ota/upload-receiver';
import { entityRowsText } from '../../../discovery/entity-rows';
import { RECOVERY_HTML } from '../web/recovery-page';
import { HOME_HTML } from '../web/built-in-pages';
import { compactFieldTable } from '../../../discovery/compact-fields';

const ENTRIES: { [name: string]: unknown } = { web, ota, pull, disc, cfg, trial, compat, sec, binp, wwwp, upl };
const DATA: { [name: string]: () => string } = {
  ents: entityRowsText,
  rcv: () => RECOVERY_HTML,
  home: () => HOME_HTML,
  stf: () => compactFieldTable('state'),
  dgf: () => compactFieldTable('diagnostics'),
};

export function createDirectModules(): ModuleLoader & { loads: { [name: string]: number } } {
  const loads: { [name: string]: number } = {};
  return {
    loads,
    load(name: string): unknown {
      const m = ENTRIES[name];
      if (!m) throw new Error(`module ${name} is not in this firmware`);
      loads[name] = (loads[name] || 0) + 1;
      return m;
    },
    release(): void {
      // Nothing to free in Node.
    },
    read(name: string, offset: number, length: number): string {
      const text = DATA[name] ? DATA[name]!() : '';
      return text.substring(offset, offset + length);
    },
  };
}
