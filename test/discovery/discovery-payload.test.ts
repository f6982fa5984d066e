// Golden discovery payloads and HA's rules for them (home-assistant.md §3.1-§3.5, architecture-and-style.md C5).
// Regenerate the goldens on purpose with: UPDATE_GOLDEN=1 npx jest test/discovery
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  ABBR,
  buildDiscoveryPayload,
  buildTopics,
  DEVICE_ABBR,
  defaultEntityId,
  discoveryChunk,
  discoveryChunkCount,
  discoveryChunks,
  discoveryChunksIn,
  discoveryLength,
  discoveryRemoval,
  DiscoveryContext,
  ENTITIES,
  entitiesFor,
  ORIGIN_ABBR,
  slugify,
  tableRow,
} from '../../discovery';
import fc from 'fast-check';
import { ABBREVIATIONS, CTX_1PHASE, CTX_3PHASE, DEVICE_ID, expandDiscovery, FIXTURES_DIR, UNITS } from './helpers';

const CASES: [string, DiscoveryContext][] = [
  ['discovery-3phase.txt', CTX_3PHASE],
  ['discovery-1phase.txt', CTX_1PHASE],
];

/** Root keys DEVICE_DISCOVERY_SCHEMA accepts (HA core mqtt/schemas.py; it allows no extra keys, not even "~"). */
const ROOT_KEYS = [
  'device', 'origin', 'components', 'availability', 'availability_mode', 'availability_template',
  'availability_topic', 'payload_available', 'payload_not_available', 'state_topic', 'command_topic', 'qos',
  'encoding', 'message_expiry_interval',
];

describe('discovery golden files (C5: stable key order)', () => {
  test.each(CASES)('C5: %s equals the payload, one chunk per line', (file, ctx) => {
    const path = join(FIXTURES_DIR, file);
    const text = discoveryChunks(ctx).join('\n') + '\n';
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, text);
    expect(existsSync(path)).toBe(true);
    const golden = readFileSync(path, 'utf8');
    expect(text).toBe(golden);
    // No newline can occur inside our JSON (control characters are escaped), so this is exact.
    expect(golden.split('\n').join('')).toBe(buildDiscoveryPayload(ctx));
  });
});

describe('discovery chunks (C5: the device builds one entity at a time)', () => {
  test.each(CASES)('C5: chunks of %s join to buildDiscoveryPayload; count and length agree', (_file, ctx) => {
    const chunks = discoveryChunks(ctx);
    expect(chunks.join('')).toBe(buildDiscoveryPayload(ctx));
    expect(chunks).toHaveLength(discoveryChunkCount(ctx));
    expect(chunks).toHaveLength(entitiesFor(ctx.phases).length + 2);
    expect(discoveryLength(ctx)).toBe(buildDiscoveryPayload(ctx).length);
    expect(discoveryChunk(ctx, chunks.length)).toBeNull();
    expect(discoveryChunk(ctx, -1)).toBeNull();
    expect(chunks[chunks.length - 1]).toBe('}}');
    for (const c of chunks) expect(c.length).toBeLessThan(700);
  });

  test.each(CASES)('C5: the chunk source of %s gives the same chunk for an index in any order; a pass reads each row once', (_file, ctx) => {
    const expected = discoveryChunks(ctx);
    let reads = 0;
    const rows = (i: number) => {
      reads++;
      return ENTITIES[i];
    };
    const pass = discoveryChunksIn(rows, ctx);
    for (let i = 0; i <= expected.length; i++) expect(pass(i)).toBe(expected[i] ?? null);
    expect(reads).toBeLessThanOrEqual(ENTITIES.length + 2);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2, max: expected.length + 2 }), { maxLength: 30 }), (order) => {
        const chunks = discoveryChunksIn(tableRow, ctx);
        for (const i of order) expect(chunks(i)).toBe(expected[i] ?? null);
      }),
      { numRuns: 200 },
    );
  });

  test('espruino.md §1.4: the payload is pure ASCII, so characters = MQTT bytes', () => {
    const ctx = { ...CTX_3PHASE, deviceName: 'M\u00e5ler "k\u00f8kken"\n', meter: { model: '\u20ac\u0000' } };
    const payload = buildDiscoveryPayload(ctx);
    for (let i = 0; i < payload.length; i++) expect(payload.charCodeAt(i)).toBeLessThan(0x80);
    expect(JSON.parse(payload).dev.name).toBe('M?ler "k?kken"\n');
    expect(Buffer.byteLength(payload, 'utf8')).toBe(discoveryLength(ctx));
  });
});

describe('discovery payload rules (home-assistant.md §3)', () => {
  test.each(CASES)('§3.2: %s expands to a valid device-based discovery config', (_file, ctx) => {
    const raw = JSON.parse(buildDiscoveryPayload(ctx));
    const p = expandDiscovery(raw);
    const topics = buildTopics(ctx.deviceId, ctx.baseTopic, ctx.discoveryPrefix);
    for (const key of Object.keys(p)) expect(ROOT_KEYS).toContain(key);
    expect(p.device.identifiers).toEqual([ctx.deviceId]);
    expect(p.device.name).toBe(ctx.deviceName);
    expect(p.origin).toMatchObject({ name: 'MEP Bridge', sw_version: ctx.firmwareVersion });
    expect(p.availability_topic).toBe(topics.availability);
    expect([p.payload_available, p.payload_not_available]).toEqual(['online', 'offline']);
    expect(p.state_topic).toBe(topics.state);
    expect(p.qos).toBe(1);
    expect(Object.keys(p.components)).toEqual(entitiesFor(ctx.phases).map((e) => e.key));
  });

  test.each(CASES)('§0 #10, §3.3: every component of %s has platform, unique_id, default_entity_id, no object_id',
    (_file, ctx) => {
      const text = buildDiscoveryPayload(ctx);
      expect(text).not.toContain('obj_id');
      expect(text).not.toContain('object_id');
      const p = expandDiscovery(JSON.parse(text));
      for (const [id, c] of Object.entries<any>(p.components)) {
        expect(c.platform).toBe(ENTITIES.find((e) => e.key === id)!.component);
        expect(c.unique_id).toBe(`${ctx.deviceId}_${id}`);
        expect(c.default_entity_id).toMatch(new RegExp(`^${c.platform}\\.[a-z0-9_]+_${id}$`));
        expect(typeof c.name).toBe('string');
      }
    });

  test.each(CASES)('§3.3, §4.4: sensors of %s have valid classes/units, value templates and topics', (_file, ctx) => {
    const p = expandDiscovery(JSON.parse(buildDiscoveryPayload(ctx)));
    const topics = buildTopics(ctx.deviceId, ctx.baseTopic, ctx.discoveryPrefix);
    for (const [id, c] of Object.entries<any>(p.components)) {
      if (c.platform === 'update') {
        // HA MQTT update entity (issue 4): UpdateState JSON on <base>/update, latest from the add-on, install to it.
        expect(c).toMatchObject({
          device_class: 'firmware', entity_category: 'config', state_topic: topics.update,
          latest_version_topic: topics.updateLatest, command_topic: topics.updateInstall, payload_install: 'install',
        });
        expect(c.value_template).toBeUndefined();
        expect(id).toBe('firmware_update');
        continue;
      }
      if (c.platform === 'button') {
        expect([topics.cmdRestart, topics.cmdPoll]).toContain(c.command_topic);
        expect(c.payload_press).toBe('PRESS');
        expect(c.value_template).toBeUndefined();
        continue;
      }
      if (c.device_class !== undefined) {
        const rule = UNITS.device_classes[c.device_class]!;
        expect(rule.units).toContain(c.unit_of_measurement ?? null);
        expect(rule.state_classes).toContain(c.state_class ?? null);
      }
      if (c.entity_category !== undefined) expect(c.entity_category).toBe('diagnostic');
      expect(c.value_template).toMatch(new RegExp(`^\\{\\{ value_json\\.${id} \\| default\\('(None)?'\\) \\}\\}$`));
      const row = ENTITIES.find((e) => e.key === id)!;
      expect(c.state_topic ?? p.state_topic).toBe(row.topic === 'state' ? topics.state : topics.diagnostics);
      if (c.options) expect(c.unit_of_measurement ?? c.state_class).toBeUndefined();
    }
  });

  test('§3.3: every abbreviation we emit is one HA knows (ha-mqtt-discovery-abbreviations.json)', () => {
    const raw = JSON.parse(buildDiscoveryPayload(CTX_3PHASE));
    const known = (o: any, table: { [k: string]: string }) => {
      for (const k of Object.keys(o)) expect(Object.keys(table).concat(['name'])).toContain(k);
    };
    known(raw, ABBREVIATIONS.component);
    known(raw.dev, ABBREVIATIONS.device);
    known(raw.o, ABBREVIATIONS.origin);
    for (const c of Object.values<any>(raw.cmps)) known(c, ABBREVIATIONS.component);
  });

  test('C5: abbreviations.ts matches the shared abbreviation table pair by pair', () => {
    const check = (ours: { [full: string]: string }, table: { [abbr: string]: string }) => {
      for (const [full, abbr] of Object.entries(ours)) {
        if (abbr === full) continue; // keys HA has no abbreviation for (name, qos)
        expect({ abbr, full: table[abbr]?.split(' ')[0] }).toEqual({ abbr, full });
      }
    };
    check(ABBR, ABBREVIATIONS.component);
    check(DEVICE_ABBR, ABBREVIATIONS.device);
    check(ORIGIN_ABBR, ABBREVIATIONS.origin);
  });

  test('C5: the device block carries the meter identity (trimmed) and omits what is unknown', () => {
    const p = expandDiscovery(JSON.parse(buildDiscoveryPayload(CTX_3PHASE)));
    expect(p.device).toEqual({
      identifiers: [DEVICE_ID], name: 'MEP Bridge', manufacturer: 'NES', model: '83331-3I',
      serial_number: '2203123456', sw_version: '4.52', hw_version: '3.1', configuration_url: 'http://192.168.1.50/',
    });
    expect(p.origin.support_url).toBe(CTX_3PHASE.supportUrl);
    const one = expandDiscovery(JSON.parse(buildDiscoveryPayload(CTX_1PHASE)));
    expect(one.device).toEqual({ identifiers: ['mep_a0b1c2d3e4f5'], name: 'Garage meter' });
    expect(one.origin).toEqual({ name: 'MEP Bridge', sw_version: '0.1.0' });
  });

  test('§3.4: a 1-phase meter on a custom base topic publishes below it', () => {
    const p = expandDiscovery(JSON.parse(buildDiscoveryPayload(CTX_1PHASE)));
    expect(p.availability_topic).toBe('house/meter/availability');
    expect(p.components.restart.command_topic).toBe('house/meter/cmd/restart');
    expect(p.components.link_state.state_topic).toBe('house/meter/diagnostics');
    expect(p.components.voltage_l2).toBeUndefined();
  });

  test('§3.3: expire_after only on readings, only when asked for', () => {
    const p = expandDiscovery(JSON.parse(buildDiscoveryPayload({ ...CTX_3PHASE, expireAfterS: 30 })));
    expect(p.components.power_import.expire_after).toBe(30);
    expect(p.components.energy_import.expire_after).toBe(30);
    expect(p.components.link_state.expire_after).toBeUndefined();
    expect(expandDiscovery(JSON.parse(buildDiscoveryPayload(CTX_3PHASE))).components.power_import.expire_after)
      .toBeUndefined();
  });

  test('§0 #10: default_entity_id uses the device-name slug, else the device id', () => {
    const e = ENTITIES[0]!;
    expect(slugify('  MEP Bridge -- Kitchen!  ')).toBe('mep_bridge_kitchen');
    expect(slugify('\u00c5\u00c6\u00d8')).toBe('');
    expect(defaultEntityId(e, 'MEP Bridge', DEVICE_ID)).toBe('sensor.mep_bridge_energy_import');
    expect(defaultEntityId(e, '!!!', DEVICE_ID)).toBe(`sensor.${DEVICE_ID}_energy_import`);
    expect(slugify('x'.repeat(100))).toHaveLength(40);
  });

  test('§3.2: removing the device is an empty retained payload on its discovery topic', () => {
    expect(discoveryRemoval('homeassistant', DEVICE_ID)).toEqual({
      topic: `homeassistant/device/${DEVICE_ID}/config`,
      payload: '',
    });
  });
});
