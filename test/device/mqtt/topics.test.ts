import { checkTopicFilter, checkTopicName } from '../../../device/src/mqtt/topics';

describe('[MQTT 3.1.1 §4.7] topic names and filters', () => {
  test.each(['a', 'mep/0123/state', '/leading', 'trailing/', 'a//b', 'homeassistant/sensor/mep_1/energy/config'])('name %p is valid', (t) => {
    expect(checkTopicName(t)).toBeNull();
  });

  test.each(['', 'a/+/b', 'a/#', 'a\u0000b', 'x'.repeat(65536)])('name %p is refused', (t) => {
    expect(checkTopicName(t)).toEqual(expect.any(String));
  });

  test.each(['#', '+', 'a/+/b', 'a/#', '+/+', 'homeassistant/status', 'mep/+/cmd/#'])('filter %p is valid', (f) => {
    expect(checkTopicFilter(f)).toBeNull();
  });

  test.each(['', 'a/#/b', 'a#', 'a/b+', '+a/b', '#/a'])('filter %p is refused', (f) => {
    expect(checkTopicFilter(f)).toEqual(expect.any(String));
  });
});
