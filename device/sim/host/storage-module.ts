// require("Storage") inside the device, over HostStorage (espruino.md §2.2). Strings are byte strings; errors are
// thrown as the context's Error with Espruino's messages.
import { DeviceEnv } from './env';
import { bytesOf, latin1, realmArrayBuffer, realmError, realmValue } from './realm';
import { HostStorage, StorageError } from './storage';

export function storageModule(env: DeviceEnv, storage: HostStorage): Record<string, unknown> {
  const realm = env.realm;
  // After a power cut (HostHandle.kill) the code of the interrupted callback still finishes in V8, but nothing it
  // writes may reach the flash any more: every change throws, as if the chip had lost power at that instant.
  const guard = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A): R => {
    if (!env.runner.alive) throw realmError(realm, 'the device has no power');
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof StorageError) throw realmError(realm, err.message);
      throw err;
    }
  };
  const readText = (name: unknown, offset?: unknown, length?: unknown): string | undefined => {
    const bytes = storage.read(String(name), Number(offset) || 0, length === undefined ? undefined : Number(length));
    return bytes === undefined ? undefined : latin1(bytes);
  };
  const write = guard((name: unknown, data: unknown, offset?: unknown, size?: unknown) => {
    // 'storage-writing' lets a test cut the power just before a write reaches the flash ('storage-write': just after).
    env.emit('storage-writing', { name: HostStorage.normalizeName(String(name)), offset: Number(offset) || 0 });
    if (!env.runner.alive) throw realmError(realm, 'the device has no power');
    const ok = storage.write(String(name), bytesOf(data), Number(offset) || 0, Number(size) || 0);
    env.emit('storage-write', { name: HostStorage.normalizeName(String(name)) });
    return ok;
  });
  return {
    read: readText,
    readArrayBuffer: (name: unknown) => {
      const bytes = storage.read(String(name));
      return bytes === undefined ? undefined : realmArrayBuffer(realm, bytes);
    },
    readJSON: (name: unknown, noExceptions?: unknown) => {
      const text = readText(name);
      if (text === undefined) return undefined;
      try {
        return realm.JSON.parse(text) as unknown;
      } catch (err) {
        if (noExceptions) return undefined;
        throw realmError(realm, `JSON.parse: ${(err as Error).message}`);
      }
    },
    write,
    writeJSON: (name: unknown, data: unknown) => write(name, realm.JSON.stringify(data)),
    erase: guard((name: unknown) => storage.erase(String(name))),
    eraseAll: guard(() => storage.eraseAll()),
    compact: guard(() => storage.compact()),
    getFree: () => storage.getFree(),
    getStats: () => realmValue(realm, storage.getStats()),
    list: (regex?: unknown) => {
      let names = storage.list();
      if (regex !== undefined && regex !== null) names = names.filter((n) => String.prototype.match.call(n, regex as RegExp) !== null);
      return realmValue(realm, names);
    },
    hash: (regex?: unknown) => {
      let h = 0;
      for (const n of storage.list()) {
        if (regex !== undefined && String.prototype.match.call(n, regex as RegExp) === null) continue;
        for (const b of bytesOf(n + latin1(storage.read(n) as Uint8Array))) h = (Math.imul(h, 31) + b) | 0;
      }
      return h;
    },
    debug: () => undefined,
    open: () => {
      throw realmError(realm, 'Storage.open (StorageFile) is not simulated by the host');
    },
  };
}
