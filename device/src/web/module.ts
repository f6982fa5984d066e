// The web pages as a lazy module (device/src/lazy, device/build/modules.ts): loaded from Storage on the first request
// and unloaded by the app when idle, so the router, pages, login and upload code cost no RAM between visits.
import { StoredWebFiles } from '../ota/web-files';
import { WebContext, WebServer } from './server';

export interface WebModule {
  handle: WebServer['handle'];
  busy(): boolean;
}

/** `ctx.webFiles` may be left out: the module then reads the installed bundle's pointer itself, afresh for every
 *  request (an install by the update module switches it; a cached copy here would keep serving the old bundle). */
export function createWeb(ctx: WebContext): WebModule {
  if (!ctx.webFiles) ctx.webFiles = () => new StoredWebFiles(ctx.hal.storage);
  const server = new WebServer(ctx);
  return {
    handle: (req, res) => server.handle(req, res),
    busy: () => server.busy(),
  };
}
