// The Espruino HAL (device/src/hal/espruino) works over the host's built-ins: a test bundle built from it with the
// real build exercises clock, crypto, system, tcp, http and wifi.
import { once } from 'events';
import { createServer } from 'net';
import { boot, fixtureBundle, sleep } from './helpers';

test('the Espruino HAL over the host', async () => {
  const server = createServer((s) => s.on('data', (d) => s.end(d)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  // Collects what the probe writes until '>' and answers with its length.
  let sunk = '';
  const sink = createServer((s) =>
    s.on('data', (d) => {
      sunk += d.toString('latin1');
      if (sunk.endsWith('>')) s.end(String(sunk.length));
    }),
  );
  sink.listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const lines: string[] = [];
  const host = await boot({
    bundlePath: await fixtureBundle('hal-probe'),
    files: { 'probe.port': String(port), 'probe.sink': String((sink.address() as { port: number }).port) },
    wifi: { ip: '10.1.2.3', rssi: -55, networks: [{ ssid: 'home', rssi: -40 }, { ssid: 'open', rssi: -70, authMode: 'open' }] },
    log: (l) => lines.push(l),
  });
  const { port: httpPort } = await host.waitFor<{ port: number }>('http-listening');
  const res = await fetch(`http://127.0.0.1:${httpPort}/p?q=1`, { method: 'POST', body: 'xyz', headers: { 'X-Test': 'yes' } });
  expect(await res.text()).toBe('POST /p?q=1 yes xyz');
  await sleep(200);
  server.close();
  sink.close();
  expect(sunk).toBe('<one,two,three>');
  const out = lines.filter((l) => !l.startsWith('host:'));
  expect(out).toEqual(
    expect.arrayContaining([
      'wall true',
      'sha 32 186 5',
      'system ESP32 2v29 true true',
      'timer fired',
      'timer kept',
      'tcp 2 104',
      'tcp closed',
      'pieces asked at once 0',
      'sink answered 2 asked 3',
      'refused error true',
      'refused closed',
      'wifi connected 10.1.2.3 10.1.2.3 -55',
      'wifi cb null',
      'ap short: true',
      'ap esp32-mep',
      'ap cb null',
      'scan home:true,open:false',
      'mac 24:0a:c4:00:00:01',
    ]),
  );
  expect(host.telnetMode).toBe('off');
  expect(out.filter((l) => l.startsWith('Uncaught'))).toEqual([]);
});
