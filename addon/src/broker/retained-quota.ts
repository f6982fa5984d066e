// Quota on retained messages in the embedded broker (issue 11 attack 5: one device login grew retained.json from
// 34 KB to 44.7 MB and the add-on from 177 MB to 464 MB, and the file is reloaded at start). Pure. Every retained
// message is charged to who published it (a module by its device id; the full-access login and Home Assistant to
// nobody in particular) at its payload + topic length. A module gets RETAINED_QUOTA.perModule (its discovery,
// availability, diagnostics, update state and the compatibility topics need about 10 messages and 20 KB), and the
// whole store RETAINED_QUOTA.total (200 modules fit several times over). The add-on's own retained messages (one
// latest-version text per module) are recorded but never refused. An empty payload deletes and always passes.

export interface RetainedLimit {
  messages: number;
  bytes: number;
}

export const RETAINED_QUOTA: { perModule: RetainedLimit; total: RetainedLimit } = {
  perModule: { messages: 32, bytes: 128 * 1024 },
  total: { messages: 5000, bytes: 16 * 1024 * 1024 },
};

/** Who a retained message is charged to: a device id, 'full' (full-access login), or 'addon' (in-process). */
export type RetainedOwner = string;
export const OWNER_FULL = 'full';
export const OWNER_ADDON = 'addon';

export type QuotaVerdict = { ok: true } | { ok: false; reason: string };

interface Entry {
  owner: RetainedOwner;
  bytes: number;
}

export class RetainedQuota {
  private readonly topics = new Map<string, Entry>();
  private readonly owners = new Map<RetainedOwner, RetainedLimit>();
  private readonly total: RetainedLimit = { messages: 0, bytes: 0 };

  constructor(private readonly limits = RETAINED_QUOTA) {}

  /** Checks one retained publish and, when it passes, records it (replacing what the topic held). */
  admit(owner: RetainedOwner, topic: string, payloadBytes: number): QuotaVerdict {
    const bytes = payloadBytes + topic.length;
    const old = this.topics.get(topic);
    if (payloadBytes === 0) {
      if (old) this.charge(old.owner, -1, -old.bytes);
      this.topics.delete(topic);
      return { ok: true };
    }
    if (owner !== OWNER_ADDON) {
      const sameOwner = old !== undefined && old.owner === owner;
      const mine = this.usage(owner);
      const ownMessages = mine.messages + (sameOwner ? 0 : 1);
      const ownBytes = mine.bytes + bytes - (sameOwner ? old.bytes : 0);
      if (owner !== OWNER_FULL && (ownMessages > this.limits.perModule.messages || ownBytes > this.limits.perModule.bytes)) {
        return { ok: false, reason: `${owner} is over its quota of retained messages (${this.limits.perModule.messages} messages, ${this.limits.perModule.bytes} bytes)` };
      }
      const totalMessages = this.total.messages + (old ? 0 : 1);
      const totalBytes = this.total.bytes + bytes - (old ? old.bytes : 0);
      if (totalMessages > this.limits.total.messages || totalBytes > this.limits.total.bytes) {
        return { ok: false, reason: 'the broker\'s store of retained messages is full' };
      }
    }
    if (old) this.charge(old.owner, -1, -old.bytes);
    this.topics.set(topic, { owner, bytes });
    this.charge(owner, 1, bytes);
    return { ok: true };
  }

  usage(owner: RetainedOwner): RetainedLimit {
    return this.owners.get(owner) ?? { messages: 0, bytes: 0 };
  }

  totals(): RetainedLimit {
    return { ...this.total };
  }

  private charge(owner: RetainedOwner, messages: number, bytes: number): void {
    const u = this.owners.get(owner) ?? { messages: 0, bytes: 0 };
    u.messages += messages;
    u.bytes += bytes;
    if (u.messages <= 0) this.owners.delete(owner);
    else this.owners.set(owner, u);
    this.total.messages += messages;
    this.total.bytes += bytes;
  }
}
