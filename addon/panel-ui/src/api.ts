// Talking to the panel API: relative URLs only (the page lives under Home Assistant's ingress prefix, resolved by
// <base href>), and the same-origin header on every state-changing request (addon/src/panel/access.ts).

export interface FieldError {
  field: string;
  message: string;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; status: number; error: string; fields: FieldError[] };

const SAME_ORIGIN = { 'X-Requested-With': 'mep-panel' };

async function result<T>(res: Response): Promise<ApiResult<T>> {
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (res.ok) return { ok: true, data: data as T };
  const body = (data ?? {}) as { error?: string; fields?: FieldError[] };
  return { ok: false, status: res.status, error: body.error ?? `request failed (${res.status})`, fields: body.fields ?? [] };
}

async function send<T>(path: string, init: RequestInit): Promise<ApiResult<T>> {
  try {
    return await result<T>(await fetch(path, { credentials: 'same-origin', ...init }));
  } catch {
    return { ok: false, status: 0, error: 'the add-on cannot be reached', fields: [] };
  }
}

export function apiGet<T>(path: string): Promise<ApiResult<T>> {
  return send<T>(path, { method: 'GET' });
}

export function apiPost<T>(path: string, body?: unknown): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...SAME_ORIGIN };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return send<T>(path, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export function apiUpload<T>(file: File): Promise<ApiResult<T>> {
  return send<T>(`api/firmware?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { ...SAME_ORIGIN, 'Content-Type': 'application/octet-stream' },
    body: file,
  });
}

/** Path segment for a meter id. */
export function meterPath(id: string, action?: string): string {
  return `api/meters/${encodeURIComponent(id)}${action ? '/' + action : ''}`;
}
