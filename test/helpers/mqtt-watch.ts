// A real mqtt.js subscriber on '#' that records every message, for integration tests: what Home Assistant would see.
import mqtt, { MqttClient } from 'mqtt';

export interface Seen {
  topic: string;
  text: string;
  retain: boolean;
}

export interface Watcher {
  client: MqttClient;
  seen: Seen[];
  /** The first message on `topic` (matching) from position `after` on (default: any seen so far or later). */
  next: (topic: string, match?: (t: string) => boolean, options?: { ms?: number; after?: number }) => Promise<Seen>;
  /** Position to pass as `after` to wait for what follows an action. */
  mark: () => number;
}

export async function watcher(url: string): Promise<Watcher> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 200 });
  const seen: Seen[] = [];
  const waiters: (() => void)[] = [];
  client.on('message', (topic, payload, packet) => {
    seen.push({ topic, text: payload.toString(), retain: packet.retain });
    waiters.splice(0).forEach((w) => w());
  });
  await client.subscribeAsync(['#'], { qos: 1 });
  const next = (topic: string, match: (t: string) => boolean = () => true, options: { ms?: number; after?: number } = {}) =>
    new Promise<Seen>((resolve, reject) => {
      const start = options.after ?? 0;
      const ms = options.ms ?? 15000;
      const timer = setTimeout(() => reject(new Error(`nothing on ${topic} within ${ms} ms; saw ${[...new Set(seen.map((s) => s.topic))].join(', ')}`)), ms);
      const check = () => {
        const hit = seen.slice(start).find((s) => s.topic === topic && match(s.text));
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });
  return { client, seen, next, mark: () => seen.length };
}

/** What a late subscriber (Home Assistant after a restart) gets for `topic`: the retained message, or null. */
export async function retained(url: string, topic: string): Promise<string | null> {
  const c = await mqtt.connectAsync(url);
  try {
    const got = new Promise<string | null>((resolve) => {
      c.on('message', (t, p, packet) => (t === topic && packet.retain ? resolve(p.toString()) : undefined));
      setTimeout(() => resolve(null), 1500);
    });
    await c.subscribeAsync(topic, { qos: 1 });
    return await got;
  } finally {
    await c.endAsync();
  }
}
