// HttpServer over require("http") (espruino.md §2.8). Request header names keep the client's capitalisation, so
// lookups are case-insensitive here; bodies arrive as byte strings of up to 536 bytes.
//
// A finished request and its response live on until the interpreter closes the socket (later on a busy device), and
// with them their listeners. Those come from the web module or the upload receiver, and a listener keeps its whole
// module in RAM after the app released it (measured: the pages, ~1,200 JsVars, stayed next to the update engine
// during an upload, leaving a WROOM 2,100 free). So the listeners go once the body or the answer is over.
import { HttpRequest, HttpResponse, HttpServer } from '../types';
import { EspruinoE, EspruinoHttpRequest, EspruinoHttpResponse, EspruinoHttpServer, native } from './natives';

declare const E: EspruinoE;

function wrapRequest(req: EspruinoHttpRequest): HttpRequest {
  return {
    method: req.method,
    url: req.url,
    header(name: string): string | undefined {
      const wanted = name.toLowerCase();
      const headers = req.headers || {};
      for (const key in headers) {
        if (key.toLowerCase() === wanted) return headers[key];
      }
      return undefined;
    },
    onData(listener: (chunk: Uint8Array) => void): void {
      req.on('data', (data: string) => listener(E.toUint8Array(data)));
    },
    onEnd(listener: () => void): void {
      req.on('end', () => {
        listener();
        req.removeAllListeners('data');
        req.removeAllListeners('end');
      });
    },
  };
}

function text(chunk: Uint8Array | string): string {
  return typeof chunk === 'string' ? chunk : E.toString(chunk);
}

function wrapResponse(res: EspruinoHttpResponse): HttpResponse {
  return {
    writeHead(status: number, headers: { [name: string]: string }): void {
      res.writeHead(status, headers);
    },
    write(chunk: Uint8Array | string): void {
      res.write(text(chunk));
    },
    end(chunk?: Uint8Array | string): void {
      if (chunk === undefined) res.end();
      else res.end(text(chunk));
      res.removeAllListeners('drain');
    },
    onDrain(listener: () => void): void {
      res.on('drain', listener);
    },
  };
}

export function createHttpServer(): HttpServer {
  let server: EspruinoHttpServer | null = null;
  return {
    listen(port: number, handler: (req: HttpRequest, res: HttpResponse) => void): void {
      if (server) server.close();
      server = native('http').createServer((req, res) => handler(wrapRequest(req), wrapResponse(res)));
      server.listen(port);
    },
    close(): void {
      if (server) server.close();
      server = null;
    },
  };
}
