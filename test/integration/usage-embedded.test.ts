// The usage entities over the embedded broker (issue 13): `mep start` (the add-on with its embedded aedes broker and
// the production firmware on the Node host reading a simulated meter). The add-on must publish its discovery on the
// module's device and a usage message after the module's readings, carrying signed currents of the module's real
// state keys, and show `usage` in the panel API, without the registry taking its topic for garbage.
import mqtt from 'mqtt';
import { startProduct, Product } from '../helpers/product';
import { waitFor } from '../helpers/wait';

let product: Product;
let client: mqtt.MqttClient;
const seen: { topic: string; text: string }[] = [];

beforeAll(async () => {
  product = await startProduct();
  client = await mqtt.connectAsync(product.brokerUrl);
  client.on('message', (topic, payload) => seen.push({ topic, text: payload.toString() }));
  await client.subscribeAsync(['homeassistant/device/+/config', 'mep-addon/#'], { qos: 1 });
}, 120000);

afterAll(async () => {
  await client?.endAsync();
  await product?.stop();
});

test('discovery on the module\'s device and a usage message per reading, with signed currents', async () => {
  await waitFor('the usage discovery and two usage messages', () => seen.some((s) => /_usage\/config$/.test(s.topic)) && seen.filter((s) => s.topic.startsWith('mep-addon/')).length >= 2, 60000, () => product.output());
  const discovery = seen.find((s) => /_usage\/config$/.test(s.topic)) as { topic: string; text: string };
  const id = /homeassistant\/device\/(mep_[0-9a-f]{12})_usage\/config/.exec(discovery.topic)?.[1] as string;
  expect(JSON.parse(discovery.text).device).toEqual({ identifiers: [id] });
  const module = seen.find((s) => s.topic === `homeassistant/device/${id}/config`);
  expect(JSON.parse(module?.text ?? '{}').dev.ids).toEqual([id]);
  const usage = JSON.parse((seen.filter((s) => s.topic === `mep-addon/${id}/usage`).pop() as { text: string }).text) as { [key: string]: unknown };
  expect(typeof usage.current_signed_l1).toBe('number');
  expect(usage).toHaveProperty('energy_import_today');
  expect(usage).toHaveProperty('peak_hour_1');
  const meters = ((await (await fetch(`${product.panelUrl}/api/meters`)).json()) as { meters: { deviceId: string; usage: { monthPeaks: unknown[] } }[] }).meters;
  expect(meters.find((m) => m.deviceId === id)?.usage.monthPeaks).toEqual(expect.any(Array));
  expect(product.output()).not.toMatch(/ignored a message on mep-addon/);
}, 90000);
