// The simulator reachable over TCP, stdin/stdout and a serial device (a socat pseudo-terminal pair).
// The serial test needs `socat` (apt-get install socat): it FAILS, not skips, when socat is missing.
import { spawn, type ChildProcess } from 'child_process';
import * as net from 'net';
import { PassThrough } from 'stream';
import { FrameDecoder, type FrameEvent } from '../../device/src/meter/frame-decoder';
import { parseReply, type ParsedReply } from '../../device/src/meter/frame';
import { fullRead } from '../../device/src/meter/requests';
import { BT01, BT52 } from '../../device/src/meter/table-ids';
import { SerialPort } from 'serialport';
import { attachSerial, attachStdio, MeterSimulator, serveTcp, type SerialHandle } from '../../device/sim/meter-sim';
import { Harness, KEY } from './harness';


/** Collects replies/alerts from a byte stream. */
class Client {
  private readonly decoder = new FrameDecoder({ kind: 'reply' });
  readonly replies: ParsedReply[] = [];
  alerts = 0;
  private waiters: (() => void)[] = [];

  feed = (chunk: Uint8Array): void => this.handle(this.decoder.push(chunk));

  private handle(events: FrameEvent[]): void {
    for (const e of events) {
      if (e.type === 'alert') this.alerts++;
      if (e.type === 'frame') {
        const p = parseReply(e.bytes);
        if (p.ok) this.replies.push(p.reply);
      }
    }
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits for `cond`; after 50 ms without bytes the line counts as idle (a lone trailing 00 00 is then an alert,
   *  spec §3.5). */
  async waitFor(cond: () => boolean, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the simulator');
      const quiet = await new Promise<boolean>((resolve) => {
        this.waiters.push(() => resolve(false));
        setTimeout(() => resolve(true), 50);
      });
      if (quiet) this.handle(this.decoder.idle());
    }
  }
}

describe('transports', () => {
  test('TCP: request/response, alerts, a second client takes the line over', async () => {
    const h = new Harness({ initialSeq: 1 });
    const tcp = await serveTcp(h.sim, 0);
    const connect = (): Promise<net.Socket> =>
      new Promise((resolve) => {
        const s = net.connect(tcp.port, '127.0.0.1', () => resolve(s));
      });
    try {
      const a = await connect();
      const ca = new Client();
      a.on('data', ca.feed);
      // Write the request in two pieces: the simulator reassembles by LEN.
      const f = h.frame(fullRead(BT01), 1);
      a.write(f.subarray(0, 7));
      a.write(f.subarray(7));
      await ca.waitFor(() => ca.replies.length === 1);
      expect(ca.replies[0]!.data!.length).toBe(32);
      h.sim.alert();
      await ca.waitFor(() => ca.alerts === 1);
      const b = await connect();
      const cb = new Client();
      b.on('data', cb.feed);
      await new Promise((r) => a.once('close', r)); // the first client was dropped
      b.write(h.frame(fullRead(BT52), 2));
      await cb.waitFor(() => cb.replies.length === 1);
      expect(cb.replies[0]!.status).toBe(0);
      b.destroy();
    } finally {
      await tcp.close();
    }
  });

  test('stdio (injected streams): raw bytes both ways', async () => {
    const h = new Harness({ initialSeq: 1 });
    const input = new PassThrough();
    const output = new PassThrough();
    const c = new Client();
    output.on('data', c.feed);
    const io = attachStdio(h.sim, { input, output });
    input.write(Buffer.from(h.frame(fullRead(BT01), 1)));
    await c.waitFor(() => c.replies.length === 1);
    expect(c.replies[0]!.status).toBe(0);
    io.close();
  });

  test('serial: a socat pseudo-terminal pair, the simulator on one end, a SerialPort client on the other', async () => {
    const socat = await startSocat();
    const sim = new MeterSimulator({ key: KEY, initialSeq: 9, pacing: 'realtime', turnaroundMs: 5 });
    let handle: SerialHandle | null = null;
    const client = new SerialPort({ path: socat.ptys[1]!, baudRate: 9600, autoOpen: false });
    try {
      handle = await attachSerial(sim, socat.ptys[0]!, { baudRate: 9600 });
      await new Promise<void>((resolve, reject) => client.open((e) => (e ? reject(e) : resolve())));
      const c = new Client();
      client.on('data', c.feed);
      client.write(Buffer.from(new Harness().frame(fullRead(BT01), 3)));
      await c.waitFor(() => c.replies.length === 1);
      expect(c.replies[0]!.nextSeq).toBe(8); // 0x0C carrying N: retry with N + 1
      client.write(Buffer.from(new Harness().frame(fullRead(BT01), 9)));
      await c.waitFor(() => c.replies.length === 2);
      expect(c.replies[1]!.data!.length).toBe(32);
    } finally {
      await new Promise<void>((r) => (client.isOpen ? client.close(() => r()) : r()));
      await handle?.close();
      sim.close();
      socat.proc.kill();
    }
  });
});

/** `socat -d -d pty,raw,echo=0 pty,raw,echo=0` prints the two pty paths on stderr. */
function startSocat(): Promise<{ proc: ChildProcess; ptys: string[] }> {
  return new Promise((resolve, reject) => {
    const proc = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0']);
    let err = '';
    proc.once('error', (e) =>
      reject(new Error(`socat is required for the serial transport test (apt-get install socat): ${e.message}`)),
    );
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const ptys = [...err.matchAll(/PTY is (\S+)/g)].map((m) => m[1]!);
      if (ptys.length === 2 && err.includes('starting data transfer loop')) resolve({ proc, ptys });
    });
    proc.once('exit', (code) => reject(new Error(`socat exited (${code}): ${err}`)));
  });
}
