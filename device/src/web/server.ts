// The device's web server (issue 4 "Pages served by the device"): the built-in /recovery page, the uploaded web
// bundle's files (dashboard, setup, login), and the JSON API they use.
//
// Access rules (decided here, tested in test/device/web/access.test.ts):
// - A login is set: every API call but /api/session and /api/login needs a logged-in session.
// - No login yet, access-point mode: the AP's WPA2 password is the gate, so any session may use the API; the
//   setup page offers to create a login, and once one exists it is required like above.
// - No login yet, station mode: the device is on someone's LAN with nothing protecting it, so the ONLY thing the
//   API allows is creating the login (the pages show just the "create login" form). The WiFi credentials are never
//   a login.
// Every POST needs the session cookie and that session's CSRF token in X-CSRF-Token; GETs change nothing the user
// can see (GET /api/session starts an anonymous session so that even the login form is CSRF-protected).
import { Service } from '../app/config-command';
import { Hal, HttpRequest, HttpResponse } from '../hal/types';
import { UpdateInstaller, WebFiles } from '../ota/installer-types';
import { Settings } from '../settings/schema';
import { dashData } from './dash-data';
import { cookieValue, Headers, parseJsonObject, pathOf, readSmallBody, sendError, sendJson, streamSlices, withBase } from './http';
import { hashPassword, verifyPassword } from './password';
import { pairCall } from './pair';
import { COOKIE, Session, sessionCookie, Sessions, SessionStore } from './sessions';
import { applySetupForm, formView } from './setup-form';
import { LoginThrottle, ThrottleStore } from './throttle';

type Obj = { [key: string]: unknown };

/** What the web server needs from the rest of the firmware (wired in app.ts).
 *  @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface WebContext {
  hal: Hal;
  version: string;
  settings(): Settings;
  /** Stores the settings and restarts only the given services; false when Storage refused them. */
  storeSettings(next: Settings, restart: Service[]): boolean;
  /** The live readings, link state and meter identity (BT01) for the dashboard and /getDashDataWS (plain JSON, no
   *  secrets). */
  readings(): Obj;
  /** True while the device serves its own access point. */
  apMode(): boolean;
  /** The update engine while an update is under way, else null (status pages must not load the update code just to
   *  say that nothing is happening; an upload goes to takeUpload). */
  installer(): UpdateInstaller | null;
  /** Takes over POST /api/update once its login and CSRF token passed (ota/upload-receiver.ts): the pages are done
   *  with the request and may be unloaded while the body streams in. */
  takeUpload(req: HttpRequest, res: HttpResponse): void;
  webFiles(): WebFiles | null;
  /** `length` bytes of a Storage file from `offset` (web files are streamed in slices, espruino.md §2.8). */
  readSlice(name: string, offset: number, length: number): Uint8Array | string | null;
  /** Stores a new password for the device's own access point (used from the next WiFi restart on). */
  storeApPassword(password: string): boolean;
  /** Erases the web/app storage area; the settings too unless keepSettings. */
  format(keepSettings: boolean): void;
  /** Logins and the login back-off, as plain data that outlives the web module (device/src/lazy). */
  keep?: { sessions: SessionStore; throttle: ThrottleStore };
}

/** Biggest JSON/form body accepted (the setup form is ~600 bytes). */
const BODY_LIMIT = 2048;
/** No peer address on Espruino (throttle.ts): one back-off for all clients. */
const CLIENT = 'all';


function contentType(path: string): string {
  const TYPES: { [ext: string]: string } = {
    html: 'text/html; charset=utf-8',
    css: 'text/css',
    js: 'application/javascript',
    json: 'application/json',
    svg: 'image/svg+xml',
    png: 'image/png',
    ico: 'image/x-icon',
    txt: 'text/plain',
  };
  const parts = path.split('.');
  const type = parts.length > 1 ? TYPES[(parts[parts.length - 1] as string).toLowerCase()] : undefined;
  return typeof type === 'string' ? type : 'application/octet-stream';
}

export class WebServer {
  private readonly ctx: WebContext;
  private readonly sessions: Sessions;
  private readonly throttle: LoginThrottle;
  /** Requests whose response has not ended yet (the web module is not unloaded under them). */
  private open = 0;

  constructor(ctx: WebContext) {
    this.ctx = ctx;
    this.sessions = new Sessions(ctx.hal.crypto, ctx.keep ? ctx.keep.sessions : undefined);
    this.throttle = new LoginThrottle(ctx.keep ? ctx.keep.throttle : undefined);
  }

  start(port: number): void {
    this.ctx.hal.http.listen(port, (req, res) => this.handle(req, res));
  }

  stop(): void {
    this.ctx.hal.http.close();
  }

  /** Set by route() for an upload that passed its checks: handle() hands it to ctx.takeUpload. */
  private handOff = false;

  /** True while a request is being answered. */
  busy(): boolean {
    return this.open > 0;
  }

  handle(req: HttpRequest, res: HttpResponse): void {
    this.open++;
    const end = res.end;
    let ended = false;
    res.end = (data?: string | Uint8Array) => {
      if (!ended) this.open--;
      ended = true;
      end.call(res, data);
    };
    try {
      this.route(req, res);
      if (this.handOff) {
        // An upload leaves the pages: no wrapper of theirs may stay on the response (it would keep them loaded).
        this.handOff = false;
        res.end = end;
        ended = true;
        this.open--;
        this.ctx.takeUpload(req, res);
      }
    } catch (e) {
      // A bug in one handler must not take the server down; the message carries no request data.
      this.ctx.hal.system.log(`web: ${req.method} failed: ${String(e)}`);
      sendError(res, 500, 'internal error');
    }
  }

  private now(): number {
    return this.ctx.hal.system.uptimeMs();
  }

  private current(req: HttpRequest): Session | null {
    return this.sessions.find(cookieValue(req.header('cookie'), COOKIE), this.now());
  }

  private loginSet(): boolean {
    return this.ctx.settings().login.passwordHash !== '';
  }

  /** May this session use the device's API? (see the rules at the top) */
  private allowed(s: Session | null): boolean {
    if (!s) return false;
    return this.loginSet() ? s.user !== '' : this.ctx.apMode();
  }

  /** GET guard: true when this session may read the API; else answers 401. */
  private mayRead(req: HttpRequest, res: HttpResponse): boolean {
    if (this.allowed(this.current(req))) return true;
    sendError(res, 401, 'login required');
    return false;
  }

  /** POST guard: the session, when it sent its CSRF token (and for `needsAccess` routes may use the API); else null
   *  after answering 403/401. */
  private mayPost(req: HttpRequest, res: HttpResponse, needsAccess: boolean): Session | null {
    const s = this.current(req);
    if (!s || req.header('x-csrf-token') !== s.csrf) sendError(res, 403, 'missing or wrong CSRF token: reload the page');
    else if (needsAccess && !this.allowed(s)) sendError(res, 401, 'login required');
    else return s;
    return null;
  }

  /** Exact-path routing in one method: a table of routes as objects and closures cost ~550 JsVars while the pages are
   *  loaded (issue 9), a switch costs none. A GET never changes state; every POST passes mayPost (CSRF, and access
   *  for all but login/logout); a known path with another method is 405, an unknown GET is a web bundle file. */
  private route(req: HttpRequest, res: HttpResponse): void {
    const ctx = this.ctx;
    const get = req.method === 'GET';
    const post = req.method === 'POST';
    let s: Session | null;
    switch (pathOf(req.url)) {
      case '/recovery':
        if (get) return this.builtIn(res, 'rcv', 'text/html; charset=utf-8');
        break;
      case '/api/session':
        if (get) return this.session(req, res);
        break;
      case '/api/login':
        if (post) return void ((s = this.mayPost(req, res, false)) && this.login(req, res, s));
        break;
      case '/api/logout':
        if (post) return void ((s = this.mayPost(req, res, false)) && this.logout(res, s));
        break;
      case '/api/readings':
        if (get) return void (this.mayRead(req, res) && sendJson(res, 200, ctx.readings()));
        break;
      case '/getDashDataWS': {
        // The reference firmware's JSON (dash-data.ts): behind the login unless the user opened it on the setup page.
        if (!get) break;
        const web = ctx.settings().web;
        if ((web && web.openDashData) || this.allowed(this.current(req))) sendJson(res, 200, dashData(ctx.version, ctx.readings()));
        else sendError(res, 401, 'login required (or allow reading it without a login on the setup page)');
        return;
      }
      case '/api/status':
        if (get) return void (this.mayRead(req, res) && sendJson(res, 200, this.status()));
        break;
      case '/api/settings':
        if (get) return void (this.mayRead(req, res) && sendJson(res, 200, formView(ctx.settings())));
        if (post) return void ((s = this.mayPost(req, res, true)) && this.saveSettings(req, res, s));
        break;
      case '/api/wifi/scan':
        if (get) return void (this.mayRead(req, res) && ctx.hal.wifi.scan((list) => sendJson(res, 200, { networks: list })));
        break;
      case '/api/update':
        if (post) return void (this.mayPost(req, res, true) && (this.handOff = true));
        break;
      case '/api/format':
        if (post) return void (this.mayPost(req, res, true) && this.format(req, res));
        break;
      case '/api/reboot':
        if (post) return void (this.mayPost(req, res, true) && this.reboot(res));
        break;
      // Pairing with the add-on (pair.ts, issue 11): status, "Pair" and "Unpair" behind the login; the add-on's own
      // request needs no session (its answer opens only with the code shown here, within the open window).
      case '/api/pairing':
        if (get) return void (this.mayRead(req, res) && pairCall(ctx.hal, res, 'status', null));
        if (post) return void (this.mayPost(req, res, true) && pairCall(ctx.hal, res, 'open', null));
        break;
      case '/api/unpair':
        if (post) return void (this.mayPost(req, res, true) && pairCall(ctx.hal, res, 'unpair', null));
        break;
      case '/api/pair':
        if (post) return readSmallBody(req, 512, (text) => pairCall(ctx.hal, res, 'answer', text));
        break;
      default:
        if (get) this.file(req, res);
        else sendError(res, 404, 'not found');
        return;
    }
    sendError(res, 405, 'method not allowed');
  }

  private cookieHeaders(s: Session): Headers {
    return { 'Set-Cookie': sessionCookie(s.token) };
  }

  private session(req: HttpRequest, res: HttpResponse): void {
    let s = this.current(req);
    const headers = s ? {} : this.cookieHeaders((s = this.sessions.create('', this.now())));
    sendJson(
      res,
      200,
      { loggedIn: s.user !== '', user: s.user, loginSet: this.loginSet(), ap: this.ctx.apMode(), allowed: this.allowed(s), csrf: s.csrf, version: this.ctx.version },
      headers,
    );
  }

  private body(req: HttpRequest, res: HttpResponse, done: (form: Obj) => void): void {
    readSmallBody(req, BODY_LIMIT, (text) => {
      const form = text === null ? null : parseJsonObject(text);
      if (!form) {
        sendError(res, 400, text === null ? 'request body too large' : 'the body must be a JSON object');
        return;
      }
      try {
        done(form);
      } catch (e) {
        this.ctx.hal.system.log(`web: ${req.method} failed: ${String(e)}`);
        sendError(res, 500, 'internal error');
      }
    });
  }

  /** Logs in, or creates the first login when none is set (then from any mode: see the rules at the top). */
  private login(req: HttpRequest, res: HttpResponse, old: Session): void {
    this.body(req, res, (form) => {
      const wait = this.throttle.waitMs(CLIENT, this.now());
      if (wait > 0) {
        sendJson(res, 429, { error: `too many failed logins: try again in ${Math.ceil(wait / 1000)} s` }, { 'Retry-After': String(Math.ceil(wait / 1000)) });
        return;
      }
      const user = typeof form.user === 'string' ? form.user : '';
      const password = typeof form.password === 'string' ? form.password : '';
      const settings = this.ctx.settings();
      if (!this.loginSet()) {
        // null for an empty field: setup-form reports it ("must be 1 to 32 characters", "8 to 64") instead of
        // storing no login and answering "logged in" (issue 12).
        const form = { 'login.user': user || null, 'login.password': password || null };
        const out = applySetupForm(settings, form, (pw) => hashPassword(this.ctx.hal.crypto, pw));
        if (!out.settings) {
          sendJson(res, 400, { error: 'please correct the marked fields', fields: out.errors });
          return;
        }
        if (!this.ctx.storeSettings(out.settings, [])) {
          sendError(res, 500, 'the login could not be stored');
          return;
        }
      } else if (user !== settings.login.user || !verifyPassword(this.ctx.hal.crypto, password, settings.login.passwordHash)) {
        this.throttle.failed(CLIENT, this.now());
        sendError(res, 401, 'wrong user name or password');
        return;
      }
      this.throttle.succeeded(CLIENT);
      this.sessions.drop(old.token);
      const s = this.sessions.create(user, this.now());
      sendJson(res, 200, { loggedIn: true, user, csrf: s.csrf }, this.cookieHeaders(s));
    });
  }

  private logout(res: HttpResponse, s: Session): void {
    this.sessions.drop(s.token);
    sendJson(res, 200, { loggedIn: false }, { 'Set-Cookie': sessionCookie('', true) });
  }

  private status(): Obj {
    const files = this.ctx.webFiles();
    const installer = this.ctx.installer();
    return {
      version: this.ctx.version,
      web: files ? files.version() : null,
      freeStorage: this.ctx.hal.storage.free(),
      freeMemory: this.ctx.hal.system.freeMemory(),
      uptimeS: Math.floor(this.ctx.hal.system.uptimeMs() / 1000),
      ap: this.ctx.apMode(),
      update: installer ? installer.progress() : null,
    };
  }

  private saveSettings(req: HttpRequest, res: HttpResponse, s: Session): void {
    this.body(req, res, (form) => {
      const out = applySetupForm(this.ctx.settings(), form, (pw) => hashPassword(this.ctx.hal.crypto, pw));
      if (!out.settings) {
        sendJson(res, 400, { error: 'please correct the marked fields', fields: out.errors });
        return;
      }
      if (out.apPassword && !this.ctx.storeApPassword(out.apPassword)) {
        sendError(res, 500, 'the access point password could not be stored');
        return;
      }
      if (out.changed.length && !this.ctx.storeSettings(out.settings, out.restart)) {
        sendError(res, 500, 'settings could not be stored');
        return;
      }
      let headers: Headers = {};
      let csrf = s.csrf;
      if (out.changed.indexOf('login.password') >= 0 || out.changed.indexOf('login.user') >= 0) {
        // A new login ends every other session; this browser continues in a fresh one.
        this.sessions.clear();
        const fresh = this.sessions.create(out.settings.login.user, this.now());
        headers = this.cookieHeaders(fresh);
        csrf = fresh.csrf;
      }
      sendJson(res, 200, { ok: true, changed: out.changed, restarted: out.restart, csrf }, headers);
    });
  }

  private format(req: HttpRequest, res: HttpResponse): void {
    this.body(req, res, (form) => {
      if (form.confirm !== 'FORMAT') {
        sendError(res, 400, 'type FORMAT to confirm');
        return;
      }
      const keep = form.keepSettings !== false;
      this.ctx.format(keep);
      if (!keep) this.sessions.clear();
      sendJson(res, 200, { ok: true, keptSettings: keep });
    });
  }

  private reboot(res: HttpResponse): void {
    sendJson(res, 200, { ok: true });
    this.ctx.hal.clock.setTimeout(() => this.ctx.hal.system.reboot(), 500);
  }

  /** A page built into the firmware as slot data (device/build/modules.ts): sent from flash in slices, never one
   *  string in RAM (the recovery page alone would be ~280 JsVars). */
  private builtIn(res: HttpResponse, name: string, type: string): void {
    const modules = this.ctx.hal.modules;
    const page = modules.read(name, 0, 1e5);
    res.writeHead(200, withBase({ 'Content-Type': type, 'Content-Length': String(page.length) }));
    streamSlices(res, page.length, (offset, len) => modules.read(name, offset, len));
  }

  /** The web bundle's files; "/" is its index.html, or the built-in page while no bundle is installed. */
  private file(req: HttpRequest, res: HttpResponse): void {
    const files = this.ctx.webFiles();
    let path = req.url.split('?')[0] as string;
    if (path.charAt(path.length - 1) === '/') path += 'index.html';
    const f = files ? files.lookup(path) : null;
    if (!f) {
      // No web bundle (a module fresh from `mep upload`, or after a format): the built-in dashboard, setup and
      // login page (slot data 'home', built-in-pages.ts) answers for the bundle's pages.
      if (path === '/index.html' || path === '/setup.html' || path === '/login.html') this.builtIn(res, 'home', 'text/html; charset=utf-8');
      else sendError(res, 404, 'not found');
      return;
    }
    const headers = withBase({ 'Content-Type': contentType(path), 'Content-Length': String(f.length) });
    if (f.gzip) headers['Content-Encoding'] = 'gzip';
    res.writeHead(200, headers);
    streamSlices(res, f.length, (offset, len) => this.ctx.readSlice(f.storageName, offset, len));
  }
}
