// Lazy modules (device/src/lazy): where a module lies in the slot, and what the app decides to load at boot.
import { leftFromUpdate } from '../../../device/src/app';
import { moduleRange } from '../../../device/src/lazy/modules';
import { layOutSlot } from '../../../device/build/build';
import { MODULE_TABLE_PLACEHOLDER } from '../../../device/build/modules';
import * as payload from '../../../discovery/discovery-payload';
import { ENTITIES } from '../../../discovery/entities';
import { entityRowsFrom, entityRowsText } from '../../../discovery/entity-rows';

describe('the module table', () => {
  test('finds each module by exact name, padded or not', () => {
    const table = 'web:100:20;ota:120:30;webx:150:5'.padEnd(60, ' ');
    expect(moduleRange(table, 'web')).toEqual({ offset: 100, length: 20 });
    expect(moduleRange(table, 'ota')).toEqual({ offset: 120, length: 30 });
    expect(moduleRange(table, 'webx')).toEqual({ offset: 150, length: 5 });
    expect(moduleRange(table, 'we')).toBeNull();
    expect(moduleRange(table, 'cfg')).toBeNull();
  });

  test('the slot layout patches byte offsets that point at each module, non-ASCII text included', () => {
    const core = `(()=>{var t=${JSON.stringify(MODULE_TABLE_PLACEHOLDER)};var s="Zählerstand €"})();`;
    const modules = [
      { name: 'web', code: '(()=>{global.MEPM={a:"ü"}})()' },
      { name: 'ota', code: '(()=>{global.MEPM={b:2}})()' },
    ];
    const laid = layOutSlot(core, modules);
    const bytes = Buffer.from(laid.code, 'utf8');
    const patched = /"([^"]*:[^"]*)"/.exec(laid.code)![1]!;
    expect(patched.length).toBe(MODULE_TABLE_PLACEHOLDER.length);
    for (const m of modules) {
      const r = moduleRange(patched, m.name)!;
      expect(bytes.subarray(r.offset, r.offset + r.length).toString('utf8')).toBe(m.code);
    }
    // The boot eval runs the core and skips the modules.
    const g: { MEPM?: unknown } = {};
    new Function('global', laid.code)(g);
    expect(g.MEPM).toBeUndefined();
  });
});

describe('after an interrupted update the app loads the update engine once to clear what it left', () => {
  test.each([
    [['app.a', '.bootcde', 'mep.settings.json'], false],
    [['app.a', 'ota.stage'], true],
    [['app.a', 'web.0', 'wa_index.html', 'wa_app.js'], false],
    [['app.a', 'web.0', 'web.1', 'wa_index.html', 'wb_index.html'], true],
    [['app.a', 'wb_index.html'], true],
  ])('%j → %s', (files, expected) => {
    expect(leftFromUpdate(files as string[])).toBe(expected);
  });
});

describe('entity rows read one at a time (discovery on the device)', () => {
  test('every row read through slices equals the entity table, and the discovery message is the same', () => {
    const text = entityRowsText();
    let reads = 0;
    const rows = entityRowsFrom((offset, length) => {
      reads++;
      return text.substring(offset, offset + length);
    });
    ENTITIES.forEach((e, i) => {
      const expected = JSON.parse(JSON.stringify(e));
      delete expected.option_names;
      expect(rows(i)).toEqual(expected);
    });
    expect(rows(ENTITIES.length)).toBeUndefined();
    expect(reads).toBeGreaterThan(ENTITIES.length);
    for (const phases of [1, 3] as const) {
      const ctx = { deviceId: 'mep_0123456789ab', deviceName: 'Hall meter', firmwareVersion: '1.0.0', phases, expireAfterS: 60, discoveryPrefix: 'homeassistant', baseTopic: '' };
      const viaRows: string[] = [];
      const chunks = payload.discoveryChunksIn(rows, ctx);
      for (let i = 0; ; i++) {
        const c = chunks(i);
        if (c === null) break;
        viaRows.push(c);
      }
      expect(viaRows.join('')).toBe(payload.buildDiscoveryPayload(ctx));
    }
  });
});
