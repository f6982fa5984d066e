// A tiny HTTP client for the download server tests (node:http, one connection per request, like the device).
import { request as httpRequest } from 'http';

export interface Reply {
  status: number;
  headers: { [h: string]: string | string[] | undefined };
  body: Buffer;
}

export interface RequestOptions {
  method?: string;
  headers?: { [h: string]: string };
  /** Source address (127.0.0.x) to look like another client. */
  localAddress?: string;
  /** Drop the connection once this many body bytes have arrived; resolves with what came. */
  dropAfter?: number;
  body?: Buffer;
}

export function fetchUrl(url: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let got = 0;
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      res.on('data', (c: Buffer) => {
        if (options.dropAfter !== undefined && got >= options.dropAfter) return;
        chunks.push(c);
        got += c.length;
        if (options.dropAfter !== undefined && got >= options.dropAfter) {
          req.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', () => done());
    });
    req.on('error', (e) => (options.dropAfter !== undefined ? undefined : reject(e)));
    req.end(options.body);
  });
}
