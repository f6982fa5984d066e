// Spec §3.4, §12, §13, §15.1, §15.7: procedures (BT07 → BT08/ET59/ET85, guide p. 125), alerts and the ENABLE line.
import { fullRead, partialRead, procedureCall, fullWrite, EP39_POST_MEP_DATA } from '../../device/src/meter/requests';
import { BT07, BT08, BT52, ET11, ET13, ET50, ET59 } from '../../device/src/meter/table-ids';
import type { ProcedureRecord } from '../../device/sim/meter-sim';
import { Harness, hexOf } from './harness';

const EP39_PARAMS = new Uint8Array([0x04, 0x01, 0x06, 0x00, 1, 2, 3, 4, 5, 6]);

describe('[MEP §12/§13] procedures', () => {
  test('the reference alert chain: ET11 E, ET13 alert flags, ET50 flags, EP39, BT08 result', () => {
    const h = new Harness();
    const posted: ProcedureRecord[] = [];
    h.sim.on('procedure', (p: ProcedureRecord) => posted.push(p));
    const e = h.reply(partialRead(ET11, 1, 1)).data![0]!;
    expect(e).toBe(66);
    expect(h.reply(partialRead(ET13, 4 * e + 8, 1)).data!.length).toBe(1);
    const flags = h.reply(partialRead(ET50, 30, 1)).data![0]!;
    expect(flags & 0x02).toBe(0); // → BT08
    expect(h.reply(procedureCall(EP39_POST_MEP_DATA, 7, EP39_PARAMS)).status).toBe(0);
    expect(hexOf(h.reply(fullRead(BT08)).data!)).toBe('27080700');
    expect(hexOf(h.reply(fullRead(ET59)).data!)).toBe('00000000'); // ET50 flag bit 1 clear: BT08, not ET59
    expect(posted).toHaveLength(1);
    expect(posted[0]!.ep39).toEqual({ dataType: 4, status: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]) });
    expect(h.sim.procedures.log).toHaveLength(1);
  });

  test('bad procedure sequence number → 0x04: outside 5..9 or equal to the previous accepted one', () => {
    const h = new Harness();
    const call = (procSeq: number): number => {
      const body = new Uint8Array([0x27, 0x08, procSeq, ...EP39_PARAMS]);
      return h.reply(fullWrite(BT07, body)).status;
    };
    expect(call(4)).toBe(0x04);
    expect(call(10)).toBe(0x04);
    expect(call(5)).toBe(0);
    expect(call(5)).toBe(0x04); // repeat
    expect(call(6)).toBe(0); // the reference's retry with the next number succeeds
    expect(h.sim.procedures.log.map((p) => p.procSeq)).toEqual([5, 6]);
  });

  test('procedure checks are configurable', () => {
    const loose = new Harness({ procedures: { procSeqCheck: 'off' } });
    expect(loose.reply(fullWrite(BT07, new Uint8Array([0x27, 0x08, 1, ...EP39_PARAMS]))).status).toBe(0);
    const range = new Harness({ procedures: { procSeqCheck: 'range', badProcSeqCode: 0x05 } });
    expect(range.reply(procedureCall(EP39_POST_MEP_DATA, 5, EP39_PARAMS)).status).toBe(0);
    expect(range.reply(procedureCall(EP39_POST_MEP_DATA, 5, EP39_PARAMS)).status).toBe(0);
    expect(range.reply(fullWrite(BT07, new Uint8Array([0x27, 0x08, 2]))).status).toBe(0x05);
  });

  test('unknown procedure → result 6, bad EP39 length → result 2, short BT07 → 0x01', () => {
    const h = new Harness();
    expect(h.reply(procedureCall(0x0801, 5, new Uint8Array())).status).toBe(0);
    expect(hexOf(h.reply(fullRead(BT08)).data!)).toBe('01080506');
    expect(h.reply(procedureCall(EP39_POST_MEP_DATA, 6, new Uint8Array([4, 1, 9, 0, 1]))).status).toBe(0);
    expect(hexOf(h.reply(fullRead(BT08)).data!)).toBe('27080602');
    expect(h.reply(fullWrite(BT07, new Uint8Array([0x27]))).status).toBe(0x01);
  });
});

describe('[MEP §3.4/§15.7] alerts', () => {
  test('alert() emits exactly 00 00', () => {
    const h = new Harness();
    const alerts: string[] = [];
    h.sim.on('alert', (p: string) => alerts.push(p));
    expect(h.sim.alert()).toBe(true);
    expect(hexOf(h.wire())).toBe('0000');
    expect(alerts).toEqual(['now']);
  });

  test('alerts before and after the next reply', () => {
    const h = new Harness();
    h.sim.alert('before-reply');
    h.sim.alert('after-reply');
    h.sim.alert('after-reply');
    expect(h.wire().length).toBe(0);
    h.sim.receive(h.frame(fullRead(BT52), h.seq++));
    const w = h.wire();
    expect(hexOf(w.subarray(0, 2))).toBe('0000');
    expect(hexOf(w.subarray(w.length - 4))).toBe('00000000');
    // A client decoder sees alert, reply, alert, alert.
    h.sim.alert('before-reply');
    expect(h.send(fullRead(BT52)).map((e) => e.type)).toEqual(['alert', 'frame']);
  });

  test('while a reply is pending (turnaround delay) an alert can go before or after it', () => {
    jest.useFakeTimers();
    try {
      const h = new Harness({ turnaroundMs: 50 });
      h.sim.receive(h.frame(fullRead(BT52)));
      h.sim.alert('after-reply');
      h.sim.alert('before-reply');
      expect(h.wire().length).toBe(0);
      jest.advanceTimersByTime(60);
      expect(h.take().map((e) => e.type)).toEqual(['alert', 'frame', 'alert']);
      h.sim.receive(h.frame(fullRead(BT52), 1001));
      h.sim.alert('now'); // urgent: ahead of the delayed reply
      expect(hexOf(h.wire())).toBe('0000');
      jest.advanceTimersByTime(60);
      expect(h.take().map((e) => e.type)).toEqual(['frame']);
      h.sim.close();
    } finally {
      jest.useRealTimers();
    }
  });

  test('alert timer', () => {
    jest.useFakeTimers();
    try {
      const h = new Harness({ alertIntervalMs: 1000 });
      jest.advanceTimersByTime(3500);
      expect(hexOf(h.wire())).toBe('000000000000');
      h.sim.close();
      jest.advanceTimersByTime(3000);
      expect(h.wire().length).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('[MEP §2/§15.1] ENABLE line and a disabled MEP port', () => {
  test('ENABLE off: nothing on the wire, but requests are still executed', () => {
    const h = new Harness({ enabled: false, initialSeq: 10 });
    h.send(fullRead(BT52), { seq: 10 });
    expect(h.sim.alert()).toBe(false);
    expect(h.wire().length).toBe(0);
    expect(h.sim.expectedSeq).toBe(11);
    h.sim.setEnabled(true);
    expect(h.reply(fullRead(BT52), { seq: 10 }).nextSeq).toBe(10); // executed: the same SEQ again gets 0x0C
  });

  test('ENABLE dropped during a delayed reply loses it', () => {
    jest.useFakeTimers();
    try {
      const h = new Harness({ turnaroundMs: 100 });
      h.sim.receive(h.frame(fullRead(BT52)));
      h.sim.setEnabled(false);
      h.sim.setEnabled(true);
      jest.advanceTimersByTime(200);
      expect(h.wire().length).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  test('MEP port disabled by the utility: total silence, nothing executed', () => {
    const h = new Harness({ mepPortDisabled: true, initialSeq: 10 });
    h.send(fullRead(BT52), { seq: 10 });
    expect(h.sim.alert()).toBe(false);
    expect(h.wire().length).toBe(0);
    expect(h.sim.expectedSeq).toBe(10);
    h.sim.setMepPortDisabled(false);
    expect(h.reply(fullRead(BT52), { seq: 10 }).status).toBe(0);
  });
});
