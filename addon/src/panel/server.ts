// The ingress panel's HTTP server (issue 5): add-on mode listens on 0.0.0.0:8099 and admits only the ingress proxy,
// local mode listens on 127.0.0.1 only (home-assistant.md §0 #8, §2.4). The app itself is app.ts.
import { createPanelApp, PanelApp } from './app';
import { defaultAssetsDir, ensureAssets } from './assets-dir';
import { PanelDeps } from './deps';
import { loadAssets } from './routes/assets';

export type { PanelDeps } from './deps';

export interface PanelServer {
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

export function createPanelServer(deps: PanelDeps): PanelServer {
  let panel: PanelApp | null = null;
  return {
    async start() {
      const assetsDir = deps.assetsDir ?? defaultAssetsDir();
      await ensureAssets(assetsDir);
      const built = createPanelApp(deps, await loadAssets(assetsDir));
      // Local mode never listens beyond this machine, whatever host was passed (issue 5).
      const host = deps.mode === 'local' ? '127.0.0.1' : deps.host;
      try {
        await built.app.listen({ host, port: deps.port });
      } catch (err) {
        await built.close();
        throw err;
      }
      panel = built;
      const address = built.app.server.address();
      const port = typeof address === 'object' && address ? address.port : deps.port;
      deps.log.info(`panel: listening on ${host}:${port} (${deps.mode === 'addon' ? 'ingress only' : 'local only'})`);
      return { port };
    },
    async stop() {
      const running = panel;
      panel = null;
      if (running) await running.close();
    },
  };
}
