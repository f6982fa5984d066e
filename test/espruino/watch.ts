// Waiting for the device's MQTT messages (test/helpers/mqtt-watch.ts), but no longer than until it runs out of memory.
import { Watcher } from '../helpers/mqtt-watch';
import { Device } from './harness';

export const nextUnlessOutOfMemory = (d: Device, w: Watcher): Watcher['next'] => (topic, match, options) =>
  d.unlessOutOfMemory(w.next(topic, match, options));
