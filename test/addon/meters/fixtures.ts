// What real bridges publish, built with the device's own builders (discovery/), for the registry tests.
import { buildDiagnosticsPayload, buildDiscoveryPayload, buildStatePayload, DiscoveryContext } from '../../../discovery';
import { IncomingMessage } from '../../../addon/src/meters/registry-state';

export const ID_A = 'mep_240ac4123456';
export const ID_B = 'mep_240ac4abcdef';

export function ctx(deviceId: string, over: Partial<DiscoveryContext> = {}): DiscoveryContext {
  return {
    deviceId, baseTopic: '', discoveryPrefix: 'homeassistant', deviceName: 'Kitchen meter', firmwareVersion: '0.1.0',
    phases: 3, ...over,
  };
}

let clock = 1_700_000_000_000;
export function msg(topic: string, payload: string | Buffer, at?: number): IncomingMessage {
  clock += 1000;
  return { topic, payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload), retained: false, at: at ?? clock };
}

export function discovery(deviceId: string, over: Partial<DiscoveryContext> = {}): IncomingMessage {
  return msg(`homeassistant/device/${deviceId}/config`, buildDiscoveryPayload(ctx(deviceId, over)));
}

export const STATE = buildStatePayload({ energy_import: 1234.567, power_import: 830, voltage_l1: 230.1, frequency: 50.01 });
export const DIAG_ONLINE = buildDiagnosticsPayload({ link_state: 'online', wifi_rssi: -61, firmware: '0.1.0' });
export const DIAG_NO_REPLY = buildDiagnosticsPayload({ link_state: 'no-reply', last_error: 'no reply from the meter', firmware: '0.1.0' });
export const DIAG_AUTH = buildDiagnosticsPayload({ link_state: 'auth-failed', firmware: '0.1.0' });
