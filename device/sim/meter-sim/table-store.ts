// The meter's tables (spec §10, §15.6). Static images are built once; BT23/BT28/BT52 are regenerated from the load
// model on every read in 'live' mode, or frozen at the synthetic snapshot in 'frozen' mode (reproduces frames.json).
import { BT00, BT01, BT07, BT08, BT21, BT23, BT28, BT52, ET03, ET11, ET13, ET50, ET58 } from '../../src/meter/table-ids';
import { EP39_POST_MEP_DATA } from '../../src/meter/requests';
import { encodeBt23, encodeBt28, encodeBt52, parseBt21, type Bt21Layout } from './register-images';
import { presentValues } from './bt28-values';
import { bt23Blocks, type Bt21Variant, type MeterProfile } from './profiles';
import { bt00, bt01, et03, procedureResponse, syntheticImage } from './table-images';
import { guideTables, traitsOf } from './guide-tables';
import type { MeterPhysics } from './physics';

export type ValuesMode = 'live' | 'frozen';

/** Length of the demand interval used for BT28 present demands (variant B), ms. */
const DEMAND_INTERVAL_MS = 15 * 60_000;

export class TableStore {
  private readonly images = new Map<number, Uint8Array>();
  private readonly profile: MeterProfile;
  private readonly physics: MeterPhysics;
  private readonly simNow: () => number;
  private readonly layout: Bt21Layout;
  private readonly mode: ValuesMode;
  /** Tables a 0x40 write may target (spec §15.4: only BT07). */
  readonly writable: number[] = [BT07];
  /** Called before a table is read, to bring a dynamic one up to date (the health monitor's ET14). */
  beforeRead: ((table: number) => void) | null = null;

  constructor(profile: MeterProfile, variant: Bt21Variant, mode: ValuesMode, physics: MeterPhysics, simNow: () => number) {
    this.profile = profile;
    this.physics = physics;
    this.simNow = simNow;
    this.mode = mode;
    const bt21 = syntheticImage(variant === 'B' ? 'BT21_B' : 'BT21_A');
    this.layout = parseBt21(bt21);
    const three = profile.name === 'three-phase';
    this.images.set(BT01, bt01(profile.model, profile.serial, profile.hwVersion, profile.fwVersion));
    this.images.set(BT07, procedureResponse(EP39_POST_MEP_DATA, 5, 0).subarray(0, 3));
    this.images.set(BT08, syntheticImage('BT08'));
    this.images.set(BT21, bt21);
    this.images.set(ET03, three ? syntheticImage('ET03') : et03(profile.utilitySerial, 0xbeef));
    this.images.set(ET11, syntheticImage('ET11'));
    this.images.set(ET13, syntheticImage('ET13'));
    this.images.set(ET50, syntheticImage('ET50'));
    this.images.set(ET58, syntheticImage('BT08'));
    if (mode === 'frozen' && three) {
      this.images.set(BT23, syntheticImage(variant === 'B' ? 'BT23_B' : 'BT23_A'));
      this.images.set(BT28, syntheticImage(variant === 'B' ? 'BT28_B' : 'BT28_A'));
      this.images.set(BT52, syntheticImage('BT52'));
    } else {
      this.refreshLive();
    }
    for (const [id, image] of guideTables(profile, bt21)) this.images.set(id, image);
    const ids = [...this.images.keys(), BT00].sort((a, b) => a - b);
    this.images.set(BT00, bt00(ids, this.writable, [EP39_POST_MEP_DATA]));
  }

  get bt21(): Bt21Layout {
    return this.layout;
  }

  /** The MEP port of the simulated client (1 or 2, profiles-guide.ts). */
  get port(): number {
    return traitsOf(this.profile).port;
  }

  has(table: number): boolean {
    return this.images.has(table);
  }

  ids(): number[] {
    return [...this.images.keys()].sort((a, b) => a - b);
  }

  /** Tables served by another module (load-profile.ts), synced before the live registers move on. */
  extra: { sync(): void; read(table: number): Uint8Array | null } | null = null;

  /** Current image of a table (live tables are brought up to the simulated time first), or null. */
  read(table: number): Uint8Array | null {
    if (this.beforeRead) this.beforeRead(table);
    if (this.extra) {
      this.extra.sync();
      const image = this.extra.read(table);
      if (image) return image;
    }
    if (this.mode === 'live' && (table === BT23 || table === BT28 || table === BT52)) this.refreshLive();
    return this.images.get(table) ?? null;
  }

  /** Internal update (procedure results, scripted changes). */
  set(table: number, image: Uint8Array): void {
    this.images.set(table, image);
  }

  private refreshLive(): void {
    const now = this.simNow();
    this.physics.advanceTo(now);
    const l = this.layout;
    this.images.set(BT23, encodeBt23(l, bt23Blocks(this.profile, this.physics.registers()), this.profile.demandResets));
    const avg = this.physics.averages();
    const values = presentValues(this.physics.current(), avg);
    const demand = { remainingS: (DEMAND_INTERVAL_MS - (now % DEMAND_INTERVAL_MS)) / 1000, value: values[47] ?? 0 };
    this.images.set(BT28, encodeBt28(l, [demand], values));
    this.images.set(BT52, encodeBt52(now));
  }
}
