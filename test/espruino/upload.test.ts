// `mep upload` against the real interpreter's telnet console (tcp://127.0.0.1:2323), and over a serial device (a
// socat pty bridged to that console): it writes the bundle into app.a and the boot loader as .bootcde, clears the
// boot record, reboots (the Linux build exits with status 1), and the interpreter started again boots into the
// firmware. .boot0 holds the platform stub only (a Linux build has no Wifi module), written beforehand.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describeOnInterpreter } from '../helpers/espruino-binary';
import { freePort } from '../helpers/brokers';
import { mep } from '../helpers/mep-cli';
import { waitFor } from '../helpers/wait';
import { firmwareBuild } from './firmware';
import { flashStorage } from './flash';
import { DEVICE_WAIT_MS, MAC } from './harness';
import { withLock } from './host-lock';
import { Interpreter } from './interpreter';
import { diesWithParent } from './orphan-guard';
import { LINUX_MAX_POOL } from './memory-budget';
import { platformStub } from './platform-stub';
import { ptyPair } from './pty-pair';
import { TELNET_PORT, withTelnetLock } from './telnet-lock';
import { tempDir } from './temp-dirs';

async function telnetOpen(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port: TELNET_PORT });
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${TELNET_PORT}`);
}

/** A serial device whose other end is the telnet console (socat pty ↔ TCP). */
function serialBridge(dir: string): Promise<{ path: string; close(): void }> {
  const path = join(dir, 'console-tty');
  const [command, args] = diesWithParent('socat', [`pty,raw,echo=0,link=${path}`, `tcp:127.0.0.1:${TELNET_PORT}`]);
  const proc = spawn(command, args, { stdio: 'ignore' });
  return waitFor('the socat serial bridge', () => existsSync(path), 5000).then(() => ({
    path,
    close: () => void proc.kill('SIGKILL'),
  }));
}

/** `mep upload` over `how` into a fresh interpreter whose .boot0 holds the platform stub, then a power-on. */
async function uploadAndBoot(binary: string, how: string, dir: string): Promise<void> {
  const bundle = (await firmwareBuild()).out;
  const httpPort = await freePort();
  const pty = await ptyPair(); // the meter end stays unconnected: this test is about the upload
  try {
    const stub = platformStub({ serialPath: pty.b, httpPort, mac: MAC, queryPort: await freePort() });
    await flashStorage({ binary, dir, files: [{ name: '.boot0', data: new Uint8Array(Buffer.from(stub, 'latin1')) }] });
    const uploaded = await withTelnetLock(async () => {
      const board = new Interpreter({ binary, dir, pool: LINUX_MAX_POOL, args: ['--telnet'], restart: false });
      board.start();
      try {
        await telnetOpen();
        const bridge = how === 'serial' ? await serialBridge(dir) : null;
        try {
          const r = await mep(['upload', '--port', bridge ? bridge.path : `tcp://127.0.0.1:${TELNET_PORT}`, '--file', bundle]);
          expect(r).toMatchObject({ code: 0, stdout: expect.stringMatching(/^uploaded \d+ bytes in [\d.]+ s, verified \(CRC-32\); the board reboots/) });
          await board.until('the reboot (E.reboot() ends the Linux process with status 1)', () => board.exits.length > 0, 10000);
          expect(board.exits).toEqual(['exit 1']);
          return r.stdout;
        } finally {
          bridge?.close();
        }
      } finally {
        await board.stop();
      }
    });
    console.log(`mep upload over ${how}: ${uploaded.trim()}`);
    // The largest pool: this test is about the upload; memory is gated in the scenario files (memory-report.ts).
    const device = new Interpreter({ binary, dir, pool: LINUX_MAX_POOL });
    device.start();
    try {
      await device.line(/^\[app\] info: MEP Bridge .* on LINUX_ESP32SIM/, { ms: 20000 });
      let status = 0;
      for (let i = 0; i < 100 && status === 0; i++) {
        status = await fetch(`http://127.0.0.1:${httpPort}/`).then((r) => r.status, () => 0);
        if (status === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    } finally {
      await device.stop();
    }
  } finally {
    await pty.close();
  }
}

describeOnInterpreter('mep upload on the real interpreter', (binary) => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  test.each(['tcp', 'serial'])('over %s: uploads, verifies, reboots, and the device boots into the firmware', async (how) => {
    const dir = tempDir('upload');
    dirs.push(dir);
    await withLock('device', DEVICE_WAIT_MS, () => uploadAndBoot(binary, how, dir));
  }, DEVICE_WAIT_MS + 90000);
});
