// Wifi with scripted outcomes, net over node:net and http over node:http, with Espruino's APIs (espruino.md §2.7,
// §2.8).
import { once } from 'events';
import { createServer, Server, Socket } from 'net';
import { boot, bootScript, sleep } from './helpers';

test('Wifi.connect succeeds after a delay, with associated/connected events and getIP', async () => {
  const out: string[] = [];
  const host = await bootScript(
    `var W = require('Wifi');
     W.on('connected', function (d) { console.log('connected ' + d.ip); });
     W.connect('home', { password: 'secret12' }, function (err) { console.log('cb ' + err + ' ' + W.getIP().ip); });
     console.log('before ' + W.getIP().ip);`,
    { wifi: { connect: { result: 'ok', delayMs: 30 }, ip: '10.0.0.9' }, log: (l) => out.push(l) },
  );
  await host.waitFor('wifi', (e: { event: string }) => e.event === 'connected');
  await sleep(20);
  expect(out).toEqual(['before 0.0.0.0', 'connected 10.0.0.9', 'cb null 10.0.0.9']);
  expect(host.wifi.state()).toMatchObject({ station: 'connected', ssid: 'home' });
  host.wifi.drop('BEACON_TIMEOUT');
  expect(host.evaluate("require('Wifi').getStatus().station")).toBe('BEACON_TIMEOUT');
});

test('Wifi.connect fails as scripted, per attempt', async () => {
  const out: string[] = [];
  await bootScript(
    `var W = require('Wifi');
     W.on('disconnected', function (d) { console.log('disconnected ' + d.reason); });
     W.connect('x', { password: 'p' }, function (err) { console.log('1 ' + err);
       W.connect('x', { password: 'p' }, function (err2) { console.log('2 ' + err2); }); });`,
    { wifi: { connect: (_ssid, _pw, attempt) => (attempt === 1 ? { result: 'fail', reason: 'AUTH_FAIL' } : 'ok') }, log: (l) => out.push(l) },
  );
  await sleep(200);
  expect(out).toEqual(['disconnected AUTH_FAIL', '1 AUTH_FAIL', '2 null']);
});

test('startAP validates like the ESP32 driver; scan returns the scripted list', async () => {
  const host = await bootScript(
    `var W = require('Wifi'); var errors = [];
     try { W.startAP('esp32-mep', { password: 'short', authMode: 'wpa2' }); } catch (e) { errors.push(e.message); }
     try { W.startAP('esp32-mep', { authMode: 'wpa2' }); } catch (e) { errors.push(e.message); }
     W.startAP('esp32-mep', { password: 'longenough', authMode: 'wpa2' }, function (err) { console.log('ap ' + err); });
     W.scan(function (list) { console.log(list.map(function (a) { return a.ssid + a.rssi; }).join()); });`,
    { wifi: { networks: [{ ssid: 'home', rssi: -50 }, { ssid: 'cafe', rssi: -80, authMode: 'open' }] } },
  );
  await host.waitFor('console', (l: string) => l.startsWith('home'));
  expect(host.evaluate('errors.join("|")')).toBe('Password must be string of at least 8 characters|Password not set but authMode not open');
  expect(host.wifi.state().ap).toEqual({ ssid: 'esp32-mep', authMode: 'wpa2' });
});

test('on the ESP32-C3, connecting drops the access point (no AP+STA)', async () => {
  const host = await bootScript(`var W = require('Wifi'); W.startAP('esp32-mep', { password: 'longenough' }); W.connect('home', { password: 'x' });`, { board: 'ESP32C3' });
  expect(host.wifi.state().ap).toBeNull();
});

test('net.connect talks to a real TCP server with byte strings, and sockets die with a reboot', async () => {
  const server: Server = createServer();
  const sockets: Socket[] = [];
  server.on('connection', (s) => {
    sockets.push(s);
    s.on('data', (d) => s.write(Buffer.concat([Buffer.from('echo:'), d])));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const out: string[] = [];
  const host = await bootScript(
    `var s = require('net').connect({ host: '127.0.0.1', port: ${port} }, function () { s.write('\\xff\\x01'); });
     s.on('data', function (d) { console.log(d.length + ' ' + d.charCodeAt(5) + ' ' + d.charCodeAt(6)); });
     s.on('close', function () { console.log('closed'); });`,
    { log: (l) => out.push(l) },
  );
  await host.waitFor('console');
  expect(out).toEqual(['7 255 1']);
  const closed = once(sockets[0]!, 'close');
  host.reboot();
  await closed;
  server.close();
});

test('a refused connection gives error then close', async () => {
  const out: string[] = [];
  const host = await bootScript(
    `var s = require('net').connect({ host: '127.0.0.1', port: 1 }, function () { console.log('connected?'); });
     s.on('error', function (e) { console.log('error ' + typeof e.message); });
     s.on('close', function () { console.log('close'); });`,
    { log: (l) => out.push(l) },
  );
  await host.waitFor('console', (l: string) => l === 'close');
  expect(out).toEqual(['error string', 'close']);
});

test('http.createServer answers real requests on the mapped port, headers keep their case', async () => {
  const host = await boot({
    code: `require('http').createServer(function (req, res) {
      var body = '';
      req.on('data', function (d) { body += d; });
      req.on('end', function () {
        res.writeHead(201, { 'Content-Type': 'text/plain' });
        res.end(req.method + ' ' + req.url + ' ' + Object.keys(req.headers).filter(function (k) { return k === 'X-Custom'; }).join() + ' ' + body);
      });
    }).listen(80);`,
  });
  const { port } = await host.waitFor<{ devicePort: number; port: number }>('http-listening');
  expect(host.httpPort(80)).toBe(port);
  const res = await fetch(`http://127.0.0.1:${port}/x?y=1`, { method: 'POST', body: 'hello', headers: { 'X-Custom': '1' } });
  expect(res.status).toBe(201);
  expect(res.headers.get('connection')).toBe('close');
  expect(await res.text()).toBe('POST /x?y=1 X-Custom hello');
});

test('crypto.SHA256 returns an ArrayBuffer; TelnetServer.setOptions is recorded', async () => {
  const host = await bootScript(`var h = require('crypto').SHA256('abc'); require('TelnetServer').setOptions({ mode: 'off' });`);
  expect(host.evaluate('h instanceof ArrayBuffer')).toBe(true);
  expect(Buffer.from(host.evaluate('new Uint8Array(h)') as Uint8Array).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  expect(host.telnetMode).toBe('off');
});
