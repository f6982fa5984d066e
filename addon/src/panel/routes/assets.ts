// The page and its script. The page uses relative URLs only; under ingress its <base href> is set from
// X-Ingress-Path so it also works when opened without a trailing slash (home-assistant.md §2.4).
import { FastifyInstance } from 'fastify';
import { readFile } from 'fs/promises';
import { join } from 'path';
import { ingressPrefix } from '../access';

export const BASE_PLACEHOLDER = '<base href="./">';

export interface PanelAssets {
  html: string;
  script: Buffer;
}

export async function loadAssets(dir: string): Promise<PanelAssets> {
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  if (!html.includes(BASE_PLACEHOLDER)) throw new Error(`${join(dir, 'index.html')} has no ${BASE_PLACEHOLDER}`);
  return { html, script: await readFile(join(dir, 'panel.js')) };
}

export function pageFor(assets: PanelAssets, prefix: string): string {
  return prefix ? assets.html.replace(BASE_PLACEHOLDER, `<base href="${prefix}/">`) : assets.html;
}

export function assetRoutes(app: FastifyInstance, assets: PanelAssets): void {
  app.get('/', async (req, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return pageFor(assets, ingressPrefix(req.headers));
  });
  app.get('/panel.js', async (_req, reply) => {
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache');
    return assets.script;
  });
}
