// The add-on under load (issue 5): the production add-on bundle (dist/addon/main.mjs, what the Docker image runs,
// built first) in local mode (embedded broker + panel, no simulator) with N devices
// speaking the wire contract (device-based discovery, availability, one state message per second each) over real
// MQTT connections. Measured from outside the add-on's process: its CPU % (/proc/<pid>/stat) and resident memory
// (VmRSS, peak of samples), and the delay from a device's publish to the panel's Server-Sent Event carrying that
// reading (median, p99). Targets: < 150 MB resident, p99 < 250 ms.
// Also the cold start of `mep start` (with the simulated meter and the firmware on the Node host) to the first
// reading in the panel's API.
import { ChildProcess, spawn } from 'child_process';
import { readFileSync } from 'fs';
import { request } from 'http';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import mqtt, { MqttClient } from 'mqtt';
import { buildDiscoveryPayload } from '../discovery/discovery-payload';
import { buildTopics } from '../discovery/topics';
import { writeFileSync } from 'fs';
import { buildAddon } from '../addon/build/build';
import { ensureBundle } from '../cli/commands/device';
import { Figure } from './micro';
import { freePort } from '../test/helpers/brokers';
import { takeSseFrames } from '../test/helpers/sse';
import { startProduct } from '../test/helpers/product';

const CLOCK_TICKS = 100; // USER_HZ on Linux

interface Running {
  child: ChildProcess;
  panel: string;
  output: () => string;
  stop(): Promise<void>;
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(err);
        }
      });
    }).on('error', reject).end();
  });
}

/** Opens the panel's event stream; calls `onMeter` with each meter event's data. */
function subscribePanel(panel: string, onMeter: (m: { deviceId: string; state: { energy_import?: number } | null }) => void): () => void {
  const req = request(panel + '/api/events', (res) => {
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const taken = takeSseFrames(buffer + chunk);
      buffer = taken.rest;
      for (const f of taken.frames) if (f.event === 'meter') onMeter(f.data as Parameters<typeof onMeter>[0]);
    });
  });
  req.on('error', () => undefined);
  req.end();
  return () => req.destroy();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function connectDevice(brokerPort: number, i: number): Promise<{ client: MqttClient; topics: ReturnType<typeof buildTopics>; id: string }> {
  const id = `mep_${(0xb00000000000 + i).toString(16)}`;
  const topics = buildTopics(id);
  const client = mqtt.connect(`mqtt://127.0.0.1:${brokerPort}`, {
    clientId: id,
    will: { topic: topics.availability, payload: Buffer.from('offline'), qos: 1, retain: true },
    reconnectPeriod: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const discovery = buildDiscoveryPayload({ deviceId: id, baseTopic: '', discoveryPrefix: 'homeassistant', deviceName: `Bench meter ${i}`, firmwareVersion: '0.1.0', phases: 3 });
  await client.publishAsync(topics.discovery, discovery, { qos: 1, retain: true });
  await client.publishAsync(topics.availability, 'online', { qos: 1, retain: true });
  return { client, topics, id };
}

/** The bundled add-on (`main.mjs addon --local`) on free ports. */
async function startBundledAddon(dataDir: string): Promise<Running & { brokerPort: number }> {
  const { bundle, panelDir } = await buildAddon({});
  if (!panelDir) throw new Error('the add-on build made no panel assets');
  const [panelPort, brokerPort, otaPort] = [await freePort(), await freePort(), await freePort()];
  const optionsFile = join(dataDir, 'options.json');
  writeFileSync(optionsFile, JSON.stringify({ log_level: 'info', mqtt: {}, embedded_broker: { port: brokerPort }, ota: { port: otaPort }, offline_notify_minutes: 0 }));
  const child = spawn(process.execPath, [bundle, 'addon', '--local', '--options', optionsFile, '--data-dir', dataDir,
    '--catalog-dir', join(__dirname, '..', 'dist'), '--panel-assets', panelDir, '--panel-port', String(panelPort)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (out.includes('MEP Bridge add-on running')) {
        clearInterval(t);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(t);
      reject(new Error(`the add-on bundle exited ${code}: ${out}`));
    });
  });
  return {
    child,
    brokerPort,
    panel: `http://127.0.0.1:${panelPort}`,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** N devices publishing once per second for `seconds`. */
export async function addonLoadBenchmark(devices: number, seconds: number): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mep-bench-addon-'));
  const addon = await startBundledAddon(dataDir);
  const pid = addon.child.pid as number;
  const sent = new Map<string, number>(); // `${id}:${energy}` → publish time
  const delays: number[] = [];
  const stopEvents = subscribePanel(addon.panel, (m) => {
    const value = m.state?.energy_import;
    if (value === undefined) return;
    const key = `${m.deviceId}:${value}`;
    const t0 = sent.get(key);
    if (t0 !== undefined) {
      delays.push(performance.now() - t0);
      sent.delete(key);
    }
  });
  const fleet = [];
  for (let i = 0; i < devices; i++) fleet.push(await connectDevice(addon.brokerPort, i));
  await new Promise((r) => setTimeout(r, 2000)); // discovery processed

  const rssSamples: number[] = [];
  const ticks0 = cpuTicks(pid);
  const wall0 = performance.now();
  for (let s = 0; s < seconds; s++) {
    const second = performance.now();
    fleet.forEach((d, i) => {
      // Spread the fleet over the second, as real devices polling independently would be.
      setTimeout(() => {
        const energy = 1000 + s + i / 1000;
        const state = JSON.stringify({ energy_import: Number(energy.toFixed(3)), power_import: 400 + i, voltage_l1: 230.1 });
        sent.set(`${d.id}:${Number(energy.toFixed(3))}`, performance.now());
        d.client.publish(d.topics.state, state, { qos: 0 });
      }, (i * 1000) / fleet.length);
    });
    rssSamples.push(rssMiB(pid));
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (performance.now() - second))));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const cpu = ((cpuTicks(pid) - ticks0) / CLOCK_TICKS / ((performance.now() - wall0) / 1000)) * 100;
  rssSamples.push(rssMiB(pid));
  stopEvents();
  for (const d of fleet) d.client.end(true);
  await addon.stop();
  rmSync(dataDir, { recursive: true, force: true });
  const sorted = delays.sort((a, b) => a - b);
  const expected = devices * seconds;
  return [
    { name: `add-on CPU with ${devices} devices publishing 1/s (bundled add-on, 100 % = one core)`, value: cpu, unit: '%' },
    { name: 'add-on resident memory, peak of 1 s samples (target < 150 MB)', value: Math.max(...rssSamples), unit: 'MiB' },
    { name: 'device publish → panel event, median', value: percentile(sorted, 50), unit: 'ms' },
    { name: 'device publish → panel event, p99 (target < 250 ms)', value: percentile(sorted, 99), unit: 'ms' },
    { name: `readings seen by the panel (of ${expected} published)`, value: sorted.length, unit: 'events' },
  ];
}

/** `mep start` (firmware bundle already built) until the panel's API shows the simulated meter's first reading. */
export async function coldStartBenchmark(): Promise<Figure[]> {
  await ensureBundle();
  const t0 = performance.now();
  const run = await startProduct();
  const ready = performance.now() - t0;
  let first = NaN;
  for (let i = 0; i < 600; i++) {
    const body = (await getJson(run.panelUrl + '/api/meters').catch(() => null)) as { meters?: { state: unknown }[] } | null;
    if (body?.meters?.some((m) => m.state)) {
      first = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await run.stop();
  return [
    { name: 'npm start: process start → "MEP Bridge is running"', value: ready, unit: 'ms' },
    { name: 'npm start: process start → first reading in the panel API', value: first, unit: 'ms' },
  ];
}
