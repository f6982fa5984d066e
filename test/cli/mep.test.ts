import { execFileSync, spawn, ChildProcess } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { mep, mepBackground, stop } from '../helpers/mep-cli';
import { encodeRequest } from '../../device/src/meter/frame';
import { fullRead } from '../../device/src/meter/requests';
import { FrameDecoder } from '../../device/src/meter/frame-decoder';
import { parseReply } from '../../device/src/meter/frame';
import { KEY } from '../helpers/session-harness';
import { MeterSimulator } from '../../device/sim/meter-sim/meter';
import { loadVectors } from '../helpers/vectors';

const digest = loadVectors('digest.json');
const frames = loadVectors('frames.json');
const MBK = 'ABCDEFGHIJKLMNOPQRST';

describe('mep frame', () => {
  test('prints the request frames of shared/vectors/digest.json', async () => {
    for (const v of digest.framed_request_vectors.slice(0, 6)) {
      const r = await mep(['frame', '--key', v.mbk_ascii, '--seq', String(v.sequence_number), '--apdu', v.apdu_hex]);
      expect(r).toEqual({ code: 0, stdout: v.frame_hex + '\n', stderr: '' });
    }
    const bt52 = await mep(['frame', '--key', MBK, '--seq', '0', '--read', 'BT52']);
    expect(bt52.stdout.trim()).toBe('001130003401d1000000000190a41f4cfe703d'); // length argument 465 (guide p. 8)
    const f017 = frames.synthetic_frames.find((f: any) => f.id === 'F017');
    const partial = await mep(['frame', '--key', MBK, '--seq', String(f017.sequence_number), '--partial', 'bt23', '0', '13']);
    expect(partial.stdout.trim()).toBe(f017.hex);
  });

  test('mistakes are one line on stderr, exit code 2, and never echo the key', async () => {
    const secret = 'SECRETKEY1234567890XYZ';
    const cases = [
      ['frame', '--key', secret, '--seq', '1', '--read', 'BT28'],
      ['frame', '--key', MBK, '--seq', '-1', '--read', 'BT28'],
      ['frame', '--key', MBK, '--seq', '1', '--read', 'XT28'],
      ['frame', '--key', MBK, '--seq', '1'],
      ['frame', '--key', MBK, '--seq', '1', '--apdu', 'zz'],
      ['frame', '--bogus'],
      ['nonsense'],
    ];
    for (const args of cases) {
      const r = await mep(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^mep: /);
      expect(r.stderr).not.toContain(secret.slice(0, 8));
    }
  });
});

describe('mep decode', () => {
  test('decodes the real BT28 capture C07 as JSON', async () => {
    const c07 = frames.captured_frames.find((f: any) => f.id === 'C07');
    const r = await mep(['decode', '--table', 'BT28', c07.hex]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ table: 'BT28', status: 0, statusName: 'ok', count: 220 });
    expect(out.decoded.fwdActiveW).toBe(484);
    expect(out.decoded.frequencyMilliHz).toBe(50000);
    // every value under the guide's name (pp. 215–220)
    expect(out.decoded.named['0 forward active power (W)']).toBe(484);
    expect(out.decoded.named['11 frequency (mHz)']).toBe(50000);
    expect(Object.keys(out.decoded.named)).toHaveLength(55);
  });

  test("--energy-unit 10: a CT meter's BT23 counts in 10 Wh (ET55, guide p. 158); energy is shown in Wh, counts as they are", async () => {
    const f039 = frames.synthetic_frames.find((f: any) => f.id === 'F039');
    const r = await mep(['decode', '--table', 'BT23', '--bt21', frames.synthetic_tables.BT21_B, '--energy-unit', '10', f039.hex]);
    const d = JSON.parse(r.stdout).decoded;
    expect(d.total.summations[0]).toBe(658453420);
    expect(d.energyUnitWh).toBe(10);
    expect(d.named['0 forward active energy (Wh)']).toBe(658453420);
    expect(d.named['4 power outage duration (s)']).toBe(d.total.summations[4]);
    const bad = await mep(['decode', '--table', 'BT23', '--energy-unit', '5', f039.hex]);
    expect(bad.stderr).toMatch(/--energy-unit must be 1, 10 or 100/);
  });

  test('takes the BT21 context for other layouts (variant B) and reports 0x0C replies', async () => {
    const f039 = frames.synthetic_frames.find((f: any) => f.id === 'F039');
    const r = await mep(['decode', '--table', 'BT23', '--bt21', frames.synthetic_tables.BT21_B, f039.hex]);
    expect(JSON.parse(r.stdout).decoded.total.summations[0]).toBe(65845342);
    const c05 = frames.captured_frames.find((f: any) => f.id === 'C05');
    const seq = JSON.parse((await mep(['decode', '--table', 'BT28', c05.hex])).stdout);
    expect(seq).toMatchObject({ status: 12, statusName: 'seq', meterSequence: 0xceace9e2 });
  });

  test('garbage is a clear error, not a stack trace', async () => {
    const r = await mep(['decode', '--table', 'BT28', '00e70000dc0102']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mep: not a reply frame: /);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});

describe('mep verify (guide p. 250)', () => {
  const V = loadVectors('guide-examples.json');
  const vectors: any[] = [...V.guide_examples.filter((g: any) => g.key_hex && g.response_frame_hex), ...V.generated_reply_digest_vectors];

  test('every guide example G1–G7 and vector RD00–RD19: ok, exit 0; a flipped bit: mismatch, exit 1', async () => {
    expect(vectors.map((v) => v.id).join(' ')).toMatch(/^G1 G2 G3 G4 G5 G6 G7 RD00 .* RD19$/);
    for (const v of vectors) {
      const ok = await mep(['verify', '--key', v.key_hex, '--request', v.request_frame_hex, '--reply', v.response_frame_hex]);
      expect([v.id, ok]).toEqual([v.id, { code: 0, stdout: 'ok\n', stderr: '' }]);
    }
    for (const v of vectors.slice(0, 3)) {
      const reply = Buffer.from(v.response_frame_hex, 'hex');
      reply[reply.length - 9]! ^= 0x01; // the last body byte
      const bad = await mep(['verify', '--key', v.key_hex, '--request', v.request_frame_hex, '--reply', reply.toString('hex')]);
      expect([v.id, bad]).toEqual([v.id, { code: 1, stdout: 'mismatch\n', stderr: '' }]);
    }
  }, 60000);

  test('an MBK in its 20-character form; bad input exits 2 with one line that never shows the key', async () => {
    const request = encodeRequest(fullRead(0x34).apdu, 7, KEY);
    const sim = new MeterSimulator({ key: MBK, initialSeq: 7 });
    let reply = new Uint8Array(0);
    sim.on('data', (b: Uint8Array) => (reply = new Uint8Array([...reply, ...b])));
    sim.receive(request);
    await sim.drain();
    const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(await mep(['verify', '--key', MBK, '--request', hexOf(request), '--reply', hexOf(reply)])).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    const keyFile = join(mkdtempSync(join(tmpdir(), 'mep-verify-')), 'key');
    writeFileSync(keyFile, MBK + '\n', { mode: 0o600 });
    expect(await mep(['verify', '--key-file', keyFile, '--request', hexOf(request), '--reply', hexOf(reply)])).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
    const secret = 'SECRETKEY1234567890X';
    const g1 = vectors[0];
    const cases = [
      ['verify', '--key', 'short', '--request', g1.request_frame_hex, '--reply', g1.response_frame_hex],
      ['verify', '--key', secret, '--request', 'zz', '--reply', g1.response_frame_hex],
      ['verify', '--key', secret, '--request', g1.request_frame_hex, '--reply', '0001ff'],
      ['verify', '--key', secret, '--request', '0005000102', '--reply', g1.response_frame_hex],
      ['verify', '--key', secret, '--request', g1.request_frame_hex],
      ['verify', '--request', g1.request_frame_hex, '--reply', g1.response_frame_hex],
      ['verify', '--key', secret, '--bogus'],
    ];
    for (const args of cases) {
      const r = await mep(args);
      expect([args, r.code, r.stdout]).toEqual([args, 2, '']);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toContain(secret.slice(0, 8));
    }
  }, 60000);

  test('mep decode --key --request shows the verdict', async () => {
    const g2 = vectors[1];
    const ok = JSON.parse((await mep(['decode', '--table', 'BT23', '--key', g2.key_hex, '--request', g2.request_frame_hex, g2.response_frame_hex])).stdout);
    expect(ok.replyDigest).toBe('ok');
    const bad = g2.response_frame_hex.replace(/08000000/, '09000000');
    const out = JSON.parse((await mep(['decode', '--table', 'BT23', '--key', g2.key_hex, '--request', g2.request_frame_hex, bad])).stdout);
    expect(out.replyDigest).toBe('mismatch');
  });
});

describe('mep sim + mep read', () => {
  let sim: ChildProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    const started = await mepBackground(['sim', '--tcp', '0', '--pacing', 'instant'], /tcp:\/\/127\.0\.0\.1:(\d+)/);
    sim = started.child;
    port = Number(started.match[1]);
  });
  afterAll(async () => {
    if (sim) await stop(sim);
  });

  test('read --all prints every table as JSON, with the energy and power of the simulated meter', async () => {
    const r = await mep(['read', '--port', `tcp://127.0.0.1:${port}`, '--key', MBK, '--all']);
    expect(r.stderr).toMatch(/^mep: port MEP1 \(ET70 offset 142: 1\); reply digest: \d+ replies verified, 0 failed \(dropped and asked again\)\n$/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['BT01', 'BT21', 'BT23', 'BT28', 'BT52', 'ET03', 'ET11', 'ET13', 'ET50'].sort());
    expect(out.BT01.manufacturer.trim()).toBe('NES');
    expect(out.BT23.total.summations[0]).toBeGreaterThan(0);
    expect(out.BT28.voltageMv[0]).toBeGreaterThan(200000);
  });

  test('read --rc4: the same tables through MEP RC4 (the simulator answers encrypted requests encrypted)', async () => {
    const r = await mep(['read', '--port', `tcp://127.0.0.1:${port}`, '--key', MBK, '--rc4', '--table', 'BT01', '--table', 'BT23']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/replies verified, 0 failed/);
    const out = JSON.parse(r.stdout);
    expect(out.BT01.manufacturer.trim()).toBe('NES');
    expect(out.BT23.total.summations[0]).toBeGreaterThan(0);
  });

  test('a wrong key is reported as such', async () => {
    const r = await mep(['read', '--port', `tcp://127.0.0.1:${port}`, '--key', 'ZYXWVUTSRQPONMLKJIHG', '--table', 'BT01']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/wrong MBK key/);
    expect(r.stderr).not.toContain('ZYXWVUTS');
  });

  test('--watch prints one JSON line per table until interrupted', async () => {
    const child = spawn(process.execPath, [require.resolve('../../bin/mep.js'), 'read', '--port', `tcp://127.0.0.1:${port}`, '--key', MBK, '--watch', '--interval', '1000']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 4000));
    await stop(child);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.table === 'BT28').length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.table === 'BT23' && l.partial === true)).toBe(true);
  });

  test('read names the MEP port: a Gen 4 meter with the client on MEP2 (mep sim --profile gen4-mep2)', async () => {
    const started = await mepBackground(['sim', '--tcp', '0', '--pacing', 'instant', '--profile', 'gen4-mep2'], /tcp:\/\/127\.0\.0\.1:(\d+)/);
    try {
      const r = await mep(['read', '--port', `tcp://127.0.0.1:${started.match[1]}`, '--key', MBK, '--table', 'BT01']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^mep: port MEP2 \(ET70 offset 142: 2\); reply digest: \d+ replies verified, 0 failed/);
    } finally {
      await stop(started.child);
    }
  });

  test('no meter on the port: one clear line', async () => {
    const r = await mep(['read', '--port', 'tcp://127.0.0.1:1', '--key', MBK]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mep: cannot connect to tcp:\/\/127\.0\.0\.1:1/);
  });
});

describe('mep sim on stdin/stdout', () => {
  test('answers a request frame written to stdin with a reply frame on stdout, and nothing else', async () => {
    const child = spawn(process.execPath, [require.resolve('../../bin/mep.js'), 'sim', '--stdio', '--pacing', 'instant', '--seq', '100']);
    const decoder = new FrameDecoder({ kind: 'reply' });
    const got = new Promise<Uint8Array>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        for (const e of decoder.push(new Uint8Array(d))) if (e.type === 'frame') resolve(e.bytes);
      });
    });
    await new Promise((r) => setTimeout(r, 800));
    child.stdin.write(encodeRequest(fullRead(0x01).apdu, 100, KEY));
    const reply = parseReply(await got);
    expect(reply.ok && reply.reply.status).toBe(0);
    expect(reply.ok && Buffer.from(reply.reply.data!).subarray(0, 3).toString()).toBe('NES');
    await stop(child);
  });
});

describe('mep sim on a serial device', () => {
  test('a pseudo-terminal pair (socat) connects `mep read` to `mep sim --serial`', async () => {
    let socatPath = '';
    try {
      socatPath = execFileSync('which', ['socat']).toString().trim();
    } catch {
      throw new Error('socat is not installed: apt-get install socat (.ci/run does this)');
    }
    const socat = spawn(socatPath, ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0']);
    const ptys = await new Promise<string[]>((resolve) => {
      let err = '';
      socat.stderr.on('data', (d) => {
        err += d;
        const found = [...err.matchAll(/PTY is (\/dev\/pts\/\d+)/g)].map((m) => m[1]!);
        if (found.length === 2) resolve(found);
      });
    });
    const sim = await mepBackground(['sim', '--serial', ptys[0]!], /serial port/);
    try {
      const r = await mep(['read', '--port', ptys[1]!, '--key', MBK, '--table', 'BT01', '--table', 'BT28']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.BT01.model).toBeTruthy();
      expect(out.BT28.frequencyMilliHz).toBeGreaterThan(49000);
    } finally {
      await stop(sim.child);
      socat.kill();
    }
  });
});
