// The add-on's entry point inside Home Assistant (rootfs/etc/services.d/mep-bridge/run starts it):
//   node /app/main.mjs addon --options /data/options.json --data-dir /data --catalog-dir /app/firmware --panel-assets /app/panel
// Options are validated once (a bad file stops the add-on with every problem named); the Supervisor token comes from
// the environment. SIGTERM/SIGINT stop the services in reverse order. Local mode is `mep start` (cli/commands/start.ts).
import { parseArgs } from 'node:util';
import { resolveHaTarget } from './ha/connection';
import { startAddon } from './main';
import { ADDON_OPTIONS_FILE, loadOptions, OptionsError } from './options';

const HELP = `MEP Bridge add-on

  main.mjs addon [--options /data/options.json] [--data-dir /data] [--catalog-dir /app/firmware]
                 [--panel-assets /app/panel] [--panel-port 8099] [--local]

Runs the add-on inside Home Assistant: the MQTT side (Supervisor broker, the configured one, or the embedded one),
the meter registry, firmware catalog and downloads, Home Assistant integration and the ingress panel.
Environment: SUPERVISOR_TOKEN (set by the Supervisor); MEP_SUPERVISOR_URL (default http://supervisor) and
MEP_HA_URL (default http://supervisor/core) point elsewhere for tests.
--local: local mode outside Home Assistant (broker and panel on 127.0.0.1 only, anonymous broker clients there),
         as \`npm start\` runs it, without the simulated meter (used by \`npm run bench\` on the production bundle).`;

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      options: { type: 'string' },
      'data-dir': { type: 'string' },
      'catalog-dir': { type: 'string' },
      'panel-assets': { type: 'string' },
      'panel-port': { type: 'string' },
      local: { type: 'boolean' },
    },
  });
  if (values.help || positionals[0] !== 'addon') {
    process.stdout.write(HELP + '\n');
    return values.help ? 0 : 2;
  }
  let options;
  try {
    options = loadOptions(values.options ?? ADDON_OPTIONS_FILE);
  } catch (err) {
    process.stderr.write(`MEP Bridge: ${err instanceof OptionsError ? err.message : `cannot read the options: ${(err as Error).message}`}\n`);
    return 1;
  }
  const panelPort = values['panel-port'] === undefined ? 8099 : Number(values['panel-port']);
  const local = values.local === true;
  const addon = await startAddon({
    mode: local ? 'local' : 'addon',
    options,
    dataDir: values['data-dir'] ?? '/data',
    catalogDir: values['catalog-dir'] ?? '/app/firmware',
    panel: { host: local ? '127.0.0.1' : '0.0.0.0', port: panelPort, assetsDir: values['panel-assets'] },
    supervisor: local ? {} : { token: process.env['SUPERVISOR_TOKEN'], url: process.env['MEP_SUPERVISOR_URL'] },
    homeAssistant: resolveHaTarget(process.env),
  });
  process.stderr.write(`MEP Bridge add-on running: panel ${addon.panelUrl}, broker port ${addon.brokerPort ?? 'external'}\n`);
  await new Promise<void>((done) => {
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
  await addon.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`MEP Bridge: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
