// HttpClient over require("http").request (espruino.md §2.8): plain http:// only, body pieces as byte strings.
// Espruino's client response ends with 'close' (some builds also emit 'end'): onEnd runs once for either.
import { HttpClient, HttpClientResponse } from '../types';
import { EspruinoE, EspruinoHttpClientResponse, native } from './natives';

declare const E: EspruinoE;

/** host, port and path of an http:// URL, or null. */
export function parseHttpUrl(url: string): { host: string; port: number; path: string } | null {
  if (url.substr(0, 7) !== 'http://') return null;
  const rest = url.substr(7);
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.substr(0, slash);
  const path = slash < 0 ? '/' : rest.substr(slash);
  if (authority.indexOf('@') >= 0) return null;
  let colon = authority.length - 1;
  while (colon >= 0 && authority.charAt(colon) !== ':') colon--;
  const host = colon < 0 ? authority : authority.substr(0, colon);
  const port = colon < 0 ? 80 : parseInt(authority.substr(colon + 1), 10);
  if (!host || !(port > 0 && port < 65536)) return null;
  return { host, port, path };
}

function messageOf(e: unknown): string {
  return e && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
}

function wrap(res: EspruinoHttpClientResponse, ended: () => boolean, markEnded: () => void): HttpClientResponse {
  return {
    status: Number(res.statusCode),
    header(name: string): string | undefined {
      const wanted = name.toLowerCase();
      for (const key in res.headers) if (key.toLowerCase() === wanted) return res.headers[key];
      return undefined;
    },
    onData(listener: (chunk: Uint8Array) => void): void {
      res.on('data', (d: string) => {
        if (!ended()) listener(E.toUint8Array(d));
      });
    },
    onEnd(listener: () => void): void {
      const once = () => {
        if (ended()) return;
        markEnded();
        listener();
      };
      res.on('end', once);
      res.on('close', once);
    },
  };
}

export function createHttpClient(): HttpClient {
  return {
    get(url, headers, onResponse, onError) {
      let done = false;
      const fail = (m: string) => {
        if (done) return;
        done = true;
        onError(m);
      };
      const target = parseHttpUrl(url);
      if (!target) {
        fail('not an http:// URL');
        return { abort: () => undefined };
      }
      try {
        const req = native('http').request(
          { host: target.host, port: target.port, path: target.path, method: 'GET', headers },
          (res) => {
            if (!done) onResponse(wrap(res, () => done, () => (done = true)));
          },
        );
        req.on('error', (e) => fail(messageOf(e)));
        req.end();
      } catch (e) {
        fail(messageOf(e)); // connect and DNS may throw (espruino.md §2.8)
      }
      return {
        abort: () => {
          done = true;
        },
      };
    },
  };
}
