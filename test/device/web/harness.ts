// In-process harness for the device web server: requests and responses shaped like the HAL's (Espruino-sized body
// chunks, 'drain' after each write), a context over the in-memory Storage of the app test HAL and Node crypto,
// and a tiny browser that keeps the session cookie and CSRF token.
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Hal, HttpRequest, HttpResponse, WifiNetwork } from '../../../device/src/hal/types';
import { UpdateInstaller, WebFiles } from '../../../device/src/ota/installer-types';
import { Service } from '../../../device/src/app/config-command';
import { Settings, SETTINGS_FILE } from '../../../device/src/settings/schema';
import { loadSettings, saveSettings } from '../../../device/src/settings/store';
import { WebContext, WebServer } from '../../../device/src/web/server';
import { formatWebArea } from '../../../device/src/web/format';
import { memoryStorage } from '../../helpers/app-hal';
import { createDirectModules } from '../../../device/src/lazy/direct';
import { receiveUpload } from '../../../device/src/ota/upload-receiver';
import { sendJson } from '../../../device/src/web/http';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
  /** Largest single write the server made (bodies must be streamed in slices). */
  biggestWrite: number;
}

export function call(server: WebServer, method: string, url: string, headers: Record<string, string> = {}, body?: Uint8Array | string, chunk = 536): Promise<Reply> {
  return new Promise((resolve) => {
    const data: Uint8Array = body === undefined ? new Uint8Array(0) : typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body;
    const dataListeners: ((c: Uint8Array) => void)[] = [];
    const endListeners: (() => void)[] = [];
    const lower: Record<string, string> = {};
    for (const k of Object.keys(headers)) lower[k.toLowerCase()] = headers[k] as string;
    if (body !== undefined && lower['content-length'] === undefined) lower['content-length'] = String(data.length);
    const req: HttpRequest = {
      method,
      url,
      header: (n) => lower[n.toLowerCase()],
      onData: (l) => void dataListeners.push(l),
      onEnd: (l) => void endListeners.push(l),
    };
    const parts: Buffer[] = [];
    let status = 0;
    let head: Record<string, string> = {};
    let biggestWrite = 0;
    const drains: (() => void)[] = [];
    const add = (c?: Uint8Array | string) => {
      if (c === undefined) return;
      const b = typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c);
      biggestWrite = Math.max(biggestWrite, b.length);
      parts.push(b);
    };
    const res: HttpResponse = {
      writeHead: (s, h) => {
        status = s;
        head = { ...h };
      },
      write: (c) => {
        add(c);
        setImmediate(() => drains.forEach((d) => d()));
      },
      end: (c) => {
        add(c);
        const text = Buffer.concat(parts).toString('utf8');
        let json: unknown = undefined;
        try {
          json = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status, headers: head, text, json, biggestWrite });
      },
      onDrain: (l) => void drains.push(l),
    };
    server.handle(req, res);
    setImmediate(() => {
      for (let i = 0; i < data.length; i += chunk) dataListeners.forEach((l) => l(data.slice(i, i + chunk)));
      endListeners.forEach((l) => l());
    });
  });
}

export class TestBrowser {
  cookie = '';
  csrf = '';
  constructor(readonly server: WebServer) {}

  async req(method: string, url: string, body?: unknown, extra: Record<string, string> = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...extra };
    if (this.cookie) headers.Cookie = this.cookie;
    if (this.csrf && method === 'POST') headers['X-CSRF-Token'] = this.csrf;
    const r = await call(this.server, method, url, headers, body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body));
    const set = r.headers['Set-Cookie'];
    if (set) this.cookie = set.split(';')[0] as string;
    if (r.json && typeof r.json.csrf === 'string') this.csrf = r.json.csrf;
    return r;
  }

  async open(): Promise<Reply> {
    return this.req('GET', '/api/session');
  }

  async login(user: string, password: string): Promise<Reply> {
    await this.open();
    return this.req('POST', '/api/login', { user, password });
  }
}

export interface TestDevice {
  server: WebServer;
  ctx: WebContext;
  files: Map<string, Uint8Array>;
  settings(): Settings;
  stored: { restart: Service[] }[];
  ap: { on: boolean };
  clock: { now: number };
  reboots: number;
  logs: string[];
  installer: UpdateInstaller | null;
  webFiles: WebFiles | null;
}

export const SECRETS = { wifi: 'wifi-secret-4711', mqtt: 'mqtt-secret-4711', key: 'ABCDEFGHIJKLMNOPQRST', login: 'login-secret-4711' };

export function testDevice(initial: Record<string, unknown> = {}, networks: WifiNetwork[] = []): TestDevice {
  const files = new Map<string, Uint8Array>();
  const storage = memoryStorage(files);
  files.set(SETTINGS_FILE, new Uint8Array(Buffer.from(JSON.stringify(initial))));
  let settings = loadSettings(storage).settings;
  const clock = { now: 1000 };
  const timers = new Map<number, () => void>();
  let timerId = 0;
  const dev = { stored: [], ap: { on: false }, clock, reboots: 0, logs: [], installer: null, webFiles: null, files } as unknown as TestDevice;
  const hal = {
    storage,
    crypto: {
      sha256: (d: Uint8Array | string) => new Uint8Array(createHash('sha256').update(typeof d === 'string' ? Buffer.from(d, 'latin1') : d).digest()),
      randomBytes: (n: number) => new Uint8Array(randomBytes(n)),
      pbkdf2: (pw: Uint8Array, salt: Uint8Array, it: number, len: number) => new Uint8Array(pbkdf2Sync(pw, salt, it, len, 'sha256')),
    },
    wifi: { scan: (done: (n: WifiNetwork[]) => void) => setImmediate(() => done(networks)) },
    http: { listen: () => undefined, close: () => undefined },
    // Built-in pages (the recovery page) are slot data of the firmware, read through the module loader.
    modules: createDirectModules(),
    clock: {
      setTimeout: (fn: () => void) => (timers.set(++timerId, fn), timerId),
      clearTimeout: (id: number) => void timers.delete(id),
    },
    system: {
      uptimeMs: () => clock.now,
      freeMemory: () => 40000,
      reboot: () => void dev.reboots++,
      log: (l: string) => void dev.logs.push(l),
    },
  } as unknown as Hal;
  const ctx: WebContext = {
    hal,
    version: '9.8.7',
    settings: () => settings,
    storeSettings: (next, restart) => {
      settings = next;
      dev.stored.push({ restart });
      return saveSettings(storage, next);
    },
    readings: () => ({ name: settings.name, link: 'online', values: { energy_import: 1234.5, power_import: 321 } }),
    apMode: () => dev.ap.on,
    installer: () => dev.installer,
    // As the app does: the installer takes the upload over from the pages.
    takeUpload: (req, res) => {
      if (dev.installer) receiveUpload(req, res, dev.installer, hal.clock);
      else sendJson(res, 503, { ok: false, error: 'updates are not available in this firmware' });
    },
    webFiles: () => dev.webFiles,
    readSlice: (name, offset, length) => {
      const d = files.get(name);
      return d ? d.subarray(offset, offset + length) : null;
    },
    format: (keep) => void formatWebArea(storage, keep),
    storeApPassword: (pw) => storage.write('mep.ap', pw),
  };
  dev.ctx = ctx;
  dev.server = new WebServer(ctx);
  dev.settings = () => settings;
  // timers run when the test asks (reboot after the answer)
  (dev as unknown as { runTimers: () => void }).runTimers = () => {
    const due = [...timers.values()];
    timers.clear();
    due.forEach((f) => f());
  };
  return dev;
}

/** A device with WiFi, MQTT, key and a login set to SECRETS. */
export async function securedDevice(): Promise<TestDevice> {
  const dev = testDevice({ wifi: { ssid: 'home', password: SECRETS.wifi }, mqtt: { host: 'broker.lan', password: SECRETS.mqtt }, meter: { key: SECRETS.key } });
  dev.ap.on = true; // first login created through the AP, as a user would
  const b = new TestBrowser(dev.server);
  const r = await b.login('admin', SECRETS.login);
  if (r.status !== 200) throw new Error(`could not create the login: ${r.text}`);
  dev.ap.on = false;
  return dev;
}
