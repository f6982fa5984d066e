// The vm context is Espruino-shaped: what Espruino 2v29 lacks is really absent (espruino.md §1.2), so firmware using
// it fails in tests as on the device; what it has (E, Serial2, require('Storage'), global, timers with Espruino's
// clear semantics, Object.prototype.on/emit, Date from getTime) is there.
import { writeFileSync } from 'fs';
import { join } from 'path';
import { boot, bootScript, consoleOf, sleep, tempDir } from './helpers';

const ABSENT_GLOBALS = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'Symbol', 'Proxy', 'Reflect', 'BigInt', 'TextEncoder', 'TextDecoder',
  'structuredClone', 'queueMicrotask', 'setImmediate', 'globalThis', 'RangeError', 'Intl', 'Buffer', 'WebAssembly',
  'SharedArrayBuffer', 'WeakRef', 'encodeURI',
];
const ABSENT_MEMBERS = [
  'Object.freeze', 'Object.seal', 'Object.is', 'Object.isFrozen', 'Array.from', 'Array.of', 'Promise.prototype.finally',
  'Promise.race', 'Promise.allSettled', 'Promise.any', 'Number.isInteger', 'Number.isNaN', 'Number.isFinite',
  'Number.MAX_SAFE_INTEGER', 'Number.EPSILON', 'Number.parseInt', 'Math.trunc', 'Math.log10', 'Math.log2',
  'Math.hypot', 'Math.imul', 'Math.clz32', 'Math.fround', 'Math.cbrt', 'Math.sign', 'Date.UTC', 'String.fromCodePoint',
  'String.raw', 'Array.prototype.lastIndexOf', 'Array.prototype.flat', 'Array.prototype.at', 'Array.prototype.keys',
  'String.prototype.search', 'String.prototype.padEnd.nonexistent', 'ArrayBuffer.isView', 'Uint8Array.from',
];
const PRESENT = [
  'E.toString', 'E.toUint8Array', 'E.reboot', 'E.enableWatchdog', 'E.kickWatchdog', 'E.getErrorFlags', 'E.hwRand',
  'ESP32.getState', 'ESP32.setOTAValid', 'Serial2.setup', 'Serial2.write', 'pinMode', 'digitalWrite', 'digitalRead',
  'process.memory', 'getTime', 'setTimeout', 'clearInterval', 'require', 'btoa', 'atob', 'Promise.all',
  'Object.assign', 'Object.keys', 'Object.entries', 'Array.prototype.find', 'Array.prototype.includes',
  'String.prototype.padStart', 'String.prototype.lastIndexOf', 'Uint8Array.prototype.subarray', 'JSON.stringify',
  'Object.prototype.on', 'Object.prototype.emit',
];

test('what Espruino lacks is absent inside the context', async () => {
  const host = await bootScript('');
  for (const name of ABSENT_GLOBALS) expect([name, host.evaluate(`typeof ${name}`)]).toEqual([name, 'undefined']);
  for (const path of ABSENT_MEMBERS) expect([path, host.evaluate(`typeof ${path}`)]).toEqual([path, 'undefined']);
  for (const path of PRESENT) expect([path, host.evaluate(`typeof ${path}`)]).toEqual([path, 'function']);
  expect(host.evaluate('global === this && typeof global.require')).toBe('function');
});

test('a script using new Map() throws ReferenceError, caught or uncaught', async () => {
  const host = await bootScript(`
    try { new Map(); } catch (e) { console.log(e instanceof ReferenceError, e.message); }
    setTimeout(function () { var s = new Set(); }, 1);
  `);
  const lines = consoleOf(host);
  const uncaught = await host.waitFor<string>('uncaught');
  expect(uncaught).toMatch(/ReferenceError: Set is not defined/);
  expect(lines).toEqual(['Uncaught ReferenceError: Set is not defined']);
  expect(host.state).toBe('running'); // Espruino prints and carries on
});

test('the first console line of the boot script is seen (console.log during boot)', async () => {
  const lines: string[] = [];
  await bootScript(`try { new Map(); } catch (e) { console.log(e instanceof ReferenceError, e.message); }`, { log: (l) => lines.push(l) });
  expect(lines).toEqual(['true Map is not defined']);
});

test('Number still converts and constructs; its ES2015 statics are gone', async () => {
  const host = await bootScript('');
  expect(host.evaluate("[Number('12'), Number(), (5).toFixed(1), new Number(3) instanceof Number, typeof new Number(3), Number.MAX_VALUE > 1e300, (7).constructor === Number].join()")).toBe(
    '12,0,5.0,true,object,true,true',
  );
});

test('Date follows getTime(): 1970 plus uptime until setTime', async () => {
  const host = await bootScript('');
  expect(host.evaluate('Date.now()') as number).toBeLessThan(60000);
  expect(host.evaluate('new Date().getFullYear()')).toBe(1970);
  host.evaluate('setTime(1700000000)');
  expect(host.evaluate('new Date().getUTCFullYear()')).toBe(2023);
  expect(host.evaluate("new Date('2024-01-02T03:04:05Z').getTime()")).toBe(1704164645000);
  expect(host.evaluate('new Date(0) instanceof Date')).toBe(true);
});

test('timers: clearTimeout(undefined) clears every timer and interval (Espruino semantics)', async () => {
  const host = await bootScript(`
    setTimeout(function () { console.log('a'); }, 20);
    setInterval(function () { console.log('b'); }, 20);
    clearTimeout(undefined);
  `);
  const lines = consoleOf(host);
  await sleep(80);
  expect(lines).toEqual([]);
  expect(host.timerCount()).toBe(0);
});

test('timer ids and the Unknown Timeout message', async () => {
  const out: string[] = [];
  await bootScript(`console.log('ids ' + setTimeout(function () {}, 10) + ' ' + setInterval(function () {}, 10)); try { clearTimeout(99); } catch (e) { console.log(e instanceof Error, e.message); }`, {
    log: (l) => out.push(l),
  });
  expect(out).toEqual(['ids 1 2', 'true Unknown Timeout']);
});

test('every object is an event emitter (synchronous emit), and process.on(uncaughtException) gets errors', async () => {
  const out: string[] = [];
  const host = await bootScript(`
    var o = {}; o.on('x', function (a, b) { console.log('x ' + a + b); }); o.emit('x', 1, 2);
    process.on('uncaughtException', function (e) { console.log('handled ' + e.message); });
    setTimeout(function () { throw new Error('boom'); }, 1);
  `, { log: (l) => out.push(l) });
  await host.waitFor('uncaught');
  expect(out).toEqual(['x 12', 'handled boom']);
  expect(host.evaluate("Object.keys({a: 1}).join()")).toBe('a'); // on/emit are not enumerable
});

test('an unhandled promise rejection is reported like Espruino, without crashing the test process', async () => {
  const out: string[] = [];
  const host = await bootScript(
    `setTimeout(function () {
       Promise.reject(new Error('handled')).catch(function () {});
       Promise.resolve(1).then(function () { throw new Error('nope'); });
       Promise.resolve(1).then(function () { return Promise.reject(new Error('adopted')); });
     }, 5);`,
    { log: (l) => out.push(l) },
  );
  await host.waitFor<string>('uncaught', (m) => m.includes('adopted'));
  await sleep(20);
  expect(out).toEqual(['Uncaught Error: Unhandled promise rejection: Error: nope', 'Uncaught Error: Unhandled promise rejection: Error: adopted']);
  expect(host.state).toBe('running');
});

test('strings are byte strings: the bundle is read as bytes, so UTF-8 text has its byte length', async () => {
  const file = join(tempDir('utf8'), 'bundle.js');
  writeFileSync(file, 'var s = "\u00e9";', 'utf8');
  const host = await boot({ bundlePath: file });
  expect(host.evaluate('s.length')).toBe(2);
  expect(host.evaluate('E.toUint8Array("ab").length + " " + (E.toUint8Array([1,2]) instanceof Uint8Array) + " " + E.toString(new Uint8Array([104, 105]))')).toBe('2 true hi');
});

test('process.memory, process.env and ESP32.getState answer like the ESP32 build', async () => {
  const host = await bootScript('', { memory: { total: 10000, usage: 4000 } });
  expect(host.evaluate('JSON.stringify(process.memory(false))')).toBe('{"free":6000,"usage":4000,"total":10000,"history":0,"gc":0,"gctime":0,"blocksize":14}');
  expect(host.evaluate('process.env.VERSION + " " + process.env.BOARD')).toBe('2v29 ESP32');
  expect(host.evaluate('typeof ESP32.getState().freeHeap')).toBe('number');
});
