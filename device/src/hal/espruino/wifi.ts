// Wifi over require("Wifi") (espruino.md §2.7). The access point always uses WPA2 (a password of at least 8
// characters, which is what the ESP32 driver demands). 'ap-started'/'ap-stopped' have no native event and are raised
// here. On the ESP32-C3 the driver cannot run AP and station together; that rule lives in the native driver.
import { Wifi, WifiEvent, WifiNetwork } from '../types';
import { EspruinoAccessPoint, native } from './natives';

function isConnectedIp(ip: string | undefined): ip is string {
  return ip !== undefined && ip !== '' && ip !== '0.0.0.0';
}

function toNetworks(list: EspruinoAccessPoint[]): WifiNetwork[] {
  const out: WifiNetwork[] = [];
  for (let i = 0; i < list.length; i++) {
    const ap = list[i]!;
    out.push({ ssid: ap.ssid, rssi: ap.rssi, secure: ap.authMode !== 'open' });
  }
  return out;
}

export function createWifi(): Wifi {
  const wifi = native('Wifi');
  const own: { [event: string]: ((detail: string) => void)[] } = {};

  function raise(event: WifiEvent, detail: string): void {
    const list = own[event] || [];
    for (let i = 0; i < list.length; i++) list[i]!(detail);
  }

  return {
    connect(ssid: string, password: string, done: (error: string | null) => void): void {
      wifi.connect(ssid, { password: password }, (error: string | null) => done(error ? String(error) : null));
    },
    disconnect(): void {
      wifi.disconnect();
    },
    startAccessPoint(ssid: string, password: string, done: (error: string | null) => void): void {
      if (password.length < 8) {
        done('the access point password needs at least 8 characters (WPA2)');
        return;
      }
      try {
        wifi.startAP(ssid, { password: password, authMode: 'wpa2' }, (error: string | null) => {
          if (!error) raise('ap-started', ssid);
          done(error ? String(error) : null);
        });
      } catch (e) {
        done(e instanceof Error ? e.message : String(e));
      }
    },
    stopAccessPoint(): void {
      wifi.stopAP();
      raise('ap-stopped', '');
    },
    scan(done: (networks: WifiNetwork[]) => void): void {
      // ESP32 calls back with the list alone; other ports with (error, list).
      wifi.scan((a: unknown, b?: unknown) => {
        const list = Array.isArray(a) ? a : Array.isArray(b) ? b : [];
        done(toNetworks(list as EspruinoAccessPoint[]));
      });
    },
    stationIp(): string | null {
      const ip = wifi.getIP().ip;
      return isConnectedIp(ip) ? ip : null;
    },
    rssi(): number | null {
      const status = wifi.getStatus();
      return status.station === 'connected' && typeof status.rssi === 'number' ? status.rssi : null;
    },
    mac(): string {
      return wifi.getIP().mac.toLowerCase();
    },
    setHostname(name: string): void {
      wifi.setHostname(name);
    },
    on(event: WifiEvent, listener: (detail: string) => void): void {
      if (event === 'connected') wifi.on('connected', (details) => listener((details && details.ip) || ''));
      else if (event === 'disconnected') {
        wifi.on('disconnected', (details) => listener(details && details.reason !== undefined ? String(details.reason) : ''));
      }
      else (own[event] = own[event] || []).push(listener);
    },
  };
}
