// The vm context's own constructors, and byte conversions. Espruino strings are byte strings (espruino.md §1.2:
// no UTF-8 on the ESP32 build), so every string crossing the host boundary is latin1. Values handed to the firmware
// are built with the context's constructors, or `instanceof Uint8Array`/`Error` would fail inside it.
import * as vm from 'vm';

export type Fn = (...args: unknown[]) => unknown;

export interface Realm {
  context: vm.Context;
  /** The context's global object (Espruino's `global`). */
  global: Record<string, unknown>;
  Uint8Array: Uint8ArrayConstructor;
  ArrayBuffer: ArrayBufferConstructor;
  Error: ErrorConstructor;
  Array: ArrayConstructor;
  Object: ObjectConstructor;
  JSON: JSON;
  Promise: PromiseConstructor;
}

export function realmOf(context: vm.Context): Realm {
  const g = vm.runInContext('this', context) as Record<string, unknown>;
  return {
    context,
    global: g,
    Uint8Array: g.Uint8Array as Uint8ArrayConstructor,
    ArrayBuffer: g.ArrayBuffer as ArrayBufferConstructor,
    Error: g.Error as ErrorConstructor,
    Array: g.Array as ArrayConstructor,
    Object: g.Object as ObjectConstructor,
    JSON: g.JSON as JSON,
    Promise: g.Promise as PromiseConstructor,
  };
}

const tag = (x: unknown): string => Object.prototype.toString.call(x);

/** Bytes of anything Espruino accepts as data: byte strings, numbers, arrays of those, ArrayBuffers, typed arrays. */
export function bytesOf(data: unknown): Uint8Array {
  if (data === undefined || data === null) return new Uint8Array(0);
  if (typeof data === 'string') {
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & 0xff;
    return out;
  }
  if (typeof data === 'number' || typeof data === 'boolean') return Uint8Array.of(Number(data) & 0xff);
  if (tag(data) === '[object ArrayBuffer]') return new Uint8Array((data as ArrayBuffer).slice(0));
  if (ArrayBuffer.isView(data)) {
    const view = data as ArrayBufferView;
    if (view instanceof DataView || tag(view) === '[object DataView]') {
      return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
    }
    const values = view as unknown as ArrayLike<number>;
    const out = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) & 0xff;
    return out;
  }
  if (Array.isArray(data)) {
    const parts = data.map(bytesOf);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  if (typeof data === 'object') {
    const o = data as { data?: unknown; count?: number };
    if ('data' in o) {
      const one = bytesOf(o.data);
      const count = o.count ?? 1;
      const out = new Uint8Array(one.length * count);
      for (let i = 0; i < count; i++) out.set(one, i * one.length);
      return out;
    }
  }
  return bytesOf(String(data));
}

/** A byte string (chars 0–255) from bytes. */
export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function realmBytes(realm: Realm, bytes: Uint8Array): Uint8Array {
  const out = new realm.Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

export function realmArrayBuffer(realm: Realm, bytes: Uint8Array): ArrayBuffer {
  const out = new realm.ArrayBuffer(bytes.length);
  new realm.Uint8Array(out).set(bytes);
  return out;
}

/** An Error created inside the context (so `e instanceof Error` holds for firmware code). */
export function realmError(realm: Realm, message: string): Error {
  return new realm.Error(message);
}

/** Plain data (from the host) as a context-realm value, via the context's JSON. */
export function realmValue<T>(realm: Realm, value: T): T {
  return value === undefined ? value : (realm.JSON.parse(JSON.stringify(value)) as T);
}
