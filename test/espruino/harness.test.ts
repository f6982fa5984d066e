// The harness itself on the real interpreter, with a tiny app in place of the firmware (booted by our real boot
// loader): the platform stub (Wifi, port 80, memory figures), restart after a reboot, and the power cut at a Storage
// write, before and after the write lands. The firmware scenarios rely on these.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBootLoader } from '../../device/build/artefacts';
import { describeOnInterpreter } from '../helpers/espruino-binary';
import { Device, DEVICE_WAIT_MS, startDevice } from './harness';
import { CutRule } from './platform-stub';
import { tempDir } from './temp-dirs';

// Writes x.1 in two halves once (the second only if the first is there), then serves port 80 and joins "WiFi".
const APP = `
var S=require("Storage");
if(!S.read("x.1")){S.write("x.1","AAAAA",0,10);S.write("x.1","BBBBB",5);}
require("http").createServer(function(q,r){r.end("app");}).listen(80);
require("Wifi").connect("WiFi",{password:"p"},function(e){print("WIFI "+e+" "+require("Wifi").getIP().ip);});
`;

describeOnInterpreter('the real-interpreter harness', (binary) => {
  const dir = tempDir('app');
  const bundle = join(dir, 'firmware.js');
  let d: Device | null = null;

  beforeAll(async () => {
    writeFileSync(bundle, APP);
    await buildBootLoader(join(dir, 'boot.js'));
  });
  afterEach(async () => {
    await d?.stop();
    d = null;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the app boots through the loader: Wifi joins, port 80 answers, memory figures without the stub', async () => {
    d = await startDevice({ binary, bundle, pool: 10000 });
    await d.board.line(/^WIFI null 127\.0\.0\.1$/, { ms: 20000 });
    expect(await (await fetch(d.http)).text()).toBe('app');
    const m = await d.memory();
    expect(m.total).toBe(10000);
    expect(m.stub).toBeGreaterThan(50);
    expect(m.usage).toBeGreaterThan(0);
    expect(m.usage + m.free).toBe(10000);
    expect(m.flags).toEqual([]);
    expect(d.board.boots).toBe(1);
  }, DEVICE_WAIT_MS + 60000);

  test.each([
    ['before the write lands', false, 'AAAAA\xff\xff\xff\xff\xff'],
    ['just after the write landed', true, 'AAAAABBBBB'],
  ])('a power cut at a Storage write, %s: the process ends there and boots again', async (_n, after, stored) => {
    d = await startDevice({ binary, bundle, pool: 10000 });
    const rule: CutRule = { n: 'x.', o: 5, k: 1, a: after };
    // The app writes x.1 at its first boot, before the cut rule exists: start over with an empty x.1 and the rule.
    await d.board.line(/^WIFI /, { ms: 20000 });
    await d.query('require("Storage").erase("x.1")');
    await d.cutAt(rule);
    await d.powerCycle();
    await d.board.until('the cut and the boot after it', () => d!.board.exits.length >= 2 && d!.board.running, 20000);
    expect(d.board.exits).toEqual(['SIGKILL', 'exit 1']);
    expect(d.cut()).toEqual({ n: 'x.1', o: 5, exit: 'exit 1' });
    await d.board.until('the app after the cut', () => d!.board.lines.some((l) => l.boot === 3 && l.text.startsWith('WIFI ')), 20000);
    expect(await d.query<string>('require("Storage").read("x.1")')).toBe(stored);
  }, DEVICE_WAIT_MS + 60000);
});
