// require("Wifi") with scripted outcomes (espruino.md §2.7; libs/network/esp32/jswrap_esp32_network.c). connect()
// succeeds or fails as the script says, after a delay; events 'associated', 'connected' {ip, netmask, gw} and
// 'disconnected' {ssid, mac, reason}; startAP validates its options as the ESP32 driver does; scan() calls back with
// the list only (ESP32 style); getIP()/getStatus() answer synchronously. On the ESP32-C3 AP and station exclude each
// other. Wifi.save() writes .wificfg (plain text!) to Storage, as the real one does.
import { DeviceEnv, nativeEvents } from './env';
import { realmError, realmValue } from './realm';

export type WifiOutcome = 'ok' | 'fail' | { result: 'ok' | 'fail'; delayMs?: number; reason?: string };

export interface WifiScript {
  /** Outcome of Wifi.connect (default 'ok' after 50 ms); a function sees the SSID, password and attempt number. */
  connect?: WifiOutcome | ((ssid: string, password: string, attempt: number) => WifiOutcome);
  /** What scan() finds. */
  networks?: { ssid: string; rssi: number; authMode?: string; channel?: number; mac?: string }[];
  ip?: string;
  gateway?: string;
  netmask?: string;
  mac?: string;
  apIp?: string;
  rssi?: number;
}

/** Station/AP state; survives nothing (a reboot starts with WiFi off). */
export interface WifiState {
  station: 'off' | 'connecting' | 'connected';
  ssid: string | null;
  ap: { ssid: string; authMode: string } | null;
  hostname: string;
  lastReason: string;
  attempts: number;
}

export interface WifiControl {
  state(): WifiState;
  /** The access point goes away: 'disconnected' with this reason (default BEACON_TIMEOUT). */
  drop(reason?: string): void;
}

const DEFAULT_DELAY_MS = 50;

export function wifiModule(env: DeviceEnv, script: WifiScript, saveConfig: (json: string) => void): { module: Record<string, unknown>; control: WifiControl } {
  const wifi: Record<string, unknown> = {};
  const events = nativeEvents(env, wifi);
  const c3 = env.boardName === 'ESP32C3';
  const mac = script.mac ?? '24:0a:c4:00:00:01';
  const state: WifiState = { station: 'off', ssid: null, ap: null, hostname: 'espressif', lastReason: 'NO_AP_FOUND', attempts: 0 };
  const timers = new Set<NodeJS.Timeout>();
  env.onTeardown(() => timers.forEach((t) => clearTimeout(t)));
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (env.runner.alive) fn();
    }, ms);
    timers.add(t);
  };
  const callback = (cb: unknown, ...args: unknown[]): void => {
    if (typeof cb === 'function') env.runner.post(cb, undefined, args);
  };
  const disconnected = (reason: string): void => {
    const ssid = state.ssid;
    state.station = 'off';
    state.lastReason = reason;
    env.emit('wifi', { event: 'disconnected', reason });
    events.fire('disconnected', realmValue(env.realm, { ssid, mac, reason }));
  };
  const stopAP = (): void => {
    if (!state.ap) return;
    state.ap = null;
    env.emit('wifi', { event: 'ap-stopped' });
  };

  const connectedIp = () => ({ ip: script.ip ?? '192.168.1.77', netmask: script.netmask ?? '255.255.255.0', gw: script.gateway ?? '192.168.1.1' });
  let password = '';

  wifi.connect = (ssid: unknown, options?: { password?: string }, cb?: unknown) => {
    if (c3) stopAP(); // no AP+STA on the C3 (espruino.md §2.7)
    const attempt = ++state.attempts;
    const planned = typeof script.connect === 'function' ? script.connect(String(ssid), options?.password ?? '', attempt) : script.connect ?? 'ok';
    const outcome = typeof planned === 'string' ? { result: planned } : planned;
    state.station = 'connecting';
    state.ssid = String(ssid);
    password = options?.password ?? '';
    later(outcome.delayMs ?? DEFAULT_DELAY_MS, () => {
      if (outcome.result === 'ok') {
        state.station = 'connected';
        env.emit('wifi', { event: 'connected', ssid: state.ssid });
        events.fire('associated', realmValue(env.realm, { ssid: state.ssid, mac }));
        events.fire('connected', realmValue(env.realm, connectedIp()));
        callback(cb, null);
      } else {
        const reason = (typeof planned === 'object' && planned.reason) || 'NO_AP_FOUND';
        disconnected(reason);
        callback(cb, reason);
      }
    });
  };
  wifi.disconnect = (cb?: unknown) => {
    const was = state.station !== 'off';
    state.station = 'off';
    if (was) later(1, () => disconnected('ASSOC_LEAVE'));
    callback(cb);
  };
  wifi.startAP = (ssid: unknown, options?: { password?: unknown; authMode?: unknown }, cb?: unknown) => {
    if (typeof ssid !== 'string') throw realmError(env.realm, 'No SSID');
    const o = options || {};
    if (o.password !== undefined && (typeof o.password !== 'string' || o.password.length < 8)) {
      throw realmError(env.realm, 'Password must be string of at least 8 characters');
    }
    const password = (o.password as string | undefined) ?? '';
    let authMode = password ? 'wpa2' : 'open';
    if (o.authMode !== undefined) {
      if (!['open', 'wpa2', 'wpa', 'wpa_wpa2'].includes(String(o.authMode))) throw realmError(env.realm, 'Unknown authMode value');
      authMode = String(o.authMode);
    }
    if (authMode !== 'open' && !password) throw realmError(env.realm, 'Password not set but authMode not open');
    if (authMode === 'open' && password) throw realmError(env.realm, 'Auth mode set to open but password supplied');
    if (c3 && state.station !== 'off') disconnected('ASSOC_LEAVE');
    state.ap = { ssid, authMode };
    env.emit('wifi', { event: 'ap-started', ssid, authMode });
    later(DEFAULT_DELAY_MS, () => callback(cb, null));
  };
  wifi.stopAP = (cb?: unknown) => {
    stopAP();
    callback(cb);
  };
  wifi.scan = (cb: unknown) => {
    if (typeof cb !== 'function') throw realmError(env.realm, 'Expecting callback function');
    const list = (script.networks ?? []).map((n) => ({ rssi: n.rssi, authMode: n.authMode ?? 'wpa2', ssid: n.ssid, mac: n.mac ?? '00:00:00:00:00:00', channel: String(n.channel ?? 1) }));
    later(DEFAULT_DELAY_MS, () => callback(cb, realmValue(env.realm, list)));
  };
  wifi.getIP = (cb?: unknown) => {
    const info = state.station === 'connected' ? { ...connectedIp(), mac } : { ip: '0.0.0.0', netmask: '0.0.0.0', gw: '0.0.0.0', mac };
    callback(cb, null, realmValue(env.realm, info));
    return realmValue(env.realm, info);
  };
  wifi.getAPIP = (cb?: unknown) => {
    const info = state.ap ? { ip: script.apIp ?? '192.168.4.1', netmask: '255.255.255.0', gw: script.apIp ?? '192.168.4.1', mac } : { ip: '0.0.0.0', netmask: '0.0.0.0', gw: '0.0.0.0', mac };
    callback(cb, null, realmValue(env.realm, info));
    return realmValue(env.realm, info);
  };
  wifi.getStatus = () => {
    const mode = state.ap ? (state.station !== 'off' ? 'APSTA' : 'AP') : state.station !== 'off' ? 'STA' : 'NULL';
    const status = state.station === 'connected'
      ? { station: 'connected', ssid: state.ssid, rssi: script.rssi ?? -60, mode, powersave: 'none' }
      : { station: state.lastReason, mode, powersave: 'none' };
    return realmValue(env.realm, status);
  };
  wifi.getDetails = () =>
    realmValue(env.realm, state.station === 'connected' ? { ssid: state.ssid, status: 'connected', authMode: 'wpa2' } : { status: state.lastReason });
  wifi.getAPDetails = () => realmValue(env.realm, { ssid: state.ap?.ssid ?? '', authMode: state.ap?.authMode ?? 'open', hidden: false, maxConn: 4 });
  wifi.setHostname = (name: unknown, cb?: unknown) => {
    state.hostname = String(name);
    callback(cb);
  };
  wifi.getHostname = () => state.hostname;
  wifi.setSNTP = () => undefined;
  wifi.setConfig = () => undefined;
  wifi.save = (what?: unknown) => {
    if (what === 'clear') saveConfig('');
    else saveConfig(JSON.stringify({ ssid: state.ssid ?? '', password, mode: state.ap ? 3 : 1, ssidAP: state.ap?.ssid ?? '', hostname: state.hostname }));
  };
  wifi.restore = () => undefined;
  wifi.getHostByName = (host: unknown, cb: unknown) => {
    import('dns').then((dns) =>
      dns.lookup(String(host), { family: 4 }, (err, address) => callback(cb, err ? null : address)),
    );
  };
  return {
    module: wifi,
    control: {
      state: () => ({ ...state, ap: state.ap && { ...state.ap } }),
      drop: (reason = 'BEACON_TIMEOUT') => {
        if (state.station !== 'off') disconnected(reason);
      },
    },
  };
}
