// A browser as the device's pages use the API, over real HTTP (fetch): keeps the session cookie and the CSRF token
// that /api/session and /api/login hand out, and sends the token with every POST (X-CSRF-Token).
export interface WebReply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown> | null;
}

export class WebClient {
  cookie = '';
  csrf = '';

  constructor(readonly base: string) {}

  async req(method: string, path: string, body?: unknown, options: { csrf?: boolean; type?: string } = {}): Promise<WebReply> {
    const headers: Record<string, string> = {};
    if (this.cookie) headers.Cookie = this.cookie;
    if (method === 'POST' && this.csrf && options.csrf !== false) headers['X-CSRF-Token'] = this.csrf;
    let data: string | Uint8Array | undefined;
    if (body instanceof Uint8Array) {
      data = body;
      headers['Content-Type'] = options.type ?? 'application/octet-stream';
    } else if (body !== undefined) {
      data = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(this.base + path, { method, headers, body: data, redirect: 'manual' });
    const text = await r.text();
    const set = r.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0] as string;
    let json: Record<string, unknown> | null = null;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // a page, not JSON
    }
    if (json && typeof json.csrf === 'string') this.csrf = json.csrf;
    return { status: r.status, headers: r.headers, text, json };
  }

  open(): Promise<WebReply> {
    return this.req('GET', '/api/session');
  }

  async login(user: string, password: string): Promise<WebReply> {
    await this.open();
    return this.req('POST', '/api/login', { user, password });
  }
}
