// The hardware-abstraction layer the firmware sees (architecture C2). device/src/hal/espruino/ implements it over
// Espruino's built-ins; the Node host runs the same bundle against an Espruino-like environment. Application code
// imports only these interfaces. Bytes are Uint8Array everywhere; callbacks, not promises (cheap on Espruino).
import { MeterLink, Timers } from '../meter/poller';

export type TimerHandle = unknown;

/** Time: monotonic-enough ms clock plus timers. `wallClock` is UTC ms (0-based until set from SNTP or the meter).
 *  @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface Clock extends Timers {
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
  wallClock(): number;
  setWallClock(utcMs: number): void;
}

/** The MEP UART (9600 8N1 on the board's pins) with the ENABLE and transceiver lines (spec §2). */
export type MeterUart = MeterLink;

/** Gives the next piece of a message each time it is called, then null: a big message made as it is sent. */
export type PieceSource = () => Uint8Array | null;

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface TcpSocket {
  /** Queues bytes, or a source asked for its pieces only when the socket can take them (in order with other writes,
   *  so a big message is never held whole); false when the socket is closed. */
  write(data: Uint8Array | PieceSource): boolean;
  end(): void;
  /** Exactly one of these ends the socket's life: onClose after connect, or onError before/after. */
  onData(listener: (chunk: Uint8Array) => void): void;
  onClose(listener: () => void): void;
  onError(listener: (message: string) => void): void;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface Tcp {
  /** Opens a connection; `onConnect` runs once it is up. Failures arrive through socket.onError then onClose. */
  connect(host: string, port: number, onConnect: () => void): TcpSocket;
}

/** Flash storage with Espruino semantics (espruino.md §2.2): names ≤ 28 characters, files written once per byte
 *  (create with the total size, then fill at offsets), whole-file erase. 
 * @mangle (internal to the firmware: see device/build/member-names.ts)
 */
export interface Storage {
  read(name: string): Uint8Array | null;
  readText(name: string): string | null;
  /** Whole file at once (replaces it). */
  write(name: string, data: Uint8Array | string): boolean;
  /** Pre-sized file for chunked writes: create with the first chunk and the total size, then chunks at offsets. */
  writeAt(name: string, data: Uint8Array, offset: number, totalSize?: number): boolean;
  /** Bytes [offset, offset + length) of a file as a byte string (Espruino: a memory-mapped flash slice, no RAM
   *  copy), for native hashing of staged updates; optional (test HALs), null when absent. */
  readTextAt?(name: string, offset: number, length: number): string | null;
  /** Bytes [offset, offset + length) of a file, as a new array. Espruino cannot make a view more than 65,535 bytes
   *  into a buffer (jswrap_arraybuffer.c: "byteOffset too large"), so big files are read by range, never by
   *  read(name).subarray(); optional (test HALs), absent means subarray of read() is fine. */
  readAt?(name: string, offset: number, length: number): Uint8Array | null;
  erase(name: string): void;
  list(prefix?: string): string[];
  /** Bytes free for new files. */
  free(): number;
}

export type WifiEvent = 'connected' | 'disconnected' | 'ap-started' | 'ap-stopped';

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface WifiNetwork {
  ssid: string;
  rssi: number;
  secure: boolean;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface Wifi {
  connect(ssid: string, password: string, done: (error: string | null) => void): void;
  disconnect(): void;
  startAccessPoint(ssid: string, password: string, done: (error: string | null) => void): void;
  stopAccessPoint(): void;
  scan(done: (networks: WifiNetwork[]) => void): void;
  /** Station IP, or null when not connected. */
  stationIp(): string | null;
  /** Station signal strength in dBm, or null. */
  rssi(): number | null;
  /** Hardware address of the station interface, lower-case hex with colons. */
  mac(): string;
  setHostname(name: string): void;
  on(event: WifiEvent, listener: (detail: string) => void): void;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface HttpRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  /** Header lookup, case-insensitive. */
  header(name: string): string | undefined;
  onData(listener: (chunk: Uint8Array) => void): void;
  onEnd(listener: () => void): void;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface HttpResponse {
  writeHead(status: number, headers: { [name: string]: string }): void;
  write(chunk: Uint8Array | string): void;
  end(chunk?: Uint8Array | string): void;
  onDrain(listener: () => void): void;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface HttpServer {
  listen(port: number, handler: (req: HttpRequest, res: HttpResponse) => void): void;
  close(): void;
}

/** A response of the HTTP client: status, headers, then the body in pieces (<= 536 bytes on the ESP32).
 *  @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface HttpClientResponse {
  status: number;
  header(name: string): string | undefined;
  onData(listener: (chunk: Uint8Array) => void): void;
  /** The body ended (or the connection closed). Called once. */
  onEnd(listener: () => void): void;
}

/** HTTP GET over plain http:// (Espruino http.request, espruino.md §2.8: no TLS on the device).
 *  @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface HttpClient {
  /** `onError` is called at most once, for a failure before or during the response; `abort()` ends it silently. */
  get(
    url: string,
    headers: { [name: string]: string },
    onResponse: (res: HttpClientResponse) => void,
    onError: (message: string) => void,
  ): { abort(): void };
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface Crypto {
  sha256(data: Uint8Array | string): Uint8Array;
  /** PBKDF2-HMAC-SHA256 (RFC 8018) of the password's UTF-8 bytes: the login password hash (web/password.ts). Runs
   *  natively (mbedtls) on the ESP32; blocks the interpreter for its duration. */
  pbkdf2(password: Uint8Array, salt: Uint8Array, iterations: number, keyBytes: number): Uint8Array;
  /** Random bytes from the best source the platform has (ESP32: hardware RNG). */
  randomBytes(n: number): Uint8Array;
  /** One AES-128 block (16 bytes) encrypted with `key` (ECB): the key stream of the AES-CTR fields of signed
   *  configuration commands (discovery/command-mac.ts ctrXor; Espruino's own CTR mode ignores the IV). Optional
   *  (test HALs without pairing); device/src/security refuses encrypted fields without it. */
  aes?(key: Uint8Array, block: Uint8Array): Uint8Array;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface System {
  /** Restart the device. Only the OTA installer and the user's "restart" command call this; never error handling. */
  reboot(): void;
  /** Free interpreter memory in bytes (Espruino: free JsVars × block size). */
  freeMemory(): number;
  /** Milliseconds since boot. */
  uptimeMs(): number;
  enableWatchdog(seconds: number): void;
  kickWatchdog(): void;
  /** Turn off the unauthenticated telnet console (espruino.md §2.8). */
  disableConsole(): void;
  /** Board name, e.g. 'ESP32' or 'ESP32C3'. */
  board(): string;
  /** Interpreter version, e.g. '2v29'. */
  interpreterVersion(): string;
  onUncaughtError(listener: (message: string) => void): void;
  log(line: string): void;
}

/** Lazy modules (device/src/lazy): code loaded from Storage only while needed. `load` returns the module's exports
 *  (the same object until `release`); it throws when the firmware has no such module. 
 * @mangle (internal to the firmware: see device/build/member-names.ts)
 */
export interface ModuleLoader {
  load(name: string): unknown;
  release(name: string): void;
  /** `length` characters from `offset` of a data range kept in the slot (device/build/modules.ts SLOT_DATA); '' past
   *  its end or when there is no such range. */
  read(name: string, offset: number, length: number): string;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface Hal {
  clock: Clock;
  uart: MeterUart;
  tcp: Tcp;
  storage: Storage;
  wifi: Wifi;
  http: HttpServer;
  /** Optional so test HALs without pulls stay valid; the Espruino HAL and the Node host provide it. */
  httpClient?: HttpClient;
  crypto: Crypto;
  system: System;
  /** Rarely used code (web pages, updates, discovery, configuration) is loaded through this, never imported by the
   *  resident app directly (device/src/lazy/modules.ts, device/build/modules.ts). */
  modules: ModuleLoader;
}
