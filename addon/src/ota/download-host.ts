// The host name devices use to reach the download server. Devices cannot use ingress (home-assistant.md §2.6), so
// the URL names the add-on's own port on a host the devices can reach, chosen in this order:
//  1. options.ota.host, when the user set one (the only choice that is certain in every network);
//  2. the host of Home Assistant's internal URL (the machine that also runs the add-on, usually reachable from the
//     LAN; the port is the add-on's `ota.port` published on the host);
//  3. 127.0.0.1: right for local mode (`npm start`, where the simulated device runs on the same machine).

export type HostSource = 'option' | 'home-assistant' | 'local';

export const LOCAL_HOST = '127.0.0.1';

/** Returns Home Assistant's internal URL (e.g. "http://homeassistant.local:8123"), or null when unknown. */
export type InternalUrlLookup = () => Promise<string | null> | string | null;

export async function chooseDownloadHost(configured: string | undefined, internalUrl?: InternalUrlLookup): Promise<{ host: string; source: HostSource }> {
  if (configured && configured.trim() !== '') return { host: configured.trim(), source: 'option' };
  if (internalUrl) {
    try {
      const text = await internalUrl();
      if (text) return { host: new URL(text).hostname, source: 'home-assistant' };
    } catch {
      // An unreadable internal URL falls through to the local address.
    }
  }
  return { host: LOCAL_HOST, source: 'local' };
}

/** http://host:port/firmware/<id> (IPv6 literals in brackets). */
export function packageUrl(host: string, port: number, entryId: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${h}:${port}/firmware/${entryId}`;
}
