// The port devices must use to download packages. Inside Home Assistant the add-on's ota.port is a container port;
// the Supervisor maps it to a host port the user may change or disable (config.yaml `ports:`), and reports the
// mapping in GET /addons/self/info → data.network {"8125/tcp": <host port | null>} (home-assistant.md §2.5, no
// hassio_api needed). Devices on the LAN reach the host port, so that one goes into the download URL.
import { Logger } from '../service';

export interface SupervisorSelf {
  /** e.g. http://supervisor */
  url: string;
  token: string;
  timeoutMs?: number;
}

export type HostPort = { kind: 'mapped'; port: number } | { kind: 'disabled' } | { kind: 'unknown'; reason: string };

/** Reads the host port mapped to `containerPort`/tcp. Never throws. */
export async function lookupHostPort(self: SupervisorSelf, containerPort: number): Promise<HostPort> {
  let body: unknown;
  try {
    const res = await fetch(`${self.url}/addons/self/info`, {
      headers: { Authorization: `Bearer ${self.token}` },
      signal: AbortSignal.timeout(self.timeoutMs ?? 5000),
    });
    if (!res.ok) return { kind: 'unknown', reason: `the Supervisor answered ${res.status}` };
    body = await res.json();
  } catch (err) {
    return { kind: 'unknown', reason: `the Supervisor did not answer (${(err as Error).message})` };
  }
  const network = (body as { data?: { network?: unknown } } | null)?.data?.network;
  if (typeof network !== 'object' || network === null) return { kind: 'unknown', reason: 'no network section in the add-on info' };
  const mapped = (network as { [key: string]: unknown })[`${containerPort}/tcp`];
  if (mapped === null) return { kind: 'disabled' };
  if (typeof mapped === 'number' && Number.isInteger(mapped) && mapped > 0 && mapped < 65536) return { kind: 'mapped', port: mapped };
  return { kind: 'unknown', reason: `port ${containerPort}/tcp is not in the add-on's network mapping` };
}

/** The advertised-port function the download server takes: the mapped host port, or the container port (logged
 *  once per distinct problem) when the mapping is unknown or disabled. */
export function advertisedPortFrom(self: SupervisorSelf, containerPort: number, log: Logger): () => Promise<number> {
  let lastProblem = '';
  return async () => {
    const found = await lookupHostPort(self, containerPort);
    if (found.kind === 'mapped') return found.port;
    const problem =
      found.kind === 'disabled'
        ? `the firmware download port ${containerPort}/tcp is disabled in the add-on's network settings: devices cannot download updates`
        : `cannot read the host port of ${containerPort}/tcp (${found.reason}); devices are sent to ${containerPort}`;
    if (problem !== lastProblem) log.warn(problem);
    lastProblem = problem;
    return containerPort;
  };
}
