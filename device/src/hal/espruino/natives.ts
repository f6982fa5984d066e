// The Espruino built-in modules the HAL uses, typed for exactly the calls we make (../shared/docs/espruino.md §2).
// Every native module is loaded here (espruino.md §1.5, checklist "Build"): `global.require(name)` rather than a bare
// `require`, because esbuild's iife output wraps a bare `require` in its __require shim (Proxy + `arguments`), which
// the bundle check rejects. Types are module-local, not in device/types/espruino.d.ts: tsconfig.json (Node) compiles
// this folder too, without that file.

/** Storage: flash files, names ≤ 28 characters, write-once bytes (espruino.md §2.2). Strings are byte strings. */
export interface EspruinoStorage {
  read(name: string, offset?: number, length?: number): string | undefined;
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  write(name: string, data: string | Uint8Array, offset?: number, size?: number): boolean;
  erase(name: string): void;
  list(): string[];
  getFree(): number;
}

export interface EspruinoSocket {
  write(data: string): void;
  end(): void;
  on(event: 'data', listener: (data: string) => void): void;
  on(event: 'close' | 'end' | 'drain', listener: () => void): void;
  on(event: 'error', listener: (error: { message?: string } | string) => void): void;
}

/** net: TCP client; connect and DNS block on the ESP32 and may throw (espruino.md §2.8). */
export interface EspruinoNet {
  connect(options: { host: string; port: number }, onConnect: () => void): EspruinoSocket;
}

export interface EspruinoIpInfo {
  ip?: string;
  netmask?: string;
  gw?: string;
  mac: string;
}

export interface EspruinoAccessPoint {
  ssid: string;
  rssi: number;
  authMode: string;
  mac?: string;
  channel?: string | number;
}

/** Wifi (espruino.md §2.7). ESP32: getIP() answers synchronously; scan() calls back with the list only. */
export interface EspruinoWifi {
  connect(ssid: string, options: { password: string }, callback: (error: string | null) => void): void;
  disconnect(): void;
  startAP(ssid: string, options: { password: string; authMode: string }, callback: (error: string | null) => void): void;
  stopAP(): void;
  scan(callback: (a: unknown, b?: unknown) => void): void;
  getIP(): EspruinoIpInfo;
  getStatus(): { station?: string; rssi?: number };
  setHostname(name: string): void;
  on(event: 'connected', listener: (details: { ip?: string }) => void): void;
  on(event: 'disconnected', listener: (details: { reason?: string | number }) => void): void;
}

export interface EspruinoHttpRequest {
  method: string;
  url: string;
  /** Header names keep the client's capitalisation (espruino.md §2.8). */
  headers: { [name: string]: string };
  on(event: 'data', listener: (data: string) => void): void;
  on(event: 'end' | 'close', listener: () => void): void;
  removeAllListeners(event: string): void;
}

export interface EspruinoHttpResponse {
  writeHead(status: number, headers: { [name: string]: string }): void;
  write(data: string): void;
  end(data?: string): void;
  on(event: 'drain' | 'close', listener: () => void): void;
  removeAllListeners(event: string): void;
}

export interface EspruinoHttpServer {
  listen(port: number): void;
  close(): void;
}

/** http client response (httpCRs): statusCode, headers, 'data' byte strings, 'close' at the end, 'error'. */
export interface EspruinoHttpClientResponse {
  statusCode: string | number;
  headers: { [name: string]: string };
  on(event: 'data', listener: (data: string) => void): void;
  on(event: 'end' | 'close', listener: () => void): void;
  on(event: 'error', listener: (error: unknown) => void): void;
}

export interface EspruinoHttpClientRequest {
  on(event: 'error', listener: (error: unknown) => void): void;
  end(): void;
}

export interface EspruinoHttp {
  createServer(handler: (req: EspruinoHttpRequest, res: EspruinoHttpResponse) => void): EspruinoHttpServer;
  request(
    options: { host: string; port: number; path: string; method: string; headers: { [name: string]: string } },
    callback: (res: EspruinoHttpClientResponse) => void,
  ): EspruinoHttpClientRequest;
}

/** crypto: SHA256 and PBKDF2 return an ArrayBuffer (espruino.md §2.5); PBKDF2's keySize counts 32-bit words
 *  (libs/crypto/jswrap_crypto.c, ESP32 build with USE_TLS: hasher may be 'SHA256'). */
export interface EspruinoCrypto {
  SHA256(data: string | Uint8Array): ArrayBuffer;
  PBKDF2(passphrase: string, salt: string, options: { keySize: number; iterations: number; hasher: string }): ArrayBuffer;
  AES: { encrypt(data: Uint8Array, key: Uint8Array, options: { mode: string }): ArrayBuffer };
}

export interface EspruinoTelnet {
  setOptions(options: { mode: 'on' | 'off' }): void;
}

/** The `E` object (espruino.md §2.4, §3): flat byte-string/typed-array conversion, reboot, watchdog, RNG. */
export interface EspruinoE {
  toUint8Array(data: string): Uint8Array;
  toString(data: Uint8Array): string;
  reboot(): void;
  enableWatchdog(seconds: number, isAuto: boolean): void;
  kickWatchdog(): void;
  hwRand(): number;
}

/** A UART (espruino.md §2.6): 'data' delivers byte strings in chunks of up to 64 bytes. */
export interface EspruinoSerial {
  setup(
    baud: number,
    options: { rx: number; tx: number; bytesize: number; parity: string | null; stopbits: number },
  ): void;
  write(data: Uint8Array): void;
  on(event: 'data', listener: (data: string) => void): void;
}

/** `process` (espruino.md §3): memory(false) skips the GC pass; env.VERSION/BOARD name the interpreter build. */
export interface EspruinoProcess {
  memory(gc: boolean): { free: number; usage: number; total: number; blocksize?: number };
  env: { VERSION?: string; BOARD?: string };
  on(event: 'uncaughtException', listener: (error: unknown) => void): void;
}

interface Natives {
  Storage: EspruinoStorage;
  net: EspruinoNet;
  Wifi: EspruinoWifi;
  http: EspruinoHttp;
  crypto: EspruinoCrypto;
  TelnetServer: EspruinoTelnet;
}

/** Espruino's root scope object; `global.require` is the built-in require (espruino.md §2.10). */
declare const global: { require(name: string): unknown };

export function native<K extends keyof Natives>(name: K): Natives[K] {
  return global.require(name) as Natives[K];
}
