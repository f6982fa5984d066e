// Facts from Home Assistant Core's configuration (websocket `get_config`) that other services need: the internal
// URL's host is where devices on the LAN can reach the add-on's OTA port when options.ota.host is not set
// (options/types.ts, home-assistant.md §2.6).
import { HaLink } from './connection';

/** Host name or address of Core's internal URL, null when Core has none or is not connected. */
export async function coreInternalHost(ha: HaLink): Promise<string | null> {
  if (!ha.status().connected) return null;
  try {
    const config = await ha.send<{ internal_url?: unknown }>({ type: 'get_config' });
    if (typeof config.internal_url !== 'string' || config.internal_url === '') return null;
    return new URL(config.internal_url).hostname || null;
  } catch {
    return null;
  }
}
