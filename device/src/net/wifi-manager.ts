// WiFi: station mode with the configured network; when none is configured, or the station is not up within the
// fallback time (about a minute), an access point (default SSID esp32-mep, WPA2) serves the setup and recovery pages
// at 192.168.4.1 while the station keeps retrying in the background. The AP closes by itself once the station
// connects. (ESP32 runs AP and station together; the ESP32-C3 cannot: espruino.md §2.7.)
import { Clock, TimerHandle, Wifi } from '../hal/types';

export type WifiState = 'connecting' | 'station' | 'access-point';

export interface WifiManagerOptions {
  ssid: string;
  password: string;
  apSsid: string;
  apPassword: string;
  /** Start the AP when the station is not up after this long, ms. Default 60000. */
  fallbackAfterMs?: number;
  /** Station retry period while it is down, ms. Default 30000. */
  retryMs?: number;
}

export class WifiManager {
  private readonly wifi: Wifi;
  private readonly clock: Clock;
  private readonly o: WifiManagerOptions;
  private state: WifiState = 'connecting';
  private apUp = false;
  private stationUp = false;
  private fallbackTimer: TimerHandle = null;
  private retryTimer: TimerHandle = null;
  private listeners: ((state: WifiState) => void)[] = [];
  private disposed = false;

  constructor(deps: { wifi: Wifi; clock: Clock }, options: WifiManagerOptions) {
    this.wifi = deps.wifi;
    this.clock = deps.clock;
    this.o = options;
    this.wifi.on('connected', () => {
      if (!this.disposed) this.onStationUp();
    });
    this.wifi.on('disconnected', () => {
      if (!this.disposed) this.onStationDown();
    });
  }

  onChange(listener: (state: WifiState) => void): void {
    this.listeners.push(listener);
  }

  current(): WifiState {
    return this.state;
  }

  /** Stops acting on radio events and timers (before a new manager takes over with new settings). */
  dispose(): void {
    this.disposed = true;
    if (this.fallbackTimer !== null) this.clock.clearTimeout(this.fallbackTimer);
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.fallbackTimer = null;
    this.retryTimer = null;
    this.listeners = [];
  }

  start(): void {
    if (!this.o.ssid) {
      this.startAccessPoint();
      return;
    }
    this.armFallback();
    this.connect();
  }

  private connect(): void {
    this.wifi.connect(this.o.ssid, this.o.password, (error) => {
      if (this.disposed) return;
      if (error === null) this.onStationUp();
      else this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stationUp) return;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      if (!this.stationUp && !this.disposed) this.connect();
    }, this.o.retryMs || 30000);
  }

  private armFallback(): void {
    if (this.fallbackTimer !== null) return;
    this.fallbackTimer = this.clock.setTimeout(() => {
      this.fallbackTimer = null;
      if (!this.stationUp) this.startAccessPoint();
    }, this.o.fallbackAfterMs || 60000);
  }

  private startAccessPoint(): void {
    if (this.apUp) return;
    this.apUp = true;
    this.wifi.startAccessPoint(this.o.apSsid, this.o.apPassword, () => undefined);
    this.setState('access-point');
    if (this.o.ssid) this.scheduleRetry();
  }

  private onStationUp(): void {
    if (this.stationUp) return;
    this.stationUp = true;
    if (this.fallbackTimer !== null) this.clock.clearTimeout(this.fallbackTimer);
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.fallbackTimer = null;
    this.retryTimer = null;
    if (this.apUp) {
      this.apUp = false;
      this.wifi.stopAccessPoint();
    }
    this.setState('station');
  }

  private onStationDown(): void {
    if (!this.stationUp) return;
    this.stationUp = false;
    this.setState('connecting');
    this.armFallback();
    this.scheduleRetry();
  }

  private setState(state: WifiState): void {
    if (state === this.state) return;
    this.state = state;
    for (let i = 0; i < this.listeners.length; i++) (this.listeners[i] as (s: WifiState) => void)(state);
  }
}
