// One interface over both broker kinds (embedded aedes, external mqtt.js): the add-on's own MQTT connection.
// Services (meters/, ota/, ha/) depend on this, never on aedes or mqtt.js.
import { MqttPublisher } from '../service';

export interface LinkMessage {
  topic: string;
  payload: Buffer;
  /** true for a retained message delivered on subscribe (or replayed from the embedded broker's store). */
  retained: boolean;
}

export type LinkKind = 'embedded' | 'external';

export interface MqttLink extends MqttPublisher {
  readonly kind: LinkKind;
  /** true while messages can flow (the embedded link is always connected until closed). */
  connected(): boolean;
  /** Resolves once the broker granted the subscription (retained messages follow through onMessage). */
  subscribe(filter: string, qos?: 0 | 1): Promise<void>;
  /** Adds a message listener; returns its removal. */
  onMessage(listener: (message: LinkMessage) => void): () => void;
  close(): Promise<void>;
}

/** MQTT topic filter match (MQTT 3.1.1 §4.7: '+' one level, '#' the rest, '$' topics not matched by wildcards). */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
