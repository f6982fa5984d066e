// Shared inputs for the discovery tests: the HA data files of shared/schemas (copied to test/fixtures/schemas, see
// test/fixtures/README.md) and two reference contexts.
import { readFileSync } from 'fs';
import { join } from 'path';
import { DiscoveryContext } from '../../discovery';

export const SCHEMAS_DIR = join(__dirname, '..', 'fixtures', 'schemas');
export const FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'discovery');

export interface DeviceClassRule {
  units: (string | null)[];
  state_classes: (string | null)[];
}

export const UNITS: {
  device_classes: { [cls: string]: DeviceClassRule };
  entity_category_rules: { [platform: string]: string[] };
} = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'ha-sensor-units.json'), 'utf8'));

export const ABBREVIATIONS: {
  component: { [abbr: string]: string };
  device: { [abbr: string]: string };
  origin: { [abbr: string]: string };
} = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'ha-mqtt-discovery-abbreviations.json'), 'utf8'));

export const MAC = '24:0A:C4:12:34:56';
export const DEVICE_ID = 'mep_240ac4123456';

/** A 3-phase NES meter after BT01 was read, as the golden file shows it. */
export const CTX_3PHASE: DiscoveryContext = {
  deviceId: DEVICE_ID,
  baseTopic: '',
  discoveryPrefix: 'homeassistant',
  deviceName: 'MEP Bridge',
  meter: { manufacturer: 'NES ', model: '83331-3I', serial: '2203123456', firmware: '4.52', hardware: '3.1' },
  firmwareVersion: '0.1.0',
  phases: 3,
  configurationUrl: 'http://192.168.1.50/',
  supportUrl: 'https://github.com/example/mep-bridge',
};

/** A 1-phase meter before BT01 was read: no meter block, custom base topic and prefix. */
export const CTX_1PHASE: DiscoveryContext = {
  deviceId: 'mep_a0b1c2d3e4f5',
  baseTopic: 'house/meter',
  discoveryPrefix: 'ha',
  deviceName: 'Garage meter',
  firmwareVersion: '0.1.0',
  phases: 1,
};

/** Expands HA's abbreviations the way HA does (home-assistant.md §3.3): root and components with the component
 *  table, `dev` and `o` with theirs. */
export function expandDiscovery(payload: any): any {
  const expand = (o: any, table: { [abbr: string]: string }): any => {
    const out: any = {};
    for (const k of Object.keys(o)) out[k in table ? table[k]!.split(' ')[0]! : k] = o[k];
    return out;
  };
  const root = expand(payload, ABBREVIATIONS.component);
  if (root.device) root.device = expand(root.device, ABBREVIATIONS.device);
  if (root.origin) root.origin = expand(root.origin, ABBREVIATIONS.origin);
  if (root.components) {
    const cmps: any = {};
    for (const id of Object.keys(root.components)) cmps[id] = expand(root.components[id], ABBREVIATIONS.component);
    root.components = cmps;
  }
  return root;
}
