// Small HTTP helpers for the device's web server (espruino.md §2.8): Espruino always answers "HTTP/1.1 <code> OK"
// and closes the connection, so every response carries its meaning in the status code and body; header names are
// looked up case-insensitively by the HAL; big bodies go out in slices on 'drain', never as one string.
import { HttpRequest, HttpResponse } from '../hal/types';
import { utf8Decode } from '../mqtt/utf8';

export type Headers = { [name: string]: string };

/** `headers` plus the security headers of every response: no framing, no sniffing, nothing cached that could hold a
 *  session's data. (Literals inside functions: module-level tables stay in RAM while the web module is loaded.) */
export function withBase(headers: Headers): Headers {
  const out: Headers = { 'X-Frame-Options': 'DENY', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' };
  for (const k in headers) out[k] = headers[k] as string;
  return out;
}

/** The path of a request target, without query or fragment. */
export function pathOf(url: string): string {
  let end = url.length;
  const q = url.indexOf('?');
  if (q >= 0) end = q;
  const h = url.indexOf('#');
  if (h >= 0 && h < end) end = h;
  return url.substring(0, end) || '/';
}

/** One cookie's value from a Cookie header, or ''. */
export function cookieValue(header: string | undefined, name: string): string {
  if (!header) return '';
  const parts = header.split(';');
  for (let i = 0; i < parts.length; i++) {
    const p = (parts[i] as string).trim();
    if (p.substring(0, name.length + 1) === `${name}=`) return p.substring(name.length + 1);
  }
  return '';
}

export function send(res: HttpResponse, status: number, type: string, body: string, headers?: Headers): void {
  const h = withBase(headers || {});
  h['Content-Type'] = type;
  res.writeHead(status, h);
  res.end(body);
}

export function sendJson(res: HttpResponse, status: number, value: unknown, headers?: Headers): void {
  send(res, status, 'application/json', JSON.stringify(value), headers);
}

export function sendError(res: HttpResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

export function redirect(res: HttpResponse, location: string): void {
  res.writeHead(302, withBase({ Location: location }));
  res.end();
}

/** Streams `length` bytes in slices of SLICE bytes, the next slice only once the previous one has drained
 *  (espruino.md §2.8: response bodies are copied into RAM). */
export const SLICE = 1024;
export function streamSlices(res: HttpResponse, length: number, slice: (offset: number, len: number) => Uint8Array | string | null): void {
  if (length <= 0) {
    res.end(); // an empty file: nothing to wait for (no drain would ever come)
    return;
  }
  let offset = 0;
  const next = (): void => {
    if (offset >= length) return;
    const len = Math.min(SLICE, length - offset);
    const chunk = slice(offset, len);
    offset += len;
    if (chunk === null) offset = length;
    if (offset >= length) res.end(chunk === null ? undefined : chunk);
    else res.write(chunk as Uint8Array | string);
  };
  res.onDrain(next);
  next();
}

/** Collects a small request body (forms, JSON) up to `limit` bytes; bigger bodies are refused, not buffered. */
export function readSmallBody(req: HttpRequest, limit: number, done: (text: string | null) => void): void {
  const declared = Number(req.header('content-length') || '0');
  if (declared > limit) {
    done(null);
    return;
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  let over = false;
  req.onData((chunk) => {
    size += chunk.length;
    if (size > limit) over = true;
    else parts.push(chunk);
  });
  req.onEnd(() => {
    if (over) {
      done(null);
      return;
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (let i = 0; i < parts.length; i++) {
      all.set(parts[i] as Uint8Array, at);
      at += (parts[i] as Uint8Array).length;
    }
    done(utf8Decode(all));
  });
}

/** A JSON object body, or null when it is not one. */
export function parseJsonObject(text: string): { [key: string]: unknown } | null {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !(v instanceof Array) ? (v as { [key: string]: unknown }) : null;
  } catch {
    return null;
  }
}
