// Topic name and filter checks (MQTT 3.1.1 §4.7), returning an error text or null (C10: errors are values).
import { utf8Length } from './utf8';

function checkCommon(topic: string): string | null {
  if (topic.length === 0) return 'topic is empty'; // [MQTT-4.7.3-1]
  if (topic.indexOf('\u0000') !== -1) return 'topic contains U+0000'; // [MQTT-4.7.3-2]
  if (utf8Length(topic) > 65535) return 'topic longer than 65535 bytes'; // [MQTT-4.7.3-3]
  return null;
}

/** A topic name to publish to: no wildcards [MQTT-3.3.2-2]. */
export function checkTopicName(topic: string): string | null {
  const common = checkCommon(topic);
  if (common) return common;
  if (topic.indexOf('+') !== -1 || topic.indexOf('#') !== -1) return `wildcard in topic name '${topic}'`;
  return null;
}

/** A subscription filter: '+' fills a whole level, '#' is a whole last level (§4.7.1). */
export function checkTopicFilter(filter: string): string | null {
  const common = checkCommon(filter);
  if (common) return common;
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as string;
    if (level.length > 1 && (level.indexOf('+') !== -1 || level.indexOf('#') !== -1)) {
      return `wildcard inside a level of '${filter}'`;
    }
    if (level === '#' && i !== levels.length - 1) return `'#' before the last level of '${filter}'`;
  }
  return null;
}
