import { WifiManager, WifiState } from '../../../device/src/net/wifi-manager';
import { Clock, Wifi, WifiEvent } from '../../../device/src/hal/types';
import { VirtualTime } from '../../helpers/virtual-time';

/** A scripted radio: `reachable` decides whether connect() succeeds (after 3 s, like a real association). */
function fakeWifi(time: VirtualTime) {
  const listeners: Record<string, ((d: string) => void)[]> = {};
  const log: string[] = [];
  const radio = {
    reachable: false,
    log,
    emit(e: WifiEvent) {
      for (const l of listeners[e] ?? []) l('');
    },
    wifi: {
      connect(ssid: string, _password: string, done: (e: string | null) => void) {
        log.push(`connect ${ssid}`);
        time.setTimeout(() => {
          if (radio.reachable) {
            done(null);
          } else done('no AP found');
        }, 3000);
      },
      disconnect() {},
      startAccessPoint(ssid: string, _p: string, done: (e: string | null) => void) {
        log.push(`ap-start ${ssid}`);
        done(null);
      },
      stopAccessPoint() {
        log.push('ap-stop');
      },
      scan: (done: (n: never[]) => void) => done([]),
      stationIp: () => null,
      rssi: () => null,
      mac: () => '24:0a:c4:00:11:22',
      setHostname() {},
      on(e: WifiEvent, l: (d: string) => void) {
        (listeners[e] ??= []).push(l);
      },
    } as Wifi,
  };
  return radio;
}

function clockOf(time: VirtualTime): Clock {
  return { ...time, setInterval: () => 0, clearInterval: () => undefined, wallClock: time.now, setWallClock: () => undefined };
}

const OPTS = { ssid: 'home', password: 'secret-pw', apSsid: 'esp32-mep', apPassword: 'ap-password-1' };

describe('WiFi with access-point fallback', () => {
  test('no network configured: the access point starts at once', () => {
    const time = new VirtualTime();
    const radio = fakeWifi(time);
    const m = new WifiManager({ wifi: radio.wifi, clock: clockOf(time) }, { ...OPTS, ssid: '' });
    m.start();
    expect(radio.log).toEqual(['ap-start esp32-mep']);
    expect(m.current()).toBe('access-point');
  });

  test('network unreachable for a minute: AP starts, the station keeps retrying, and the AP closes once it connects', () => {
    const time = new VirtualTime();
    const radio = fakeWifi(time);
    const states: WifiState[] = [];
    const m = new WifiManager({ wifi: radio.wifi, clock: clockOf(time) }, OPTS);
    m.onChange((s) => states.push(s));
    m.start();
    time.advance(59000);
    expect(radio.log).not.toContain('ap-start esp32-mep');
    time.advance(2000);
    expect(radio.log).toContain('ap-start esp32-mep');
    time.advance(5 * 60000);
    expect(radio.log.filter((l) => l === 'connect home').length).toBeGreaterThan(5);
    radio.reachable = true;
    time.advance(40000);
    expect(radio.log[radio.log.length - 1]).toBe('ap-stop');
    expect(states).toEqual(['access-point', 'station']);
  });

  test('station lost later: after the fallback time the AP comes back', () => {
    const time = new VirtualTime();
    const radio = fakeWifi(time);
    radio.reachable = true;
    const m = new WifiManager({ wifi: radio.wifi, clock: clockOf(time) }, OPTS);
    m.start();
    time.advance(5000);
    expect(m.current()).toBe('station');
    radio.reachable = false;
    radio.emit('disconnected');
    expect(m.current()).toBe('connecting');
    time.advance(61000);
    expect(m.current()).toBe('access-point');
  });
});
