// Shared pieces of the add-on OTA tests: real packages built by ota/pack.ts, a bus and a logger that records lines
// (so tests can check that no token ever reaches the log), and a temporary data dir.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { packBin, packWwws } from '../../../ota/pack';
import { EventBus } from '../../../addon/src/bus';
import { Logger } from '../../../addon/src/service';

export function firmwarePackage(version: string, payload = `print("firmware ${version}");`.repeat(40), board = 'esp32'): Buffer {
  return Buffer.from(packBin(Buffer.from(payload), { firmwareVersion: version, buildId: `b${version}`.slice(0, 16), board }));
}

export function webPackage(text = '<h1>dashboard</h1>'): Buffer {
  return Buffer.from(packWwws([{ name: 'www_index.html', data: Buffer.from(text.repeat(30)), gzip: true }, { name: 'www_app.js', data: Buffer.from('let a = 1;') }]));
}

export interface RecordingLogger extends Logger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  const add = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return { lines, debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

export function testBus(log: Logger): EventBus {
  return new EventBus((m) => log.error(m));
}

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'mep-ota-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** An upload body delivered in small pieces, as an HTTP request would be. */
export function uploadStream(bytes: Uint8Array, piece = 1000): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += piece) chunks.push(Buffer.from(bytes.subarray(at, at + piece)));
  return Readable.from(chunks);
}

/** An upload whose connection breaks after `bytes`. */
export function brokenUpload(bytes: Uint8Array): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) {
        this.destroy(new Error('connection reset by peer'));
        return;
      }
      sent = true;
      this.push(Buffer.from(bytes));
    },
  });
}
