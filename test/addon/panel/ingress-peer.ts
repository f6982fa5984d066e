// Run with `npx tsx` by access.test.ts: the add-on-mode panel app, answered through fastify inject() with chosen
// peer addresses (a real socket from 172.30.32.2 is not possible on a test machine; jest cannot load inject()).
// Prints one JSON object: { "<address> <method> <url>": status, ... } plus the page under an ingress prefix.
import { createPanelApp } from '../../../addon/src/panel/app';
import { loadAssets } from '../../../addon/src/panel/routes/assets';
import { meterView, panelFixture, stubAssetsDir } from './fixtures';

async function main(): Promise<void> {
  const f = panelFixture();
  f.registry.put(meterView('mep_a1'));
  const panel = createPanelApp({ ...f, mode: 'addon', host: '0.0.0.0', port: 8099 }, await loadAssets(stubAssetsDir()));
  await panel.app.ready();
  const out: { [k: string]: unknown } = {};
  const addresses = process.argv.slice(2);
  for (const remoteAddress of addresses) {
    for (const [method, url] of [['GET', '/api/meters'], ['GET', '/'], ['POST', '/api/meters/mep_a1/restart']] as const) {
      const res = await panel.app.inject({ method, url, remoteAddress, headers: { 'x-requested-with': 'mep-panel' } });
      out[`${remoteAddress} ${method} ${url}`] = res.statusCode;
    }
  }
  const page = await panel.app.inject({ url: '/', remoteAddress: '172.30.32.2', headers: { 'x-ingress-path': '/api/hassio_ingress/tok3n' } });
  out.page = page.body;
  out.commands = f.commander.calls.length;
  await panel.close();
  process.stdout.write(JSON.stringify(out));
}

void main();
