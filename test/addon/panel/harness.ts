// The panel server on the in-memory fixtures, on a real socket (127.0.0.1, port 0), and a small HTTP client.
// (fastify's inject() cannot run under jest: light-my-request needs the ESM-only `cookie`; see ingress-peer.ts.)
import { PanelMode } from '../../../addon/src/panel/access';
import { createPanelServer, PanelServer } from '../../../addon/src/panel/server';
import { PanelFixture, panelFixture, stubAssetsDir } from './fixtures';

/** Headers the panel's own page sends on POST. */
export const PANEL_POST = { 'x-requested-with': 'mep-panel' };

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json(): any;
}

export interface TestPanel extends PanelFixture {
  server: PanelServer;
  port: number;
  base: string;
  /** GET when no body; a JSON body unless `raw` is given. */
  call(method: string, path: string, options?: { body?: unknown; raw?: Buffer | string; headers?: Record<string, string> }): Promise<Reply>;
  post(path: string, body?: unknown): Promise<Reply>;
  close(): Promise<void>;
}

export async function startTestPanel(mode: PanelMode = 'local', assetsDir: string = stubAssetsDir()): Promise<TestPanel> {
  const f = panelFixture();
  const server = createPanelServer({ ...f, mode, host: '127.0.0.1', port: 0, assetsDir });
  const { port } = await server.start();
  const base = `http://127.0.0.1:${port}`;
  const call: TestPanel['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Buffer | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + path, { method, headers, body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  };
  return {
    ...f, server, port, base, call,
    post: (path, body) => call('POST', path, { body, headers: PANEL_POST }),
    close: () => server.stop(),
  };
}
