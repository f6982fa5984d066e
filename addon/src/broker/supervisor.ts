// GET http://supervisor/services/mqtt with the Supervisor token (home-assistant.md §0 #6, §2.1). The answer is
// `{"result":"ok","data":{host,port,ssl,protocol,username,password,addon}}` or the error envelope
// `{"result":"error","message":"Service not enabled"}` (HTTP 400); 401 for a bad token.
import { SupervisorLookup, SupervisorMqtt } from './choice';

export const SUPERVISOR_MQTT_URL = 'http://supervisor/services/mqtt';

/** The data object of an ok answer, checked field by field; null when it is not one. */
export function parseServicesMqtt(body: unknown): SupervisorMqtt | null {
  if (typeof body !== 'object' || body === null) return null;
  const envelope = body as { result?: unknown; data?: unknown };
  if (envelope.result !== 'ok' || typeof envelope.data !== 'object' || envelope.data === null) return null;
  const d = envelope.data as { [key: string]: unknown };
  if (typeof d.host !== 'string' || d.host === '') return null;
  const port = typeof d.port === 'string' ? Number(d.port) : d.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  const optionalString = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    host: d.host,
    port,
    ssl: d.ssl === true,
    protocol: d.protocol === '3.1' ? '3.1' : '3.1.1',
    username: optionalString(d.username),
    password: optionalString(d.password),
    addon: optionalString(d.addon) ?? optionalString(d.app),
  };
}

export interface SupervisorAccess {
  /** SUPERVISOR_TOKEN; absent = not running as an add-on. */
  token?: string;
  /** Default SUPERVISOR_MQTT_URL (tests point it at the stand-in). */
  url?: string;
  timeoutMs?: number;
}

export async function lookupSupervisorMqtt(access: SupervisorAccess): Promise<SupervisorLookup> {
  if (!access.token) return { status: 'no-supervisor' };
  let response: Response;
  try {
    response = await fetch(access.url ?? SUPERVISOR_MQTT_URL, {
      headers: { Authorization: `Bearer ${access.token}` },
      signal: AbortSignal.timeout(access.timeoutMs ?? 5000),
    });
  } catch (err) {
    return { status: 'unavailable', reason: `Supervisor not reachable: ${(err as Error).message}` };
  }
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // a 401 from the Supervisor's auth middleware is plain text
  }
  const mqtt = response.ok ? parseServicesMqtt(body) : null;
  if (mqtt) return { status: 'ok', mqtt };
  const message = (body as { message?: unknown } | null)?.message;
  const reason =
    typeof message === 'string' && message !== ''
      ? message.slice(0, 200)
      : response.ok ? 'unexpected answer from the Supervisor' : `HTTP ${response.status}`;
  return { status: 'unavailable', reason };
}
