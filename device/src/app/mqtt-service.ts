// The MQTT side of the app: our MQTT client with the availability topic as Last Will, Home Assistant device-based
// discovery (republished when HA announces itself online), state and diagnostics messages, the optional
// compatibility topics, and the command topics (restart, poll now, configuration and raw table reads from the
// add-on).
import { CompatMessage, compatLwtTopic, COMPAT_LWT_OFFLINE, COMPAT_LWT_ONLINE } from '../../../discovery/compat';
import { AVAILABILITY_OFFLINE, AVAILABILITY_ONLINE, CommandResult, ConfigCommand, PAYLOAD_PRESS, UpdateState } from '../../../discovery/contract';
import { DiscoveryContext } from '../../../discovery/discovery-payload';
import { compactPayload } from '../../../discovery/compact-fields';
import { PayloadValues } from '../../../discovery/payloads';
import { buildTopics } from '../../../discovery/topics';
import { Hal } from '../hal/types';
import { Logger } from '../log';
import { MqttClient } from '../mqtt/client';
import type { MqttClientOptions } from '../mqtt/options';
import type { TextChunks } from '../mqtt/codec';
import { Settings } from '../settings/schema';
import type { SecModule } from '../security/module';
import { asciiFromBytes, isAscii } from './text';
import { MAX_TABLE_DATA } from '../meter/frame';

/** The state and diagnostics fields as compact strings (discovery/compact-fields.ts), computed by the firmware build
 *  from the entity table and kept as slot data (device/build/modules.ts): read from flash for each message, so
 *  neither the table nor the strings are resident. */
const STATE_FIELDS = 'stf';
const DIAG_FIELDS = 'dgf';

/** The lazy module that checks signed commands and signs results (device/src/security/module.ts). */
const SEC = 'sec';

type Command = 'restart' | 'poll' | 'config' | 'update' | 'read';

/** HA asks integrations to spread their re-announcements after its birth message (home-assistant.md §3.4). */
const REANNOUNCE_MAX_DELAY_MS = 5000;

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface MqttCommandHandlers {
  /** Every (re)connection: the app re-sends its diagnostics. */
  connected(): void;
  restart(): void;
  pollNow(): boolean;
  applyConfig(command: ConfigCommand): CommandResult;
  /** An update command (update-service.ts): null when the download started (results follow later). */
  update(id: string, command: { [key: string]: unknown }): CommandResult | null;
  /** A raw partial read for the add-on (meter-service.ts rawRead): '' when queued, else why not. */
  read(table: number, offset: number, count: number, done: (data: Uint8Array | null, error: string) => void): string;
  /** The current readings as state-message values (HA's birth message asks for them again). */
  stateValues(): PayloadValues;
  /** The discovery message (built by a lazy module, device/src/lazy); null: not now (the app sends it later through
   *  updateDiscovery). */
  discoveryPayload(ctx: DiscoveryContext): TextChunks | null;
}

export class MqttService {
  private readonly hal: Hal;
  private readonly log: Logger;
  private readonly handlers: MqttCommandHandlers;
  private client: MqttClient | null = null;
  /** The device's base topic (discovery/topics.ts); every other topic below it is built when used, so only three
   *  strings stay resident instead of the whole Topics object (~75 JsVars on the real interpreter). '' when stopped. */
  private base = '';
  private discoveryTopic = '';
  private haStatus = '';
  private compatTopic = '';
  private discovery: DiscoveryContext | null = null;
  /** A discovery message waits for the PUBACK of the one before it (publishDiscovery). */
  private discoveryDue = false;
  /** A state message was published since start (HA's birth then gets the current one again). The message itself is
   *  not kept: it is rebuilt from the readings (handlers.stateValues), ~60 JsVars less resident. */
  private statePublished = false;
  /** Signed commands (security/module.ts): the last counter accepted (-1: the stored floor is read at the first
   *  command), the counter the next result is signed with, and how many commands were refused (diagnostics). */
  private last = -1;
  private ctr = 1;
  refused = 0;

  constructor(deps: { hal: Hal; log: Logger; handlers: MqttCommandHandlers }) {
    this.hal = deps.hal;
    this.log = deps.log;
    this.handlers = deps.handlers;
  }

  /** false when no broker is configured. */
  start(settings: Settings, discovery: DiscoveryContext): boolean {
    this.stop();
    if (!settings.mqtt.host) {
      this.log.info('no MQTT broker configured');
      return false;
    }
    this.setTopics(settings, discovery);
    this.connect({
      host: settings.mqtt.host,
      port: settings.mqtt.port,
      clientId: discovery.deviceId,
      username: settings.mqtt.username || undefined,
      password: settings.mqtt.password || undefined,
      will: { topic: this.t('availability'), payload: AVAILABILITY_OFFLINE, qos: 1, retain: true },
    });
    return true;
  }

  /** Apart from start(): a closure on Espruino keeps every local of the function it was made in, and start()'s hold
   *  the settings, which a later change replaces (the old copy, ~55 JsVars, would stay reachable). */
  private connect(options: MqttClientOptions): void {
    const random = () => {
      const b = this.hal.crypto.randomBytes(2);
      return (((b[0] as number) << 8) | (b[1] as number)) / 65536;
    };
    // `log` is read into a local: an arrow whose body is `this.x(() => …)` loses `this` on Espruino 2v29 (shared
    // espruino README, known difference (b)).
    const log = this.log;
    const client = new MqttClient({ tcp: this.hal.tcp, clock: this.hal.clock, random, log: (line: string) => log.debug(() => line) }, options);
    client.on('connected', () => {
      this.log.info('connected to the broker');
      this.onConnected();
    });
    client.on('disconnected', (reason: string) => this.log.info(`disconnected: ${reason}`));
    client.on('message', (topic: string, payload: Uint8Array, info: { retain: boolean }) => this.onMessage(topic, payload, info.retain));
    client.on('error', (e) => this.log.warn(`MQTT: ${e.message}`));
    client.on('acked', () => {
      if (this.discoveryDue) this.publishDiscovery();
    });
    this.discoveryDue = false;
    this.client = client;
    this.log.info(client.describe());
    // Subscriptions are renewed by the client after every reconnect.
    client.subscribe(this.t('cmd/+'), 1);
    client.subscribe(this.haStatus, 0);
    client.start();
  }

  stop(): void {
    if (this.client) {
      this.client.publish(this.t('availability'), AVAILABILITY_OFFLINE, { qos: 1, retain: true });
      this.client.stop();
    }
    this.client = null;
  }

  /** A discovery message is queued or waits for its PUBACK (publishDiscovery). */
  sendingDiscovery(): boolean {
    return !!this.client && this.client.holds('discovery');
  }

  connected(): boolean {
    return !!this.client && this.client.status().state === 'connected';
  }

  /** Meter identity or phase count changed: the discovery message changes with it. */
  updateDiscovery(discovery: DiscoveryContext): void {
    this.discovery = discovery;
    if (this.connected()) this.publishDiscovery();
  }

  publishState(values: PayloadValues): void {
    if (!this.client) return;
    this.statePublished = true;
    this.client.publish(this.t('state'), compactPayload(this.hal.modules.read(STATE_FIELDS, 0, 1e5), values), { qos: 0, retain: false, replaceKey: 'state' });
  }

  publishDiagnostics(values: PayloadValues): void {
    if (!this.client) return;
    const payload = compactPayload(this.hal.modules.read(DIAG_FIELDS, 0, 1e5), values);
    this.client.publish(this.t('diagnostics'), payload, { qos: 0, retain: true, replaceKey: 'diagnostics' });
  }

  /** The compatibility topic when that mode is on (the app then builds its messages: compat-module.ts), else ''. */
  compatOn(): string {
    return this.client ? this.compatTopic : '';
  }

  publishCompat(messages: CompatMessage[]): void {
    if (!this.client || !this.compatTopic) return;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i] as { topic: string; payload: string };
      this.client.publish(m.topic, m.payload, { qos: 0, retain: false, replaceKey: m.topic });
    }
  }

  private publishDiscovery(): void {
    if (!this.client || !this.discovery) return;
    // One discovery message at a time: each keeps the discovery module in RAM (~340 JsVars) until its PUBACK, and
    // two at once (connect, the meter's identity, HA's birth, a new name) left ~2,500 free. A newer one waits for the
    // PUBACK and is then made from the latest context.
    if (this.client.holds('discovery')) {
      this.discoveryDue = true;
      return;
    }
    this.discoveryDue = false;
    const payload = this.handlers.discoveryPayload(this.discovery);
    if (payload) this.client.publish(this.discoveryTopic, payload, { qos: 1, retain: true, replaceKey: 'discovery' });
  }

  private onConnected(): void {
    const client = this.client as MqttClient;
    client.publish(this.t('availability'), AVAILABILITY_ONLINE, { qos: 1, retain: true, replaceKey: 'availability' });
    if (this.compatTopic) client.publish(compatLwtTopic(this.compatTopic), COMPAT_LWT_ONLINE, { qos: 0, retain: true });
    this.publishDiscovery();
    this.handlers.connected();
  }

  private onMessage(topic: string, payload: Uint8Array, retained: boolean): void {
    if (!this.base) return;
    if (topic === this.haStatus) {
      if (asciiFromBytes(payload) === 'online') this.reannounce();
      return;
    }
    const command = this.commandOf(topic);
    if (!command) return;
    if (retained) {
      // A retained command would run again at every connect (a restart loop; a config with the MBK kept on the
      // broker): ignore it and clear it.
      if (payload.length > 0) {
        this.log.warn(`ignored a retained ${command} command and cleared it`);
        (this.client as MqttClient).publish(topic, '', { qos: 1, retain: true });
      }
      return;
    }
    if (!isAscii(payload)) {
      this.result({ id: null, command, ok: false, error: 'the device accepts ASCII text only (no accented letters)' });
      return;
    }
    // A paired module executes only what its add-on signed (issue 11); the check's code is loaded just for this.
    const sec = this.hal.modules.load(SEC) as SecModule;
    const opened = sec.openCommand(this.hal, topic, command, asciiFromBytes(payload), this.last);
    this.hal.modules.release(SEC);
    this.last = opened.last;
    this.ctr = opened.counter;
    if (opened.refused) {
      // Home Assistant's own buttons publish a plain PRESS, which the add-on relays signed (DOCS.md threat model):
      // refused like any unsigned command, but not counted as an attack in the diagnostics.
      if (asciiFromBytes(payload) !== PAYLOAD_PRESS) this.refused++;
      this.log.warn(`${command} command refused: ${opened.refused.error}`);
      this.result(opened.refused);
      return;
    }
    const text = opened.text;
    let id: string | null = null;
    let body: { [key: string]: unknown } | null = null;
    if (text !== PAYLOAD_PRESS) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
      if (!body || typeof body !== 'object' || typeof body.id !== 'string') {
        this.result({ id: null, command, ok: false, error: 'payload must be PRESS or a JSON object with an "id"' });
        return;
      }
      id = body.id as string;
    }
    if (command === 'restart') {
      this.result({ id, command, ok: true });
      this.handlers.restart();
    } else if (command === 'poll') {
      const ok = this.handlers.pollNow();
      this.result(ok ? { id, command, ok } : { id, command, ok, error: 'the meter is not being read yet' });
    } else if (command === 'update') {
      const refused = body && id !== null ? this.handlers.update(id, body) : { id, command, ok: false, error: 'an update command must be a JSON object' };
      if (refused) this.result(refused as CommandResult);
    } else if (command === 'read') {
      this.rawRead(id, body);
    } else if (body) {
      this.result(this.handlers.applyConfig(body as unknown as ConfigCommand));
    } else {
      this.result({ id, command, ok: false, error: 'a configuration must be a JSON object' });
    }
  }

  /** cmd/read { id, table, offset, count } (contract.ts ReadCommand): the bytes go back as hex, undecoded (issue
   *  13). A method of its own: the callback waiting for the meter then keeps only this small scope, not onMessage's
   *  (Espruino closures keep their whole scope). */
  private rawRead(id: string | null, body: { [key: string]: unknown } | null): void {
    const command = 'read';
    const t = body ? body.table : null;
    const o = body ? body.offset : null;
    const n = body ? body.count : null;
    if (typeof t !== 'number' || typeof o !== 'number' || typeof n !== 'number' || t % 1 || o % 1 || n % 1 ||
      t < 0 || t > 0xffff || o < 0 || o > 0xffffff || n < 1 || n > MAX_TABLE_DATA) {
      this.result({ id, command, ok: false, error: 'a read needs integer table (0-65535), offset (0-16777215) and count (1-465)' });
      return;
    }
    const refused = this.handlers.read(t, o, n, (data: Uint8Array | null, error: string) => {
      if (!data) {
        this.result({ id, command, ok: false, error });
        return;
      }
      let hex = '';
      for (let i = 0; i < data.length; i++) hex += ((data[i] as number) < 16 ? '0' : '') + (data[i] as number).toString(16);
      this.result({ id, command, ok: true, table: t, offset: o, hex });
    });
    if (refused) this.result({ id, command, ok: false, error: refused });
  }

  private reannounce(): void {
    const delay = Math.floor(this.hal.crypto.randomBytes(1)[0] as number) * (REANNOUNCE_MAX_DELAY_MS / 256);
    this.hal.clock.setTimeout(() => {
      if (!this.client) return;
      this.publishDiscovery();
      this.client.publish(this.t('availability'), AVAILABILITY_ONLINE, { qos: 1, retain: true, replaceKey: 'availability' });
      if (this.statePublished) this.publishState(this.handlers.stateValues());
    }, delay);
  }

  /** The HA update entity's state (retained, contract.ts UpdateState). */
  publishUpdateState(state: UpdateState): void {
    if (this.client) this.client.publish(this.t('update'), JSON.stringify(state), { qos: 1, retain: true, replaceKey: 'update' });
  }

  /** A command result produced later than its command (update outcomes). */
  publishResult(r: CommandResult): void {
    this.result(r);
  }

  /** Signed like the command it answers when the module is paired (security/module.ts). */
  private result(r: CommandResult): void {
    if (!this.client) return;
    const topic = this.t('cmd/result');
    const sec = this.hal.modules.load(SEC) as SecModule;
    const payload = sec.sealResult(this.hal, topic, JSON.stringify(r), this.ctr);
    this.hal.modules.release(SEC);
    this.ctr = 1;
    this.client.publish(topic, payload, { qos: 1, retain: false });
  }

  /** Not inline in start(): Espruino's closures keep their whole scope, so a Topics object there would stay resident
   *  for as long as the client's listeners live. */
  private setTopics(settings: Settings, discovery: DiscoveryContext): void {
    const topics = buildTopics(discovery.deviceId, settings.mqtt.baseTopic, settings.mqtt.discoveryPrefix);
    this.base = topics.base;
    this.discoveryTopic = topics.discovery;
    this.haStatus = topics.haStatus;
    this.discovery = discovery;
    this.compatTopic = settings.mqtt.compatibility ? settings.mqtt.baseTopic || topics.base : '';
  }

  /** A topic below the base (discovery/topics.ts buildTopics gives the same names). */
  private t(suffix: string): string {
    return this.base + '/' + suffix;
  }

  /** The command a topic carries (<base>/cmd/<command>), null for any other (cmd/result included). */
  private commandOf(topic: string): Command | null {
    const prefix = this.t('cmd/');
    const name = topic.substring(prefix.length);
    // Compared one by one, not looked up with indexOf in a list: Espruino 2v29's String.indexOf can report a needle
    // whose start matches the end of the string ('|restart|…|update|'.indexOf('|result|') is 27 there), which made
    // the device take its own cmd/result for a config command (semantics.test.ts).
    const known = name === 'restart' || name === 'poll' || name === 'config' || name === 'update' || name === 'read';
    return topic.substring(0, prefix.length) === prefix && known ? (name as Command) : null;
  }

  /** The compatibility LWT cannot be a second Will (one per connection): published on a clean stop only. */
  compatOffline(): void {
    if (this.client && this.compatTopic) this.client.publish(compatLwtTopic(this.compatTopic), COMPAT_LWT_OFFLINE, { qos: 0, retain: true });
  }
}
