// Persistent notifications in Home Assistant (Service): keeps HA's notifications equal to
// notification-rules.ts' desired set — persistent_notification.create for a new or changed one,
// persistent_notification.dismiss when the problem is resolved. Driven by the bus (meterChanged,
// meterAvailability, meterRemoved, rolloutChanged, haConnection) and a periodic check for the offline threshold.
// Without Home Assistant nothing is sent; after a re-connection everything is sent again (HA may have restarted,
// and persistent notifications do not survive a restart).
import { MeterRegistry, Rollouts } from '../backend';
import { EventBus } from '../bus';
import { Options } from '../options/types';
import { Logger, Service } from '../service';
import { HaLink } from './connection';
import { desiredNotifications, FailedUpdate, HaNotification } from './notification-rules';

export interface NotificationServiceDeps {
  bus: EventBus;
  log: Logger;
  ha: HaLink;
  registry: MeterRegistry;
  options: Pick<Options, 'offline_notify_minutes'>;
  /** For the device results of a rollout (rolloutChanged carries only its id). */
  rollouts?: Pick<Rollouts, 'get'>;
  now?: () => number;
  /** How often the offline threshold is checked. */
  checkEveryMs?: number;
}

export class NotificationService implements Service {
  readonly name = 'ha-notifications';
  private readonly offlineSince = new Map<string, number>();
  private readonly failedUpdates = new Map<string, FailedUpdate>();
  /** notification_id → what HA shows ('' = unknown, send again). */
  private readonly sent = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  /** Per meter, what changedFor() saw last. */
  private readonly lastFacts = new Map<string, string>();
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly deps: NotificationServiceDeps) {}

  describe(): string {
    const minutes = this.deps.options.offline_notify_minutes;
    return `Home Assistant notifications: offline after ${minutes > 0 ? `${minutes} min` : 'never'}, wrong key, failed updates`;
  }

  async start(): Promise<void> {
    const { bus } = this.deps;
    bus.on(this.name, 'meterAvailability', ({ deviceId, online }) => {
      if (online) this.offlineSince.delete(deviceId);
      else if (!this.offlineSince.has(deviceId)) this.offlineSince.set(deviceId, this.now());
      this.update();
    });
    // Nearly every change is a new reading: all meters are reconciled only when this one's notifications would change
    // (200 meters reporting each second made it 40,000 meter views a second).
    bus.on(this.name, 'meterChanged', ({ deviceId }) => {
      if (this.changedFor(deviceId)) this.update();
    });
    bus.on(this.name, 'meterRemoved', ({ deviceId }) => {
      this.lastFacts.delete(deviceId);
      this.offlineSince.delete(deviceId);
      this.failedUpdates.delete(deviceId);
      this.update();
    });
    bus.on(this.name, 'rolloutChanged', ({ rolloutId }) => {
      this.applyRollout(rolloutId);
      this.update();
    });
    bus.on(this.name, 'haConnection', ({ connected }) => {
      if (!connected) return;
      for (const id of this.sent.keys()) this.sent.set(id, '');
      this.update();
    });
    this.timer = setInterval(() => this.update(), this.deps.checkEveryMs ?? 30_000);
    this.update();
  }

  async stop(): Promise<void> {
    this.deps.bus.removeListeners(this.name);
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Resolves when HA's notifications match the current facts (or HA is not connected). For tests and shutdown. */
  async settled(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** Whether what the rules would say about this meter (its notifications, and whether it is online) differs from the
   *  last time it was asked. */
  private changedFor(deviceId: string): boolean {
    const meter = this.deps.registry.get(deviceId);
    if (!meter) return true;
    const mine = desiredNotifications({
      meters: [meter], offlineSince: this.offlineSince, failedUpdates: this.failedUpdates, now: this.now(),
      offlineNotifyMinutes: this.deps.options.offline_notify_minutes,
    });
    const facts = `${meter.online}\n${mine.map((n) => `${n.notificationId}\n${fingerprint(n)}`).join('\n')}`;
    if (this.lastFacts.get(deviceId) === facts) return false;
    this.lastFacts.set(deviceId, facts);
    return true;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private applyRollout(rolloutId: string): void {
    const rollout = this.deps.rollouts?.get(rolloutId);
    if (rollout === undefined || rollout === null) return;
    for (const device of rollout.devices) {
      if (device.status === 'failed' || device.status === 'timed-out') {
        const failure: FailedUpdate = { version: rollout.version, kind: rollout.kind };
        const error = device.error ?? (device.status === 'timed-out' ? 'the device did not finish in time' : undefined);
        if (error !== undefined) failure.error = error;
        this.failedUpdates.set(device.deviceId, failure);
      } else if (device.status === 'done') {
        this.failedUpdates.delete(device.deviceId);
      }
    }
  }

  /** Starts a reconciliation, or asks the running one to go again (one at a time, in order). */
  private update(): void {
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.reconcile().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.update();
      }
    });
  }

  private async reconcile(): Promise<void> {
    const meters = this.deps.registry.list();
    // A meter already offline when we started (retained availability) counts from when we first saw it.
    for (const meter of meters) {
      if (meter.online === false && !this.offlineSince.has(meter.deviceId)) this.offlineSince.set(meter.deviceId, this.now());
      if (meter.online === true) this.offlineSince.delete(meter.deviceId);
    }
    if (!this.deps.ha.status().connected) return;
    const desired = desiredNotifications({
      meters, offlineSince: this.offlineSince, failedUpdates: this.failedUpdates, now: this.now(),
      offlineNotifyMinutes: this.deps.options.offline_notify_minutes,
    });
    const wanted = new Set(desired.map((n) => n.notificationId));
    for (const notification of desired) {
      if (this.sent.get(notification.notificationId) === fingerprint(notification)) continue;
      await this.call('create', notification);
    }
    for (const id of [...this.sent.keys()]) {
      if (!wanted.has(id)) await this.call('dismiss', { notificationId: id });
    }
  }

  private async call(service: 'create' | 'dismiss', n: HaNotification | { notificationId: string }): Promise<void> {
    const serviceData = 'title' in n
      ? { notification_id: n.notificationId, title: n.title, message: n.message }
      : { notification_id: n.notificationId };
    try {
      await this.deps.ha.send({ type: 'call_service', domain: 'persistent_notification', service, service_data: serviceData });
      if ('title' in n) this.sent.set(n.notificationId, fingerprint(n));
      else this.sent.delete(n.notificationId);
      this.deps.log.info(`notification ${service === 'create' ? 'shown' : 'dismissed'}: ${n.notificationId}`);
    } catch (err) {
      // Left as it was: the next event or check tries again.
      this.deps.log.warn(`notification ${n.notificationId} not ${service === 'create' ? 'shown' : 'dismissed'}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function fingerprint(n: HaNotification): string {
  return `${n.title}\n${n.message}`;
}
