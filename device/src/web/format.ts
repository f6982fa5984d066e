// "Format web/app storage area" on /recovery (issue 4): erases the web bundle's files (installed generations
// "wa_*"/"wb_*" and their pointer records "web.*", reference-style "www_*": ota/web-files.ts) and any staged
// update, never the running firmware or the boot loader; the settings (with WiFi, MQTT, key and login) only when
// the user asks for it.
import { Storage } from '../hal/types';
import { SETTINGS_FILE } from '../settings/schema';

const WEB_AREA = ['www_', 'wa_', 'wb_', 'web.', 'ota.stage'];

export function formatWebArea(storage: Storage, keepSettings: boolean): string[] {
  const erased: string[] = [];
  const names = storage.list();
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    let hit = !keepSettings && name === SETTINGS_FILE;
    for (let p = 0; p < WEB_AREA.length && !hit; p++) hit = name.indexOf(WEB_AREA[p] as string) === 0;
    if (hit) {
      storage.erase(name);
      erased.push(name);
    }
  }
  return erased;
}
