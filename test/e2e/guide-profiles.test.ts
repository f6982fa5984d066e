// The simulator's guide profiles (issue 10 item 8) against the device session, in virtual time: a CT meter counting
// energy in 10 Wh, a Gen 4 meter with our client on MEP2, and a meter whose health watchdog raises its alarm when we
// stop polling for 60 s (guide pp. 20–24, 84–85, 128, 155, 158, 173).
import { MeterSimulator, type MeterSimulatorOptions } from '../../device/sim/meter-sim';
import { ALARM_FAILED_COMMS, MEP_CLIENT_ACTIVE, MEP_CLIENT_DOWN } from '../../device/sim/meter-sim/health';
import { MeterLink, MeterPoller } from '../../device/src/meter/poller';
import { MeterSession } from '../../device/src/meter/session';
import { SessionCommand } from '../../device/src/meter/session-types';
import { parseMbk } from '../../device/src/meter/key';
import { fullRead, procedureCall, EP39_POST_MEP_DATA } from '../../device/src/meter/requests';
import { encodeRequest, parseReply } from '../../device/src/meter/frame';
import { BT08, BT23, ET14, ET85 } from '../../device/src/meter/table-ids';
import { Bt23, TABLE_DECODERS } from '../../device/src/meter/tables/index';
import { VirtualTime } from '../helpers/virtual-time';

const KEY = 'ABCDEFGHIJKLMNOPQRST';
const digestKey = (parseMbk(KEY) as { digestKey: Uint8Array }).digestKey;
const START = Date.UTC(2026, 5, 1, 12);

function rig(sim: Partial<MeterSimulatorOptions>) {
  const time = new VirtualTime();
  const meter = new MeterSimulator({ key: KEY, pacing: 'realtime', requestSpacing: 'ignore', seed: 9, timers: time, clock: time.now, startTime: START, ...sim });
  const listeners: ((b: Uint8Array) => void)[] = [];
  meter.on('data', (b: Uint8Array) => listeners.forEach((l) => l(b.slice())));
  const link: MeterLink = { write: (b) => meter.receive(b.slice()), reset: (done) => time.setTimeout(done, 200), onData: (l) => listeners.push(l) };
  const events: SessionCommand[] = [];
  const session = new MeterSession({ digestKey, decoders: TABLE_DECODERS });
  const poller = new MeterPoller({ link, session, timers: time, onEvent: (c) => events.push(c) });
  const tables = <T>(id: number) => events.filter((e) => e.type === 'table' && e.table === id).map((e) => (e as { value: T }).value);
  return { time, meter, session, poller, events, tables };
}

/** One request straight to the simulator, its reply's data (a paced meter needs `time` to move on). */
function ask(meter: MeterSimulator, apdu: Uint8Array, time?: VirtualTime): { status: number; data: Uint8Array | null } {
  const got: number[] = [];
  const on = (b: Uint8Array) => got.push(...b);
  meter.on('data', on);
  meter.receive(encodeRequest(apdu, meter.expectedSeq, digestKey));
  if (time) time.advance(2000);
  meter.off('data', on);
  const p = parseReply(new Uint8Array(got));
  if (!p.ok) throw new Error(p.message);
  return { status: p.reply.status, data: p.reply.data ?? null };
}

describe('[guide] simulator profiles against the device session', () => {
  test('ct-10wh: the meter counts in 10 Wh (ET55); the session reports Wh, equal to the meter physics', () => {
    const r = rig({ profile: 'ct-10wh' });
    r.poller.start();
    r.time.advance(5 * 60000);
    expect(r.session.tables.energyUnit).toBe(10);
    const last = r.tables<Bt23>(BT23).pop()!;
    expect(last.energyUnitWh).toBe(10);
    const wh = r.meter.physics.registers().importWh;
    expect(Math.abs(last.fwdActiveWh! - wh)).toBeLessThan(1000); // the last read is ≤ 30 s old; a few hundred W
    expect(last.fwdActiveWh! % 10).toBe(0);
    expect(r.session.tables.port).toBe(1); // firmware 3.80: no ET70, MEP1
  });

  test('gen4-mep2: the session learns it is on MEP2 (ET70.142) and reads the alert flags of ET13 entry 5', () => {
    const r = rig({ profile: 'gen4-mep2' });
    r.poller.start();
    r.time.advance(20000);
    expect(r.session.tables.port).toBe(2);
    r.meter.alert('now');
    r.time.advance(5000);
    const handled = r.events.filter((e) => e.type === 'alert-handled') as Extract<SessionCommand, { type: 'alert-handled' }>[];
    expect(handled.map((h) => h.ok)).toEqual([true]);
  });

  test('gen4-mep2: a procedure result goes to ET85, not BT08 (guide p. 186)', () => {
    const meter = new MeterSimulator({ key: KEY, profile: 'gen4-mep2', seed: 1, initialSeq: 100 });
    expect(ask(meter, procedureCall(EP39_POST_MEP_DATA, 7, new Uint8Array([4, 1, 0, 0])).apdu).status).toBe(0);
    expect(Array.from(ask(meter, fullRead(ET85).apdu).data!)).toEqual([0x27, 0x08, 7, 0]);
    expect(Array.from(ask(meter, fullRead(BT08).apdu).data!)).not.toEqual([0x27, 0x08, 7, 0]);
  });

  test('watchdog: polling keeps the client "active"; 60 s without a request marks it down and latches the alarm', () => {
    const r = rig({ profile: 'watchdog' });
    r.poller.start();
    r.time.advance(10 * 60000);
    expect(r.meter.healthAlarm()).toBe(false);
    r.poller.stop(); // the last request went out less than 2 s ago (BT28 every 2 s)
    r.time.advance(57000);
    expect(r.meter.healthAlarm()).toBe(false);
    r.time.advance(4000);
    expect(r.meter.healthAlarm()).toBe(true);
    // ET14 entry 4 (MEP1): Device Status at +2, MEP Alarms (LE16) at +20, entry at 6 + 36·4 (guide pp. 84–85)
    const et14 = () => ask(r.meter, fullRead(ET14).apdu, r.time).data!;
    const at = 6 + 36 * 4;
    const down = et14(); // this request itself is successful: read after it, the status is active again
    expect(down[at + 20]! & ALARM_FAILED_COMMS).toBe(ALARM_FAILED_COMMS);
    expect(down[at + 2]).toBe(MEP_CLIENT_ACTIVE);
    r.time.advance(61000);
    expect(r.meter.health!.status(r.meter.simTime())).toBe(MEP_CLIENT_DOWN);
    expect(et14()[at + 2]).toBe(MEP_CLIENT_ACTIVE); // as seen by a request, which is itself successful
    expect(r.meter.health!.fired).toBe(1);
  });
});
