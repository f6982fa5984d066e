// Device settings as stored in Storage (file SETTINGS_FILE, JSON). Validated by validate.ts; secret fields are never
// logged, published or sent back to a browser: only "set / not set" (architecture C8).

export const SETTINGS_FILE = 'mep.settings.json';

export interface Settings {
  /** Friendly device name, shown in Home Assistant. */
  name: string;
  wifi: { ssid: string; password: string };
  mqtt: {
    host: string;
    port: number;
    username: string;
    password: string;
    /** Base topic; the device's topics live below it (discovery/topics.ts). */
    baseTopic: string;
    discoveryPrefix: string;
    /** Also publish the reference firmware's topics and JSON keys (spec §11). */
    compatibility: boolean;
  };
  meter: {
    /** MBK as entered (16–20 ASCII characters or 32–40 hex digits, spec §4.1). */
    key: string;
    pollIntervalS: number;
    /** Reply digest check (meter/session-types.ts ReplyDigestMode); 'off' only for a meter that proves the guide wrong. */
    replyDigest: 'enforce' | 'off';
    /** MEP RC4 encryption (guide pp. 256–257), off by default: only for a meter whose port requires it. */
    rc4: boolean;
  };
  login: { user: string; passwordHash: string };
  /** The device's web pages. Optional in the type only: validation always fills it in (older settings lack it). */
  web?: {
    /** GET /getDashDataWS without a login (the reference's open JSON for its Home Assistant integration); false. */
    openDashData: boolean;
  };
}

/** Paths of the secret fields: never logged, published or echoed. */
export const SECRET_FIELDS = ['wifi.password', 'mqtt.password', 'meter.key', 'login.passwordHash'];
