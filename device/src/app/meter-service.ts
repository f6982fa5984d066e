// The meter side of the app: the MEP session and its driver on the HAL UART, decoded tables turned into readings,
// the last used sequence number kept in Storage (spec §5), the device clock set from the meter's UTC clock (BT52),
// and the CPU time of its poll cycles (meter/cycle-time.ts) for the diagnostics message.
import { PayloadValues } from '../../../discovery/payloads';
import { Hal } from '../hal/types';
import { CycleTimes, T_BUILD, T_DECODE, T_MAX, T_MEDIAN, T_PUBLISH, T_VERIFY } from '../meter/cycle-time';
import { parseMbk } from '../meter/key';
import { MeterPoller } from '../meter/poller';
import { MeterSession } from '../meter/session';
import { LinkStatus, SessionCommand } from '../meter/session-types';
import { BT01, BT23, BT28, BT52 } from '../meter/table-ids';
import { Bt01 } from '../meter/tables/bt01-manufacturer-id';
import { Bt23 } from '../meter/tables/bt23-current-register-data';
import { Bt28 } from '../meter/tables/bt28-present-values';
import { Bt52 } from '../meter/tables/bt52-clock';
import { ReadingsTracker } from '../readings/snapshot';
import { DEVICE_IDENTITY_TABLES, decodeDeviceTable } from '../meter/tables/device-set';
import { Settings } from '../settings/schema';
import { Logger } from '../log';

export const SEQUENCE_FILE = 'mep.seq';
/** Before this the device clock has not been set (it starts at 1970 on boot, espruino.md §2.4). */
const CLOCK_VALID_AFTER = 1577836800000; // 2020-01-01

export interface MeterIdentityInfo {
  manufacturer: string;
  model: string;
  serial: string;
  firmware: string;
  hardware: string;
}

/** @mangle (internal to the firmware: see device/build/member-names.ts) */
export interface MeterServiceEvents {
  /** End of a poll cycle (BT28 decoded). */
  onCycle(): void;
  onIdentity(identity: MeterIdentityInfo): void;
  onStatus(status: LinkStatus): void;
  onProblem(message: string): void;
}

export class MeterService {
  readonly readings = new ReadingsTracker();
  /** The last decoded BT23/BT28, kept only while `keepTables` (the compatibility topics need the raw values; a
   *  decoded BT28 is ~160 JsVars, so it is not kept otherwise). */
  keepTables = false;
  lastBt23: Bt23 | null = null;
  lastBt28: Bt28 | null = null;
  phases: 1 | 3 = 3;
  private session: MeterSession | null = null;
  private poller: MeterPoller | null = null;
  private readonly hal: Hal;
  private readonly log: Logger;
  private readonly events: MeterServiceEvents;
  /** Poll-cycle CPU time on the HAL clock, kept across restarts of the session. */
  private readonly cycles: CycleTimes;

  /** The current poller's data listener: the UART gets one listener for the service's whole life (a restart must
   *  not leave the old poller reachable through a second one). */
  private dataListener: ((chunk: Uint8Array) => void) | null = null;
  /** The pending raw read's callback (rawRead), null when none. */
  private rawDone: ((data: Uint8Array | null, error: string) => void) | null = null;

  constructor(deps: { hal: Hal; log: Logger; events: MeterServiceEvents }) {
    this.hal = deps.hal;
    this.log = deps.log;
    this.events = deps.events;
    this.cycles = new CycleTimes(deps.hal.clock);
    deps.hal.uart.onData((chunk: Uint8Array) => {
      if (this.dataListener) this.dataListener(chunk);
    });
  }

  /** Starts reading with these settings; false when no usable key is configured (the link stays off). */
  start(settings: Settings): boolean {
    this.stop();
    const key = parseMbk(settings.meter.key);
    if (!key.ok) {
      this.log.warn(`meter not read: ${key.message}`);
      return false;
    }
    const stored = this.hal.storage.readText(SEQUENCE_FILE);
    const initialSeq = stored === null ? 0 : parseInt(stored, 10) >>> 0;
    this.session = new MeterSession({
      digestKey: key.digestKey,
      decoders: decodeDeviceTable,
      identityTables: DEVICE_IDENTITY_TABLES,
      initialSeq,
      pollIntervalMs: settings.meter.pollIntervalS * 1000,
      replyDigest: settings.meter.replyDigest,
      rc4: settings.meter.rc4,
      cycleTimes: this.cycles,
    });
    this.poll(this.session);
    return true;
  }

  /** Apart from start(): a closure on Espruino keeps every local of the function it was made in, and start()'s hold
   *  the settings, which a later change replaces (the old copy, ~55 JsVars, would stay reachable). */
  private poll(session: MeterSession): void {
    const uart = this.hal.uart;
    this.poller = new MeterPoller({
      link: {
        write: (bytes: Uint8Array) => uart.write(bytes),
        reset: (done: () => void) => uart.reset(done),
        onData: (listener: (chunk: Uint8Array) => void) => {
          this.dataListener = listener;
        },
      },
      timers: this.hal.clock,
      cycleTimes: this.cycles,
      session,
      onEvent: (c: SessionCommand) => this.onEvent(c),
    });
    this.poller.start();
  }

  stop(): void {
    if (this.poller) this.poller.stop();
    const done = this.rawDone;
    this.rawDone = null;
    if (done) done(null, 'the meter link was restarted');
    this.dataListener = null;
    this.poller = null;
    this.session = null;
  }

  /** Reads now instead of at the next poll time (the "poll now" button). */
  pollNow(): boolean {
    return !!this.session && !!this.poller && this.session.linkState() === 'online' && this.poller.pollNow();
  }

  /** The meter waits `ms` (an update is being installed: Session.pause); 0 ends the pause with a poll at once. */
  pause(ms: number): void {
    if (!this.session || !this.poller) return;
    if (ms > 0) this.session.pause(this.hal.clock.now() + ms);
    else this.poller.pollNow();
  }

  /** A raw partial read for the add-on (cmd/read, issue 13): '' when queued (`done` follows with the bytes or an
   *  error), else why not. One at a time, only while the meter is being read; the bytes are never decoded here. */
  rawRead(table: number, offset: number, count: number, done: (data: Uint8Array | null, error: string) => void): string {
    if (this.rawDone) return 'a read is already in progress';
    if (!this.session || !this.poller || this.session.linkState() !== 'online') return 'the meter is not being read yet';
    this.rawDone = done;
    this.poller.raw(table, offset, count);
    return '';
  }

  linkStatus(): LinkStatus | null {
    return this.session ? this.session.status() : null;
  }

  stats(): { polls: number; errors: number } {
    const s = this.session ? this.session.stats : null;
    if (!s) return { polls: 0, errors: 0 };
    // Replies that failed their digest are line errors (meter/session.ts), counted here with the timeouts.
    return { polls: s.pollCycles, errors: s.timeouts + s.badDigests + s.errorReplies + s.decodeErrors + this.readings.energyRejections() };
  }

  /** The poll-cycle figures of the diagnostics message into `values` (entities.ts poll_ms, poll_ms_max, poll_phases:
   *  median and largest JS time of the last CYCLES cycles, and the mean of each phase); none before the first cycle. */
  cycleTimes(values: PayloadValues): void {
    const c = this.cycles;
    if (!c.cycles) return;
    values.poll_ms = c.stat(T_MEDIAN);
    values.poll_ms_max = c.stat(T_MAX);
    values.poll_phases =
      `build ${c.stat(T_BUILD).toFixed(1)} / verify ${c.stat(T_VERIFY).toFixed(1)} / ` +
      `decode ${c.stat(T_DECODE).toFixed(1)} / publish ${c.stat(T_PUBLISH).toFixed(1)} ms`;
  }

  private onEvent(c: SessionCommand): void {
    if (c.type === 'table') this.onTable(c.table, c.value, c.at);
    else if (c.type === 'status') this.events.onStatus(c.status);
    else if (c.type === 'sequence') this.hal.storage.write(SEQUENCE_FILE, String(c.next));
    else if (c.type === 'raw') {
      const done = this.rawDone;
      this.rawDone = null;
      if (done) done(c.data, c.message);
    }
    else if (c.type === 'alert-handled') {
      if (c.ok) this.log.info(`meter alert handled: ${c.detail}`);
      else this.events.onProblem(`meter alert not handled: ${c.detail}`);
    } else if (c.type === 'log') {
      if (c.level === 'error' || c.level === 'warn') this.events.onProblem(c.message);
      else if (c.level === 'info') this.log.info(c.message);
      else this.log.debug(() => c.message);
    }
  }

  private onTable(table: number, value: unknown, at: number): void {
    if (table === BT23) {
      this.lastBt23 = this.keepTables ? (value as Bt23) : null;
      this.readings.applyBt23(value as Bt23, at);
    } else if (table === BT28) {
      const bt28 = value as Bt28;
      const v = bt28.voltageMv;
      // A 1-phase meter reports 0 V on L2 and L3 (spec §10.4 has no phase-count field).
      if (v && v[1] === 0 && v[2] === 0) this.phases = 1;
      this.lastBt28 = this.keepTables ? bt28 : null;
      this.readings.applyBt28(bt28, this.phases);
      this.events.onCycle();
    } else if (table === BT52) {
      this.readings.applyBt52(value as Bt52);
      const utc = this.readings.current.meterClockMs;
      if (utc !== null && this.hal.clock.wallClock() < CLOCK_VALID_AFTER) this.hal.clock.setWallClock(utc);
    } else if (table === BT01) {
      const id = value as Bt01;
      this.events.onIdentity({
        manufacturer: id.manufacturer.trim(),
        model: id.model,
        serial: id.mfgSerial || '',
        firmware: `${id.fwVersion}.${id.fwRevision}`,
        hardware: `${id.hwVersion}.${id.hwRevision}`,
      });
    }
  }
}
